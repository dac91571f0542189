using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AuthTktApp = Tessera.AspNetCore.Tests.Authentication.AuthTktApp;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.TestSupport;
using Tessera.Tickets;

namespace Tessera.AspNetCore.Tests.Diagnostics;

/// <summary>
/// Telemetry per request through a real Kestrel: each verdict logged once and counted once on the application's
/// <c>Tessera</c> meter (its own <see cref="IMeterFactory"/>, so tests running beside it do not interfere).
/// </summary>
public sealed class MetricsTests
{
    // The log lines that report a rejected session cookie or ticket: the core's (1000 ticket, 1100 cookie, 1200 server
    // session) and the ones the ASP.NET Core layer used to add on top (2001 cookie, 2006 legacy cookie, 2100 ticket).
    private static readonly int[] RejectionEvents = [1000, 1100, 1200, 2001, 2006, 2100];

    [Fact]
    public async Task RejectedCookie_ServerMode_LoggedOnceAndCountedOnce()
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)));
        using var measurements = new MeterRecorder(app.Services.GetRequiredService<IMeterFactory>());
        var jar = new CookieJar();
        jar.Set(CookieName(app), "not-a-handle");

        using var response = await jar.GetAsync(app.Client, "/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rejection = Assert.Single(logs.Entries, e => RejectionEvents.Contains(e.EventId));
        Assert.Equal(1200, rejection.EventId);
        Assert.Contains("Malformed", rejection.Message, StringComparison.Ordinal);
        var counted = Assert.Single(measurements.Counters(), m => m.Instrument != "tessera.session.cookie.writes");
        Assert.Equal(("tessera.session.loads", 1L), (counted.Instrument, counted.Value));
        Assert.Equal("malformed", counted.Tags["tessera.session.verdict"]);
    }

    [Fact]
    public async Task RejectedCookie_CookieMode_LoggedOnceAndCountedOnce()
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie")), s => s.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)));
        using var measurements = new MeterRecorder(app.Services.GetRequiredService<IMeterFactory>());
        var jar = new CookieJar();
        jar.Set(CookieName(app), "bm90IGEgc2VhbGVkIGNvb2tpZSBhdCBhbGwsIGp1c3QgdGV4dA");

        using var response = await jar.GetAsync(app.Client, "/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rejection = Assert.Single(logs.Entries, e => RejectionEvents.Contains(e.EventId));
        Assert.Equal(1100, rejection.EventId);
        var counted = Assert.Single(measurements.Counters(), m => m.Instrument != "tessera.session.cookie.writes");
        Assert.Equal("tessera.cookie.reads", counted.Instrument);
        Assert.Equal("tessera", counted.Tags["tessera.cookie.format"]);
        Assert.Equal(EnumTagOf(rejection.Message), counted.Tags["tessera.cookie.verdict"]);
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("0")]
    public async Task AcceptedCookie_CookieModeCachedOrNot_CountedOncePerRequest(string cacheSize)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie"), ("Tessera:CookieCacheSize", cacheSize)));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        using var measurements = new MeterRecorder(app.Services.GetRequiredService<IMeterFactory>());

        using var read = await jar.GetAsync(app.Client, "/get/a"); // with the cache: a hit (the value this server sealed)
        using var again = await jar.GetAsync(app.Client, "/get/a");

        Assert.Equal("1", await read.Content.ReadAsStringAsync());
        var reads = measurements.Counters().Where(m => m.Instrument == "tessera.cookie.reads").ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, m => Assert.Equal("accepted", m.Tags["tessera.cookie.verdict"]));
    }

    [Fact]
    public async Task RejectedTicket_AuthTkt_LoggedOnceAndCountedOnce()
    {
        var logs = new ListLoggerProvider();
        await using var app = await AuthTktApp.StartAsync(logs: logs);
        using var measurements = new MeterRecorder(app.Services.GetRequiredService<IMeterFactory>());
        var forged = new TicketIssuer(new TicketOptions { Scheme = TicketScheme.Sha512, Secrets = [System.Text.Encoding.UTF8.GetBytes("not the secret the app was given!")], IgnoreIp = true })
            .IssueCookieValue(new AuthTicket { UserId = "mallory" });
        var jar = new CookieJar();
        jar.Set("auth_tkt", forged);

        using var response = await jar.GetAsync(app.Client, "/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var rejection = Assert.Single(logs.Entries, e => RejectionEvents.Contains(e.EventId));
        Assert.Equal(1000, rejection.EventId);
        Assert.DoesNotContain("mallory", rejection.Message, StringComparison.Ordinal);
        var counted = Assert.Single(measurements.Counters());
        Assert.Equal(("tessera.ticket.validations", "sha512", "bad_digest"), (counted.Instrument, counted.Tags["tessera.ticket.scheme"], counted.Tags["tessera.ticket.verdict"]));
    }

    [Fact]
    public async Task StoreFails_ServerMode_DurationRecordedAsErrorAndSpanFailedWithoutIds()
    {
        var storeName = "failing-" + Guid.NewGuid().ToString("N");
        using var spans = new SpanRecorder();
        await using var app = await SessionApp.StartAsync(
            TestApp.Settings(("Tessera:Store:Provider", "Failing")),
            tessera: t => t.AddStoreProvider(new SessionStoreProvider("Failing", _ => new FailingStore(storeName))));
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        using var durations = new MetricCollector<double>(meters, "Tessera", "tessera.store.operation.duration");
        using var failures = new MetricCollector<long>(meters, "Tessera", "tessera.session.store_failures");
        var cookie = SessionHandle.Create().ToCookieValue();
        var jar = new CookieJar();
        jar.Set(CookieName(app), cookie);

        using var response = await jar.GetAsync(app.Client, "/whoami");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var duration = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal(storeName, duration.Tags["tessera.store.name"]);
        Assert.Equal("load", duration.Tags["tessera.store.operation"]);
        Assert.Equal("error", duration.Tags["tessera.store.outcome"]);
        Assert.Equal(typeof(SessionStoreException).FullName, duration.Tags["error.type"]);
        Assert.Equal(storeName, Assert.Single(failures.GetMeasurementSnapshot()).Tags["tessera.store.name"]);
        var trace = spans.TracesOfStore(storeName);
        Assert.Equal(["tessera.store.load", "tessera.session.load"], trace.Select(s => s.OperationName));
        Assert.All(trace, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        Assert.All(trace.SelectMany(s => s.TagObjects), tag => Assert.DoesNotContain(cookie[..12], tag.Value?.ToString() ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Instruments_AfterARequest_FollowOpenTelemetryNamingWithUnits()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        using var measurements = new MeterRecorder(app.Services.GetRequiredService<IMeterFactory>());

        using var response = await app.Client.PostAsync("/set/k/v", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(measurements.Published);
        Assert.All(measurements.Published, instrument =>
        {
            Assert.Matches("^tessera(\\.[a-z_]+)+$", instrument.Name);
            Assert.False(string.IsNullOrEmpty(instrument.Unit), instrument.Name + " has no unit");
            Assert.False(string.IsNullOrEmpty(instrument.Description), instrument.Name + " has no description");
            Assert.Equal(typeof(TesseraOptions).Assembly.GetName().Version?.ToString(), instrument.Meter.Version);
        });
        Assert.Single(measurements.Published.Select(i => i.Meter).Distinct());
        Assert.Contains(measurements.Published, i => i.Name == "tessera.store.operation.duration" && i.Unit == "s");
    }

    private static string CookieName(TestApp app) => SessionCookie.NameOf(app.Services.GetRequiredService<IOptions<TesseraOptions>>().Value.Cookie);

    // "... rejected by the tessera format: Malformed" → "malformed"
    private static string EnumTagOf(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message[(message.LastIndexOf(' ') + 1)..], "(?<!^)([A-Z])", "_$1").ToLowerInvariant();

    /// <summary>Every measurement on the Tessera meter of one <see cref="IMeterFactory"/>.</summary>
    private sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _counters = new();

        public MeterRecorder(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Tessera" && instrument.Meter.Scope == meters)
                {
                    Published.Add(instrument);
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
                _counters.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
            _listener.Start();
        }

        public ConcurrentBag<Instrument> Published { get; } = [];

        public IReadOnlyList<(string Instrument, long Value, Dictionary<string, object?> Tags)> Counters() => [.. _counters];

        public void Dispose() => _listener.Dispose();
    }
}
