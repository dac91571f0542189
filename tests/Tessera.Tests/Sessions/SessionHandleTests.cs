using FsCheck;
using FsCheck.Fluent;
using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

public sealed class SessionHandleTests
{
    [Fact]
    public void Create_TwoHandles_DifferAndRoundTrip()
    {
        var a = SessionHandle.Create();
        var b = SessionHandle.Create();
        Assert.NotEqual(a.ToCookieValue(), b.ToCookieValue());
        Assert.Equal(SessionHandle.CookieValueLength, a.ToCookieValue().Length);
        Assert.True(SessionHandle.TryParse(a.ToCookieValue(), out var parsed));
        Assert.Equal(a.Key, parsed!.Key);
        Assert.True(a.DataKey.SequenceEqual(parsed.DataKey));
        Assert.Equal(SessionKey.FromLookupId(a.LookupId), a.Key);
    }

    [Fact]
    public void ToString_ShowsOnlyFingerprint()
    {
        var handle = SessionHandle.Create();
        Assert.Equal(handle.Fingerprint, handle.ToString());
        Assert.DoesNotContain(handle.ToString(), handle.ToCookieValue(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ArbitraryStrings_NeverThrows()
    {
        Prop.ForAll<string>(s =>
        {
            var ok = SessionHandle.TryParse(s, out var h);
            return ok == (h is not null) && (!ok || h!.ToCookieValue() == s);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryParse_MutatedCookie_RejectedOrDifferentHandle()
    {
        var original = SessionHandle.Create();
        var cookie = original.ToCookieValue();
        Prop.ForAll(Gen.Choose(0, cookie.Length - 1).ToArbitrary(), Gen.Elements("AZaz09-_+/=.%~ ".ToCharArray()).ToArbitrary(), (position, c) =>
        {
            var mutated = cookie[..position] + c + cookie[(position + 1)..];
            if (!SessionHandle.TryParse(mutated, out var h))
            {
                return true;
            }

            return mutated == cookie || h!.Key != original.Key || !h.DataKey.SequenceEqual(original.DataKey);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryParse_Truncated_ReturnsFalse()
    {
        var cookie = SessionHandle.Create().ToCookieValue();
        for (var i = 0; i < cookie.Length; i++)
        {
            Assert.False(SessionHandle.TryParse(cookie[..i], out _));
        }

        Assert.False(SessionHandle.TryParse(cookie + "A", out _));
        Assert.False(SessionHandle.TryParse(new string('A', 100_000), out _));
    }
}
