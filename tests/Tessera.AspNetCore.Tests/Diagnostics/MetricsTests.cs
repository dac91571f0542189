using Tessera.TestSupport;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Diagnostics;

public sealed class MetricsTests
{
    [Fact]
    public async Task RejectedCookie_CountedWithReasonOnTesseraMeter()
    {
        var seen = new ConcurrentBag<(string Instrument, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tessera")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value?.ToString();
                }
            }

            seen.Add((instrument.Name, reason));
        });
        listener.Start();

        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        jar.Set(TesseraOptions.DefaultHostCookieName, "not-a-handle");
        using var response = await jar.GetAsync(app.Client, "/whoami");
        Assert.Contains(("tessera.http.session_cookies.rejected", "Malformed"), seen);
    }
}
