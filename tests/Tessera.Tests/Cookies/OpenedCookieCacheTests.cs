using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Tests.Cookies;

/// <summary>The opened-cookie cache on its own (bounds, CLOCK eviction, threads) and the format's open/judge split it relies on.</summary>
public sealed class OpenedCookieCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);
    private static readonly byte[] KeyA = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static OpenedCookie Opened(int payloadLength = 100, string json = """{"a":1}""") =>
        new(JsonDocument.Parse(json).RootElement.Clone(), T0, T0, keyIndex: 0, keyId: 1, payloadLength);

    [Fact]
    public void TryGet_AfterAdd_ReturnsTheSameEntry()
    {
        var cache = new OpenedCookieCache(4);
        var opened = Opened();
        cache.Add("value-1", opened);

        Assert.True(cache.TryGet("value-1", out var hit));
        Assert.Same(opened, hit);
        Assert.False(cache.TryGet("value-2", out var miss));
        Assert.Null(miss);
        Assert.Equal(OpenedCookieCache.SizeOf("value-1", opened), cache.Bytes);
    }

    [Fact]
    public void Add_BeyondMaxEntries_EvictsAnEntryNotHitSinceTheHandPassed()
    {
        var cache = new OpenedCookieCache(2);
        cache.Add("a", Opened());
        cache.Add("b", Opened());
        Assert.True(cache.TryGet("a", out _));

        cache.Add("c", Opened());

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out _)); // hit: second chance
        Assert.False(cache.TryGet("b", out _)); // never hit: evicted
        Assert.True(cache.TryGet("c", out _));
    }

    [Fact]
    public void Add_OverByteBudget_EvictsUntilItFits()
    {
        var cache = new OpenedCookieCache(4); // 16 KiB in all
        var big = Opened(payloadLength: 3000); // about 6.5 KB each
        cache.Add("a", big);
        cache.Add("b", big);
        cache.Add("c", big);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.Bytes <= cache.MaxBytes, $"{cache.Bytes} > {cache.MaxBytes}");
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void Add_LargerThanTheWholeBudget_NotKept()
    {
        var cache = new OpenedCookieCache(1);
        cache.Add("a", Opened(payloadLength: OpenedCookieCache.BytesPerEntry));

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void Add_SameValueTwice_KeepsTheFirst()
    {
        var cache = new OpenedCookieCache(2);
        var first = Opened();
        cache.Add("a", first);
        cache.Add("a", Opened());

        Assert.True(cache.TryGet("a", out var hit));
        Assert.Same(first, hit);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Remove_Entry_GoneAndBytesReturned()
    {
        var cache = new OpenedCookieCache(2);
        cache.Add("a", Opened());
        cache.Remove("a");
        cache.Remove("never there");

        Assert.False(cache.TryGet("a", out _));
        Assert.Equal((0, 0L), (cache.Count, cache.Bytes));
    }

    [Fact]
    public void ConcurrentAddsAndHits_StayBoundedAndEveryHitIsItsOwnValue()
    {
        var cache = new OpenedCookieCache(64);
        var entries = Enumerable.Range(0, 2000).Select(i => ("value-" + i, Opened(json: $$"""{"i":{{i}}}"""))).ToArray();
        var wrong = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var (value, opened) = entries[(n * 7919) % entries.Length];
            if (cache.TryGet(value, out var hit))
            {
                if (!ReferenceEquals(hit, opened))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
            else
            {
                cache.Add(value, opened);
            }

            if (cache.Count > cache.MaxEntries)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
        Assert.InRange(cache.Count, 1, 64);
        Assert.InRange(cache.Bytes, 1, cache.MaxBytes);
        var kept = entries.Where(e => cache.TryGet(e.Item1, out _)).ToList();
        Assert.Equal(cache.Count, kept.Count);
        Assert.Equal(kept.Sum(e => (long)OpenedCookieCache.SizeOf(e.Item1, e.Item2)), cache.Bytes);
    }

    [Fact]
    public void Judge_SameOpenedCookieLater_ExpiredAsAFreshReadWouldBe()
    {
        var clock = new FakeTimeProvider(T0);
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([KeyA]) }, clock);
        var value = format.Write("sid", CookieSessionPayload.CreateNew(new JsonObject { ["a"] = 1 }, T0));
        var opened = format.Open("sid", value, out var rejection)!;
        Assert.Equal(CookieRejection.None, rejection);

        var early = format.Judge(opened, T0.AddMinutes(1));
        Assert.True(early.IsValid);
        Assert.False(early.NeedsReissue);
        Assert.True(format.Judge(opened, T0.AddMinutes(3)).NeedsReissue); // default re-issue time: 2 minutes
        var later = T0.AddMinutes(21); // default idle timeout: 20 minutes
        Assert.Equal(CookieRejection.Expired, format.Judge(opened, later).Reason);
        Assert.Equal(format.Read("sid", value, later).Reason, format.Judge(opened, later).Reason);
    }

    [Fact]
    public void Write_Snapshot_IsWhatOpeningTheValueGives()
    {
        var clock = new FakeTimeProvider(T0.AddTicks(1234)); // sub-millisecond: the cookie carries milliseconds
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([KeyA]) }, clock);
        var payload = CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "alice", ["list"] = new JsonArray(1, "two", null) }, clock.GetUtcNow());

        var value = format.Write("sid", payload, snapshot: true, out var written);
        var opened = format.Open("sid", value, out _)!;

        Assert.NotNull(written);
        Assert.Equal(opened.Data.GetRawText(), written.Data.GetRawText());
        Assert.Equal((opened.Created, opened.Renewed, opened.KeyIndex, opened.KeyId, opened.PayloadLength), (written.Created, written.Renewed, written.KeyIndex, written.KeyId, written.PayloadLength));
    }

    [Fact]
    public void Open_Tampered_RejectedWithItsReason()
    {
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([KeyA]) }, new FakeTimeProvider(T0));
        var value = format.Write("sid", CookieSessionPayload.CreateNew(new JsonObject { ["a"] = 1 }, T0));
        var i = value.Length - 5;
        var tampered = value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..];

        Assert.Null(format.Open("sid", tampered, out var rejection));
        Assert.Equal(CookieRejection.BadSignature, rejection);
        Assert.Null(format.Open("other-name", value, out var renamed));
        Assert.Equal(CookieRejection.BadSignature, renamed);
        Assert.Null(format.Open("sid", "", out var absent));
        Assert.Equal(CookieRejection.Absent, absent);
    }
}
