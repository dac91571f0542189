using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Configuration;

public sealed class TesseraOptionsValidatorTests
{
    public static TheoryData<string, string?, string> BadSettings => new()
    {
        { "Tessera:Secrets:0", "zz-not-a-secret-zz!", "Tessera:Secrets:0 is neither hex nor base64" },
        { "Tessera:Secrets:0", "00112233445566778899aabbccddeeff", "Tessera:Secrets:0 is 16 bytes" },
        { "Tessera:Secrets:0", new string('0', 64), "Tessera:Secrets:0 repeats one byte value" },
        { "Tessera:Secrets:0", "0101020203030404050506060707080801010202030304040505060607070808", "Tessera:Secrets:0 has only 8 distinct byte values" },
        { "Tessera:Secrets:0", "correcthorsebatterystaplecorrecthorsebatterystaple", "Tessera:Secrets:0 is text (letters only) read as base64" },
        { "Tessera:Cookie:Name", "bad name;", "Tessera:Cookie:Name must be a non-empty cookie name" },
        { "Tessera:Cookie:Path", "app", "Tessera:Cookie:Path must start with '/'" },
        { "Tessera:IdleTimeout", "00:00:00", "Tessera:IdleTimeout must be positive" },
        { "Tessera:AbsoluteLifetime", "00:05:00", "Tessera:AbsoluteLifetime must be at least Tessera:IdleTimeout" },
        { "Tessera:ReissueTime", "01:00:00", "Tessera:ReissueTime must be zero or more and shorter than Tessera:IdleTimeout" },
        { "Tessera:Cookie:MaxAge", "-00:00:01", "Tessera:Cookie:MaxAge must be positive" },
        { "Tessera:Cookie:Expiration", "01:00:00", "Tessera:Cookie:Expiration is not used: set Tessera:Cookie:MaxAge instead" },
        { "Tessera:MaxCookieChunks", "0", "Tessera:MaxCookieChunks must be 1 to 16" },
        { "Tessera:MaxCookieChunks", "17", "Tessera:MaxCookieChunks must be 1 to 16" },
        { "Tessera:CookieCacheSize", "-1", "Tessera:CookieCacheSize must be 0 (off) to 1000000" },
        { "Tessera:CookieCacheSize", "1000001", "Tessera:CookieCacheSize must be 0 (off) to 1000000" },
        { "Tessera:MaxSessionSize", "100", "Tessera:MaxSessionSize must be at least 1024 bytes" },
        { "Tessera:MaxMergeAttempts", "0", "Tessera:MaxMergeAttempts must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_FailsNamingTheKey(string key, string? value, string expected)
    {
        var options = Bind(TestApp.Settings((key, value)));
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoSecrets_SaysHowToConfigureOne()
    {
        var options = Bind(new Dictionary<string, string?> { ["Tessera:Store:Provider"] = "Memory" });
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.Contains(result.Failures!, f => f.Contains("Tessera:Secrets is empty", StringComparison.Ordinal) && f.Contains("Tessera__Secrets__0", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SameSiteNoneWithoutSecure_Fails()
    {
        var options = Bind(TestApp.Settings(("Tessera:Cookie:SameSite", "None"), ("Tessera:Cookie:SecurePolicy", "SameAsRequest")));
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.Contains(result.Failures!, f => f.Contains("Tessera:Cookie:SameSite is None while Tessera:Cookie:SecurePolicy is not Always", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_AllKeys_ReachTheOptions()
    {
        var options = Bind(TestApp.Settings(
            ("Tessera:Secrets:1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), ("Tessera:Mode", "Cookie"), ("Tessera:Store:Provider", "File"),
            ("Tessera:Store:ConnectionString", "/tmp/x"), ("Tessera:Cookie:Name", "sid"), ("Tessera:Cookie:HttpOnly", "false"),
            ("Tessera:Cookie:SameSite", "Strict"), ("Tessera:IdleTimeout", "00:30:00"), ("Tessera:AbsoluteLifetime", "1.00:00:00"),
            ("Tessera:ReissueTime", "00:02:00"), ("Tessera:Cookie:MaxAge", "02:00:00"), ("Tessera:SetOnException", "false"),
            ("Tessera:BindToClientIp", "true"), ("Tessera:MaxMergeAttempts", "12")));
        Assert.Equal(2, options.Secrets.Count);
        Assert.Equal(TesseraMode.Cookie, options.Mode);
        Assert.Equal("File", options.Store.Provider);
        Assert.Equal("/tmp/x", options.Store.ConnectionString);
        Assert.Equal("sid", options.Cookie.Name);
        Assert.False(options.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, options.Cookie.SameSite);
        Assert.Equal(TimeSpan.FromMinutes(30), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromDays(1), options.AbsoluteLifetime);
        Assert.Equal(TimeSpan.FromMinutes(2), options.ReissueTime);
        Assert.Equal(TimeSpan.FromHours(2), options.Cookie.MaxAge);
        Assert.False(options.SetOnException);
        Assert.True(options.BindToClientIp);
        Assert.Equal(12, options.MaxMergeAttempts);
        Assert.True(new TesseraOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task StartAsync_NoSecret_ThrowsOptionsValidationException()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddTessera(o => o.Store.Provider = "Memory");
        await using var app = builder.Build();
        app.UseTessera();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Tessera:Secrets is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WeakSecret_PointsToTesseraSecretWithoutEchoingIt()
    {
        const string weak = "correcthorsebatterystaplecorrecthorsebatterystaple";
        var result = new TesseraOptionsValidator().Validate(null, Bind(TestApp.Settings(("Tessera:Secrets:0", weak))));
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("'tessera secret' prints one", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(weak, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Server", 64)]
    [InlineData("Cookie", 64)]
    [InlineData("Cookie", 33)]
    public async Task Session_SecretLongerThan32Bytes_WorksInEveryMode(string mode, int length)
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length));
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Secrets:0", secret), ("Tessera:Mode", mode), ("Tessera:Cookie:SecurePolicy", "None")));

        var set = await app.Client.PostAsync(new Uri("/set/color/blue", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.OK, set.StatusCode);
        var cookie = set.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/get/color", UriKind.Relative));
        get.Headers.Add("Cookie", cookie);
        Assert.Equal("blue", await (await app.Client.SendAsync(get)).Content.ReadAsStringAsync());
    }

    private static TesseraOptions Bind(Dictionary<string, string?> settings)
    {
        // The same binding AddTessera uses, without the validation that IOptions.Value would run.
        var options = new TesseraOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(TesseraOptions.SectionName).Bind(options);
        return options;
    }
}
