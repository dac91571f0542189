using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>Start-up refuses auth_tkt settings that cannot work, each message naming the key.</summary>
public sealed class AuthTktOptionsValidationTests
{
    [Fact]
    public async Task Start_TimeoutBareNumber_RefusedShowingParsedValue()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("AuthTkt:Timeout", "7200")));

        Assert.Equal(
            "AuthTkt:Timeout = '7200' binds as 7200.00:00:00 (7200 days); a bare number is refused. Write a TimeSpan as hh:mm:ss or d.hh:mm:ss, "
            + "e.g. '5.00:00:00' for 7200 minutes, '02:00:00' for 7200 seconds, or '7200.00:00:00' if 7200 days is meant.",
            Assert.Single(e.Failures));
    }

    [Fact]
    public async Task Start_RefreshIntervalBareNumber_Refused()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("AuthTkt:RefreshInterval", "30")));

        Assert.StartsWith("AuthTkt:RefreshInterval = '30' binds as 30.00:00:00 (30 days); a bare number is refused.", Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("02:00:00")]
    [InlineData("1.00:00:00")]
    [InlineData("0")]
    public async Task Start_TimeoutAsTimeSpanOrZero_Starts(string timeout)
    {
        await using var app = await StartAsync(("AuthTkt:Timeout", timeout));

        Assert.Equal(TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture), Options(app).Timeout);
    }

    [Theory]
    [InlineData("AuthTkt:CookieDomain", "example.test; samesite=none", "AuthTkt:CookieDomain 'example.test; samesite=none' must be a host name")]
    [InlineData("AuthTkt:CookieDomain", "example.test,evil.test", "AuthTkt:CookieDomain 'example.test,evil.test' must be a host name")]
    [InlineData("AuthTkt:CookieDomain", "example .test", "AuthTkt:CookieDomain 'example .test' must be a host name")]
    [InlineData("AuthTkt:CookieDomain", "example.test\r\nX-Evil: 1", "AuthTkt:CookieDomain 'example.test\\u000D\\u000AX-Evil: 1' must be a host name")]
    [InlineData("AuthTkt:CookiePath", "app", "AuthTkt:CookiePath 'app' must start with '/'")]
    [InlineData("AuthTkt:CookiePath", "/; domain=evil.test", "AuthTkt:CookiePath '/; domain=evil.test' must start with '/' and contain no ';'")]
    [InlineData("AuthTkt:CookiePath", "/a\tb", "AuthTkt:CookiePath '/a\\u0009b' must start with '/'")]
    public async Task Start_CookieAttributeThatWouldInjectIntoSetCookie_RefusedNamingTheKey(string key, string value, string message)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync((key, value)));

        Assert.StartsWith(message, Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CookieDomainAndPathValid_Starts()
    {
        await using var app = await StartAsync(("AuthTkt:CookieDomain", ".example.test"), ("AuthTkt:CookiePath", "/app"));

        Assert.Equal(".example.test", Options(app).CookieDomain);
        Assert.Equal("/app", Options(app).CookiePath);
    }

    [Fact]
    public async Task Start_IPv6PolicyFromConfiguration_Bound()
    {
        await using var app = await StartAsync(("AuthTkt:IPv6Policy", "RefuseSignIn"));

        Assert.Equal(AuthTktIPv6Policy.RefuseSignIn, Options(app).IPv6Policy);
    }

    private static AuthTktOptions Options(TestApp app) =>
        app.Services.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(AuthTktDefaults.AuthenticationScheme);

    private static Task<TestApp> StartAsync(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["AuthTkt:Secrets:0"] = AuthTktApp.Secret };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return TestApp.StartAsync(b => b.Services.AddAuthentication().AddAuthTkt(b.Configuration.GetSection("AuthTkt")), _ => { }, all);
    }
}
