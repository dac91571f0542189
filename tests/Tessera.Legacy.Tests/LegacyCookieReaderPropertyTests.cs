using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>Hostile input to every reader: mutations, truncations, garbage and oversize never throw and are never accepted.</summary>
public sealed class LegacyCookieReaderPropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000);

    public static TheoryData<string> Readers => new() { "beaker-ctr", "beaker-gcm", "beaker-signed", "pyramid-nacl" };

    private static (ICookieSessionFormat Format, string Value) Subject(string kind)
    {
        ICookieSessionFormat format = kind switch
        {
            "beaker-ctr" => new BeakerCookieFormat(new BeakerCookieOptions { ValidateKey = "validate-key-one", EncryptKey = "encrypt-key-one" }),
            "beaker-gcm" => new BeakerCookieFormat(new BeakerCookieOptions { ValidateKey = "validate-key-one", EncryptKey = "encrypt-key-one", Crypto = BeakerCrypto.Gcm }),
            "beaker-signed" => new BeakerCookieFormat(new BeakerCookieOptions { ValidateKey = "validate-key-one" }),
            _ => new PyramidNaclCookieFormat(new PyramidNaclCookieOptions { Secret = new byte[32] }),
        };
        var payload = CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "alice", ["roles"] = new JsonArray("a", "b"), ["n"] = 1.5 }, Now);
        var value = format.Write("session", payload);
        Assert.True(format.Read("session", value, Now).IsValid, "the unmutated cookie must be valid");
        return (format, value);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_OneCharacterChanged_NeverThrowsNeverAccepted(string kind)
    {
        var (format, value) = Subject(kind);
        CookieReaderProperties.OneCharacterChanged(format, value, Now);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_BitFlippedInDecodedBytes_NeverAccepted(string kind)
    {
        var (format, value) = Subject(kind);
        CookieReaderProperties.BitFlippedInDecodedBytes(format, value, Now);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Truncated_NeverThrowsNeverAccepted(string kind)
    {
        var (format, value) = Subject(kind);
        CookieReaderProperties.Truncated(format, value, Now);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Garbage_NeverThrowsNeverAccepted(string kind) => CookieReaderProperties.Garbage(Subject(kind).Format, Now);

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Base64LookingGarbage_NeverThrowsNeverAccepted(string kind) => CookieReaderProperties.Base64LookingGarbage(Subject(kind).Format, Now);

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Oversize_ReturnsRejectionWithoutThrowing(string kind)
    {
        var (format, value) = Subject(kind);
        CookieReaderProperties.Oversize(format, value, Now);
    }
}
