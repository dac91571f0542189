using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Tests.Cookies;

/// <summary>Hostile input to every reader: mutations, truncations, garbage and oversize never throw and are never accepted.</summary>
public sealed class CookieReaderPropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000);
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=\" ;,%\\é\0😀";

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
        var gen = from i in Gen.Choose(0, value.Length - 1)
                  from c in Gen.Elements(Alphabet.ToCharArray())
                  where value[i] != c
                  select value[..i] + c + value[(i + 1)..];

        Prop.ForAll(gen.ToArbitrary(), mutated => !format.Read("session", mutated, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_BitFlippedInDecodedBytes_NeverAccepted(string kind)
    {
        var (format, value) = Subject(kind);
        var gen = from i in Gen.Choose(0, value.Length - 1)
                  from d in Gen.Choose(1, 5)
                  let c = value[i]
                  let flipped = (char)(c ^ (1 << (d - 1)))
                  where flipped != c && (char.IsAsciiLetterOrDigit(flipped) || "-_+/=".Contains(flipped))
                  select value[..i] + flipped + value[(i + 1)..];

        Prop.ForAll(gen.ToArbitrary(), mutated => !format.Read("session", mutated, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Truncated_NeverThrowsNeverAccepted(string kind)
    {
        var (format, value) = Subject(kind);
        var gen = from n in Gen.Choose(0, value.Length - 1)
                  from fromStart in Gen.Elements(true, false)
                  select fromStart ? value[(value.Length - n)..] : value[..n];

        Prop.ForAll(gen.ToArbitrary(), truncated => !format.Read("session", truncated, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Garbage_NeverThrowsNeverAccepted(string kind)
    {
        var (format, _) = Subject(kind);
        var garbage = ArbMap.Default.ArbFor<string>();

        Prop.ForAll(garbage, s => !format.Read("session", s, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Base64LookingGarbage_NeverThrowsNeverAccepted(string kind)
    {
        var (format, _) = Subject(kind);
        var gen = from n in Gen.Choose(0, 600)
                  from chars in Gen.ArrayOf(Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=".ToCharArray()), n)
                  select new string(chars);

        Prop.ForAll(gen.ToArbitrary(), s => !format.Read("session", s, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Oversize_ReturnsRejectionWithoutThrowing(string kind)
    {
        var (format, value) = Subject(kind);
        var gen = from repeat in Gen.Choose(5, 40)
                  select string.Concat(Enumerable.Repeat(value, repeat));

        Prop.ForAll(gen.ToArbitrary(), huge => !format.Read("session", huge, Now).IsValid).QuickCheckThrowOnFailure();
        Assert.False(format.Read("session", new string('A', 1 << 20), Now).IsValid);
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
