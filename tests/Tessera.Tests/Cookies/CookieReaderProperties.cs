using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;

namespace Tessera.TestSupport;

/// <summary>
/// The hostile-input properties every cookie reader must hold: mutations, truncations, garbage and oversize never throw
/// and are never accepted. Each reader's test class derives and says how to make the reader: the sealed format's in
/// Tessera.Tests, Beaker's and pyramid_nacl's in Tessera.Legacy.Tests (which links this file).
/// </summary>
public abstract class CookieReaderProperties
{
    protected static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000);

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=\" ;,%\\é\0😀";
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=";

    /// <summary>The reader under test, as the application would configure it.</summary>
    protected abstract ICookieSessionFormat CreateFormat();

    /// <summary>The reader and a valid cookie it wrote under the name "session".</summary>
    protected (ICookieSessionFormat Format, string Value) Subject()
    {
        var format = CreateFormat();
        var payload = CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "alice", ["roles"] = new JsonArray("a", "b"), ["n"] = 1.5 }, Now);
        var value = format.Write("session", payload);
        Assert.True(format.Read("session", value, Now).IsValid, "the unmutated cookie must be valid");
        return (format, value);
    }

    [Fact]
    public void Read_OneCharacterChanged_NeverThrowsNeverAccepted()
    {
        var (format, value) = Subject();
        var gen = from i in Gen.Choose(0, value.Length - 1)
                  from c in Gen.Elements(Alphabet.ToCharArray())
                  where value[i] != c
                  select value[..i] + c + value[(i + 1)..];

        Prop.ForAll(gen.ToArbitrary(), mutated => !format.Read("session", mutated, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_BitFlippedInDecodedBytes_NeverAccepted()
    {
        var (format, value) = Subject();
        var gen = from i in Gen.Choose(0, value.Length - 1)
                  from d in Gen.Choose(1, 5)
                  let c = value[i]
                  let flipped = (char)(c ^ (1 << (d - 1)))
                  where flipped != c && (char.IsAsciiLetterOrDigit(flipped) || "-_+/=".Contains(flipped))
                  select value[..i] + flipped + value[(i + 1)..];

        Prop.ForAll(gen.ToArbitrary(), mutated => !format.Read("session", mutated, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_Truncated_NeverThrowsNeverAccepted()
    {
        var (format, value) = Subject();
        var gen = from n in Gen.Choose(0, value.Length - 1)
                  from fromStart in Gen.Elements(true, false)
                  select fromStart ? value[(value.Length - n)..] : value[..n];

        Prop.ForAll(gen.ToArbitrary(), truncated => !format.Read("session", truncated, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_Garbage_NeverThrowsNeverAccepted()
    {
        var format = Subject().Format;
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => !format.Read("session", s, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_Base64LookingGarbage_NeverThrowsNeverAccepted()
    {
        var format = Subject().Format;
        var gen = from n in Gen.Choose(0, 600)
                  from chars in Gen.ArrayOf(Gen.Elements(Base64Alphabet.ToCharArray()), n)
                  select new string(chars);

        Prop.ForAll(gen.ToArbitrary(), s => !format.Read("session", s, Now).IsValid).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_Oversize_ReturnsRejectionWithoutThrowing()
    {
        var (format, value) = Subject();
        var gen = from repeat in Gen.Choose(5, 40)
                  select string.Concat(Enumerable.Repeat(value, repeat));

        Prop.ForAll(gen.ToArbitrary(), huge => !format.Read("session", huge, Now).IsValid).QuickCheckThrowOnFailure();
        Assert.False(format.Read("session", new string('A', 1 << 20), Now).IsValid);
    }
}
