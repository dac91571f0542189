using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Legacy;

namespace Tessera.AspNetCore.Tests.Configuration;

/// <summary>A bare number for a Tessera duration is refused at start-up, read from the raw configuration string.</summary>
public sealed class DurationConfigurationCheckTests
{
    [Fact]
    public async Task Start_IdleTimeoutBareNumber_RefusedShowingParsedValueAndForm()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(TestApp.Settings(("Tessera:IdleTimeout", "20"))));

        // (20 days also exceeds the 12-hour AbsoluteLifetime, which is reported as well.)
        Assert.Contains(
            "Tessera:IdleTimeout = '20' binds as 20.00:00:00 (20 days); a bare number is refused. Write a TimeSpan as hh:mm:ss or d.hh:mm:ss, "
            + "e.g. '00:20:00' for 20 minutes, '00:00:20' for 20 seconds, or '20.00:00:00' if 20 days is meant.",
            e.Failures);
    }

    [Fact]
    public async Task Start_SeveralBareNumbersIncludingNestedSection_EachRefused()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(TestApp.Settings(
            ("Tessera:AbsoluteLifetime", "12"), ("Tessera:Cookie:MaxAge", "30"), ("Tessera:Sweeper:Interval", "300"))));

        Assert.Equal(
            ["Tessera:AbsoluteLifetime = '12' binds as 12.00:00:00 (12 days)", "Tessera:Cookie:MaxAge = '30' binds as 30.00:00:00 (30 days)", "Tessera:Sweeper:Interval = '300' binds as 300.00:00:00 (300 days)"],
            e.Failures.Select(f => f[..f.IndexOf(';', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_LegacyTimeoutBareNumber_RefusedTheSameWay()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(
            TestApp.Settings(
                ("Tessera:Legacy:PyramidCookieName", "session"),
                ("Tessera:Legacy:PyramidSecret", new string('a', 64)),
                ("Tessera:Legacy:PyramidTimeout", "1200"),
                ("Tessera:Legacy:BeakerCookieName", "beaker.session.id"),
                ("Tessera:Legacy:BeakerValidateKey", "validate-key"),
                ("Tessera:Legacy:BeakerTimeout", "00:20:00")),
            tessera: t => t.AddLegacyCookies()));

        Assert.Equal(
            "Tessera:Legacy:PyramidTimeout = '1200' binds as 1200.00:00:00 (1200 days); a bare number is refused. Write a TimeSpan as hh:mm:ss or d.hh:mm:ss, "
            + "e.g. '20:00:00' for 1200 minutes, '00:20:00' for 1200 seconds, or '1200.00:00:00' if 1200 days is meant.",
            Assert.Single(e.Failures));
    }

    [Fact]
    public async Task Start_IdleTimeoutAsTimeSpan_Starts()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:IdleTimeout", "00:30:00"), ("Tessera:ReissueTime", " 00:00:30 ")));

        using var response = await app.Client.GetAsync("/plain");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
