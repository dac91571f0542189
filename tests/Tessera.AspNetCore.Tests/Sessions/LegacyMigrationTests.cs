using Tessera.TestSupport;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.AspNetCore.Tests.Support;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Legacy;

namespace Tessera.AspNetCore.Tests.Sessions;

public sealed class LegacyMigrationTests
{
    private const string ValidateKey = "beaker-validate-key-for-tests";
    private const string EncryptKey = "beaker-encrypt-key-for-tests";

    [Theory]
    [InlineData("Server", "default")]
    [InlineData("Server", "cryptography")]
    [InlineData("Cookie", "default")]
    public async Task BeakerCookie_FromRealBeaker_ReissuedInTesseraFormat(string mode, string cryptoType)
    {
        var beaker = Peers.PyCookies("beaker", "encode", "--validate-key", ValidateKey, "--encrypt-key", EncryptKey,
            "--crypto-type", cryptoType, "--data", "{\"user\": \"alice\", \"cart\": [1, 2]}");
        var value = beaker["cookie_value"]!.GetValue<string>();

        await using var app = await SessionApp.StartAsync(TestApp.Settings(
            ("Tessera:Mode", mode),
            ("Tessera:Legacy:BeakerCookieName", "beaker.session.id"),
            ("Tessera:Legacy:BeakerValidateKey", ValidateKey),
            ("Tessera:Legacy:BeakerEncryptKey", EncryptKey),
            ("Tessera:Legacy:BeakerCryptoType", cryptoType)),
            tessera: t => t.AddLegacyCookies());
        var jar = new CookieJar();
        jar.Set("beaker.session.id", value);
        using var first = await jar.GetAsync(app.Client, "/get/user");

        Assert.Equal("alice", await first.Content.ReadAsStringAsync());
        Assert.NotNull(CookieJar.SetCookie(first, TesseraOptions.DefaultHostCookieName));
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(first, "beaker.session.id"));
        Assert.Null(jar["beaker.session.id"]);

        using var cart = await jar.GetAsync(app.Client, "/json/cart");
        using var internalKey = await jar.GetAsync(app.Client, "/json/_creation_time");
        Assert.Equal("[1,2]", await cart.Content.ReadAsStringAsync());
        Assert.Equal("(none)", await internalKey.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BeakerCookie_WrongValidateKey_NotMigrated()
    {
        var beaker = Peers.PyCookies("beaker", "encode", "--validate-key", "another-sites-key", "--encrypt-key", EncryptKey, "--data", "{\"user\": \"mallory\"}");
        await using var app = await SessionApp.StartAsync(TestApp.Settings(
            ("Tessera:Legacy:BeakerCookieName", "beaker.session.id"),
            ("Tessera:Legacy:BeakerValidateKey", ValidateKey),
            ("Tessera:Legacy:BeakerEncryptKey", EncryptKey)),
            tessera: t => t.AddLegacyCookies());
        var jar = new CookieJar();
        jar.Set("beaker.session.id", beaker["cookie_value"]!.GetValue<string>());
        using var response = await jar.GetAsync(app.Client, "/get/user");
        Assert.Equal("(none)", await response.Content.ReadAsStringAsync());
        Assert.Null(CookieJar.SetCookie(response, TesseraOptions.DefaultHostCookieName));
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task PyramidCookie_ReissuedInTesseraFormat(string mode)
    {
        // pyramid_nacl_session is not packaged for Debian (see peers/pycookies/README.md), so the cookie comes from
        // Tessera's own writer, which the cookie tests check byte for byte against the peer's vectors.
        var secret = RandomNumberGenerator.GetBytes(32);
        var format = new PyramidNaclCookieFormat(new PyramidNaclCookieOptions { Secret = secret });
        var value = format.Write("session", CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "bob", ["n"] = 7 }, DateTimeOffset.UtcNow));

        await using var app = await SessionApp.StartAsync(TestApp.Settings(
            ("Tessera:Mode", mode),
            ("Tessera:Legacy:PyramidCookieName", "session"),
            ("Tessera:Legacy:PyramidSecret", Convert.ToHexString(secret))),
            tessera: t => t.AddLegacyCookies());
        var jar = new CookieJar();
        jar.Set("session", value);
        using var first = await jar.GetAsync(app.Client, "/get/user");
        Assert.Equal("bob", await first.Content.ReadAsStringAsync());
        Assert.NotNull(CookieJar.SetCookie(first, TesseraOptions.DefaultHostCookieName));
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(first, "session"));
        using var n = await jar.GetAsync(app.Client, "/json/n");
        Assert.Equal("7", await n.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LegacySection_WithoutLegacyPackageRegistered_StopsStartNamingPackageAndCall()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(TestApp.Settings(
            ("Tessera:Legacy:BeakerCookieName", "beaker.session.id"),
            ("Tessera:Legacy:BeakerValidateKey", ValidateKey))));

        Assert.Contains("Tessera.Legacy", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddLegacyCookies()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyCookieNamedLikeTesseraCookie_StopsStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(
            TestApp.Settings(("Tessera:Cookie:Name", "session")),
            tessera: t => t.AddLegacyCookies(o =>
            {
                o.PyramidCookieName = "session";
                o.PyramidSecret = new string('a', 64);
            })));

        Assert.Contains("The legacy pyramid-nacl cookie name 'session' (Tessera:Legacy) must differ from the session cookie's name 'session' (Tessera:Cookie:Name)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyOptions_MissingValidateKey_StopsStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionApp.StartAsync(
            TestApp.Settings(("Tessera:Legacy:BeakerCookieName", "beaker.session.id")),
            tessera: t => t.AddLegacyCookies()));

        Assert.Contains("Tessera:Legacy:BeakerValidateKey is required", error.Message, StringComparison.Ordinal);
    }
}
