namespace Tessera.Legacy.Tests;

public sealed class LegacyCookieOptionsValidatorTests
{
    public static TheoryData<LegacyCookieOptions, string> BadOptions => new()
    {
        { new LegacyCookieOptions { BeakerCookieName = "beaker.session.id" }, "Tessera:Legacy:BeakerValidateKey is required" },
        { new LegacyCookieOptions { BeakerCookieName = "", BeakerValidateKey = "v" }, "Tessera:Legacy:BeakerCookieName must be the Beaker site's cookie name" },
        { new LegacyCookieOptions { BeakerCookieName = "b", BeakerValidateKey = "v", BeakerCryptoType = "aes" }, "Tessera:Legacy:BeakerCryptoType must be 'default' (AES-CTR) or 'cryptography'" },
        { new LegacyCookieOptions { BeakerCookieName = "b", BeakerValidateKey = "v", BeakerEncryptKey = "ключ" }, "Tessera:Legacy:BeakerEncryptKey must be the Beaker site's session.encrypt_key (ASCII" },
        { new LegacyCookieOptions { PyramidCookieName = "session" }, "Tessera:Legacy:PyramidSecret must be the Pyramid site's 32-byte secret" },
        { new LegacyCookieOptions { PyramidCookieName = "session", PyramidSecret = new string('a', 62) }, "Tessera:Legacy:PyramidSecret must be the Pyramid site's 32-byte secret" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadOption_FailsNamingTheSetting(LegacyCookieOptions options, string expected)
    {
        var result = new LegacyCookieOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BothFormatsConfigured_Succeeds()
    {
        var options = new LegacyCookieOptions
        {
            BeakerCookieName = "beaker.session.id",
            BeakerValidateKey = "validate",
            BeakerEncryptKey = "encrypt",
            PyramidCookieName = "session",
            PyramidSecret = new string('a', 64),
        };

        Assert.True(new LegacyCookieOptionsValidator().Validate(null, options).Succeeded);
    }
}
