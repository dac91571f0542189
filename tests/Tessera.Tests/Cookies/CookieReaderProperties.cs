using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;

namespace Tessera.TestSupport;

/// <summary>
/// The hostile-input properties every cookie reader must hold: mutations, truncations, garbage and oversize never throw
/// and are never accepted. Shared by the sealed format's tests and (linked) Tessera.Legacy.Tests.
/// </summary>
internal static class CookieReaderProperties
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=\" ;,%\\é\0😀";
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=";

    public static void OneCharacterChanged(ICookieSessionFormat format, string value, DateTimeOffset now)
    {
        var gen = from i in Gen.Choose(0, value.Length - 1)
                  from c in Gen.Elements(Alphabet.ToCharArray())
                  where value[i] != c
                  select value[..i] + c + value[(i + 1)..];

        Prop.ForAll(gen.ToArbitrary(), mutated => !format.Read("session", mutated, now).IsValid).QuickCheckThrowOnFailure();
    }

    public static void BitFlippedInDecodedBytes(ICookieSessionFormat format, string value, DateTimeOffset now)
    {
        var gen = from i in Gen.Choose(0, value.Length - 1)
                  from d in Gen.Choose(1, 5)
                  let c = value[i]
                  let flipped = (char)(c ^ (1 << (d - 1)))
                  where flipped != c && (char.IsAsciiLetterOrDigit(flipped) || "-_+/=".Contains(flipped))
                  select value[..i] + flipped + value[(i + 1)..];

        Prop.ForAll(gen.ToArbitrary(), mutated => !format.Read("session", mutated, now).IsValid).QuickCheckThrowOnFailure();
    }

    public static void Truncated(ICookieSessionFormat format, string value, DateTimeOffset now)
    {
        var gen = from n in Gen.Choose(0, value.Length - 1)
                  from fromStart in Gen.Elements(true, false)
                  select fromStart ? value[(value.Length - n)..] : value[..n];

        Prop.ForAll(gen.ToArbitrary(), truncated => !format.Read("session", truncated, now).IsValid).QuickCheckThrowOnFailure();
    }

    public static void Garbage(ICookieSessionFormat format, DateTimeOffset now) =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => !format.Read("session", s, now).IsValid).QuickCheckThrowOnFailure();

    public static void Base64LookingGarbage(ICookieSessionFormat format, DateTimeOffset now)
    {
        var gen = from n in Gen.Choose(0, 600)
                  from chars in Gen.ArrayOf(Gen.Elements(Base64Alphabet.ToCharArray()), n)
                  select new string(chars);

        Prop.ForAll(gen.ToArbitrary(), s => !format.Read("session", s, now).IsValid).QuickCheckThrowOnFailure();
    }

    public static void Oversize(ICookieSessionFormat format, string value, DateTimeOffset now)
    {
        var gen = from repeat in Gen.Choose(5, 40)
                  select string.Concat(Enumerable.Repeat(value, repeat));

        Prop.ForAll(gen.ToArbitrary(), huge => !format.Read("session", huge, now).IsValid).QuickCheckThrowOnFailure();
        Assert.False(format.Read("session", new string('A', 1 << 20), now).IsValid);
    }
}
