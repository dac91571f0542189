using Tessera.Cookies;

namespace Tessera.Legacy.Tests;

/// <summary>The legacy formats under test, by kind: Beaker with each backend and signed only, and pyramid_nacl.</summary>
internal static class LegacyFormats
{
    public static TheoryData<string> Kinds => new() { "beaker-ctr", "beaker-gcm", "beaker-signed", "pyramid-nacl" };

    public static ICookieSessionFormat Create(string kind) => kind switch
    {
        "beaker-ctr" => Beaker(kind),
        "beaker-gcm" => Beaker(kind),
        "beaker-signed" => Beaker(kind),
        "pyramid-nacl" => Pyramid(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown format kind"),
    };

    public static BeakerCookieFormat Beaker(string kind) => new(new BeakerCookieOptions
    {
        ValidateKey = "validate-key-one",
        EncryptKey = kind == "beaker-signed" ? null : "encrypt-key-one",
        Crypto = kind == "beaker-gcm" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
    });

    public static PyramidNaclCookieFormat Pyramid() =>
        new(new PyramidNaclCookieOptions { Secret = [.. Enumerable.Range(0, 32).Select(i => (byte)i)], Timeout = null });
}
