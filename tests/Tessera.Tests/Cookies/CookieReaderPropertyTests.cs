using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.TestSupport;

namespace Tessera.Tests.Cookies;

/// <summary>Hostile input to every reader: mutations, truncations, garbage and oversize never throw and are never accepted.</summary>
public sealed class CookieReaderPropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000);

    // The Beaker and pyramid_nacl readers have the same properties in Tessera.Legacy.Tests.
    public static TheoryData<string> Readers => new() { "tessera" };

    private static (ICookieSessionFormat Format, string Value) Subject(string kind)
    {
        Assert.Equal("tessera", kind);
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()]) }, new FakeTimeProvider(Now));
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

    [Fact]
    public void Read_SealedCookieUnderAnyOtherName_IsRefused()
    {
        var (format, value) = Subject("tessera");
        var names = ArbMap.Default.ArbFor<NonEmptyString>().Generator
            .Select(s => s.Get)
            .Where(s => s != "session")
            .ToArbitrary();

        Prop.ForAll(names, name => format.Read(name, value, Now).Reason == CookieRejection.BadSignature).QuickCheckThrowOnFailure();
    }
}
