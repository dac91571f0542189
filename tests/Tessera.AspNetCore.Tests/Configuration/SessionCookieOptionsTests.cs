using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Configuration;

/// <summary>The session cookie's attributes in Tessera:Cookie (ASP.NET's CookieBuilder): prefix defaults, refusals and the warning.</summary>
public sealed class SessionCookieOptionsTests
{
    private const int InsecureCookieEvent = 2303;

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task DefaultCookie_HostPrefixedSecureRootHostOnly(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        using var response = await new CookieJar().PostAsync(app.Client, "/set/a/b");

        var header = CookieJar.SetCookie(response, "__Host-tessera");
        Assert.NotNull(header);
        var attributes = header!.Split("; ").Skip(1).ToList();
        Assert.Contains("Secure", attributes);
        Assert.Contains("Path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("Domain", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("SameAsRequest", "Tessera:Cookie:Path", "/")]
    [InlineData("Always", "Tessera:Cookie:Path", "/app")]
    [InlineData("Always", "Tessera:Cookie:Domain", "example.test")]
    public async Task DefaultName_PrefixRulesDoNotHold_NonPrefixedName(string policy, string key, string value)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Cookie:SecurePolicy", policy), (key, value)));
        using var response = await app.Client.PostAsync("/set/a/b", null);

        Assert.NotNull(CookieJar.SetCookie(response, "tessera"));
        Assert.Null(CookieJar.SetCookie(response, "__Host-tessera"));
    }

    [Fact]
    public async Task SameAsRequest_OverHttp_NoSecureAttribute()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Cookie:SecurePolicy", "SameAsRequest")));
        using var response = await app.Client.PostAsync("/set/a/b", null);

        Assert.DoesNotContain("Secure", CookieJar.SetCookie(response, "tessera")!, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("__Host-sid", "Tessera:Cookie:Path", "/app", "set Tessera:Cookie:Path to '/'")]
    [InlineData("__Host-sid", "Tessera:Cookie:Domain", "example.test", "remove Tessera:Cookie:Domain")]
    [InlineData("__Host-sid", "Tessera:Cookie:SecurePolicy", "SameAsRequest", "set Tessera:Cookie:SecurePolicy to Always")]
    [InlineData("__Secure-sid", "Tessera:Cookie:SecurePolicy", "None", "uses the __Secure- prefix, which browsers accept only with Secure")]
    public async Task Start_PrefixAgainstItsRules_RefusedSayingWhatToChange(string name, string key, string value, string expected)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(TestApp.Settings(("Tessera:Cookie:Name", name), (key, value))));

        Assert.Contains(e.Failures, f => f.Contains($"Tessera:Cookie:Name '{name}'", StringComparison.Ordinal) && f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Tessera:Secure", "false", "Tessera:Secure is no longer read: the session cookie's attributes live under Tessera:Cookie. Use Tessera:Cookie:SecurePolicy")]
    [InlineData("Tessera:CookieName", "sid", "Tessera:CookieName is no longer read: the session cookie's attributes live under Tessera:Cookie. Use Tessera:Cookie:Name")]
    public async Task Start_FlatCookieKeyOfEarlierVersions_RefusedNamingTheNewKey(string key, string value, string expected)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(TestApp.Settings((key, value))));

        Assert.Contains(e.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production", "None", true)]
    [InlineData("Staging", "SameAsRequest", true)]
    [InlineData("Production", "Always", false)]
    [InlineData("Development", "None", false)]
    public async Task Start_SecureOffOutsideDevelopment_Warns(string environment, string policy, bool warns)
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(
            TestApp.Settings(("Tessera:Cookie:SecurePolicy", policy)), s => s.AddSingleton<ILoggerProvider>(logs), environment: environment);

        var warnings = logs.WithId(InsecureCookieEvent).ToList();
        if (warns)
        {
            var warning = Assert.Single(warnings);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains($"Tessera:Cookie:SecurePolicy is {policy} in the {environment} environment", warning.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(warnings);
        }

        Assert.Equal(environment, app.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
    }
}
