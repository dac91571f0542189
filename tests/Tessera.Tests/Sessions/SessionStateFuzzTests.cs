using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;
using Tessera.TestSupport;
using Xunit.Abstractions;

namespace Tessera.Tests.Sessions;

/// <summary>
/// A stored record that opens with the cookie's key but holds hostile state is a verdict, never an exception: Corrupt
/// exactly when an independent reading refuses it, otherwise Loaded (every value readable, the session saves again)
/// or Expired.
/// </summary>
public sealed class SessionStateFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000);
    private static readonly string CheckHash = Convert.ToBase64String(SHA256.HashData("check"u8));
    private static readonly string NowMs = Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A valid session state (signed in, with extras and values), the seed of the garbage.</summary>
    internal static readonly byte[] ValidState = Encoding.UTF8.GetBytes(
        "{\"v\":1,\"c\":" + NowMs + ",\"a\":" + NowMs + ",\"i\":1200,\"u\":\"alice\",\"k\":\"" + CheckHash +
        "\",\"x\":{\"r\":[1]},\"d\":{\"a\":[1,\"é😀\",null],\"\":{\"k\":true}}}");

    /// <summary>The state's fields and a hostile generator for each.</summary>
    internal static readonly (string Name, Func<Random, string> Value)[] StateFields =
    [
        ("v", r => r.Next(3) == 0 ? JsonGarbage.Value(r) : "1"),
        ("c", r => JsonGarbage.Millis(r, Now.AddHours(-1))),
        ("a", r => JsonGarbage.Millis(r, Now.AddMinutes(-1))),
        ("i", JsonGarbage.Seconds),
        ("l", JsonGarbage.Seconds),
        ("u", r => r.Next(3) == 0 ? JsonGarbage.Value(r) : "\"alice\""),
        ("k", r => r.Next(3) == 0 ? JsonGarbage.Value(r) : $"\"{CheckHash}\""),
        ("x", r => r.Next(2) == 0 ? JsonGarbage.Value(r) : JsonGarbage.Object(r)),
        ("ip", r => r.Next(3) == 0 ? JsonGarbage.Value(r) : "\"::1\""),
        ("d", r => r.Next(4) == 0 ? JsonGarbage.Value(r) : JsonGarbage.Object(r)),
    ];

    [Fact]
    [Trait("Category", FuzzCases.Trait)]
    public async Task Load_SealedGarbageState_NeverThrowsAndGivesTheExpectedVerdict()
    {
        var clock = new FakeTimeProvider(Now);
        var store = new MemorySessionStore(clock);
        var options = new SessionManagerOptions();
        var manager = new SessionManager(store, options, new Keyring([RandomNumberGenerator.GetBytes(32)]), clock);
        var handle = SessionHandle.Create();
        var dataKey = SessionSealer.DeriveDataKey(handle.DataKey);
        var counts = new Dictionary<SessionLoadVerdict, int>();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < FuzzCases.Count; i++)
        {
            var rng = new Random(i);
            var plaintext = JsonGarbage.Make(rng, ValidState, StateFields);
            await store.DeleteAsync(handle.Key, default);
            var record = new SessionRecord(handle.Key, 1, SessionSealer.Seal(dataKey, handle.Key, plaintext), DateTimeOffset.MaxValue);
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, default));
            var expected = Expected(plaintext, options, out var expectedData);
            SessionLoadVerdict verdict;
            try
            {
                var session = await manager.LoadAsync(handle.ToCookieValue(), SessionClientInfo.None);
                verdict = session.Verdict;
                if (verdict == SessionLoadVerdict.Loaded)
                {
                    // Every value reads, equal to the oracle's, and the session saves and loads again.
                    if (expectedData!.Count != session.Count || !expectedData.All(p => JsonNode.DeepEquals(p.Value, session[p.Key])))
                    {
                        Assert.Fail($"case {i}: data differs\nplaintext: {Encoding.UTF8.GetString(plaintext)}");
                    }

                    session.IsModified = true;
                    var saved = await manager.CommitAsync(session);
                    Assert.Equal(SessionLoadVerdict.Loaded, (await manager.LoadAsync(saved.CookieValue, SessionClientInfo.None)).Verdict);
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"case {i} threw {e.GetType().Name}: {e.Message}\nplaintext: {Convert.ToHexString(plaintext)}");
                throw;
            }

            if (expected != verdict)
            {
                Assert.Fail($"case {i}: expected {expected}, got {verdict}\nplaintext: {Encoding.UTF8.GetString(plaintext)}");
            }

            counts[verdict] = counts.GetValueOrDefault(verdict) + 1;
        }

        output.WriteLine($"{FuzzCases.Count} cases in {stopwatch.Elapsed.TotalSeconds:F1} s: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
        Assert.True(counts.GetValueOrDefault(SessionLoadVerdict.Corrupt) > 0 && (FuzzCases.Count < 1000 || counts.GetValueOrDefault(SessionLoadVerdict.Loaded) > 0));
    }

    /// <summary>The verdict an independent reading of the state gives (the field rules of <c>SessionState</c>'s layout).</summary>
    private static SessionLoadVerdict Expected(byte[] plaintext, SessionManagerOptions options, out JsonObject? data)
    {
        data = null;
        if (JsonGarbage.Reference(plaintext, JsonLimits.MaxDepth + 1) is not JsonObject root ||
            root["v"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out int version) || version != 1 ||
            !TryMillis(root, "c", out var created) || !TryMillis(root, "a", out var accessed) ||
            !TryLifetime(root, "i", out var idle) || !TryLifetime(root, "l", out var lifetime) ||
            !IsStringOrNull(root, "u") || !IsStringOrNull(root, "ip") || !IsStringOrNull(root, "k") ||
            (root["k"] is JsonValue k && !IsCheckHash(k.GetValue<string>())) ||
            (root.ContainsKey("d") && root["d"] is not JsonObject))
        {
            return SessionLoadVerdict.Corrupt;
        }

        data = root["d"] as JsonObject ?? [];
        var idleEnd = Add(accessed, idle ?? options.IdleTimeout);
        var absoluteEnd = Add(created, lifetime ?? options.AbsoluteLifetime);
        return Now >= (idleEnd < absoluteEnd ? idleEnd : absoluteEnd) ? SessionLoadVerdict.Expired : SessionLoadVerdict.Loaded;
    }

    private static DateTimeOffset Add(DateTimeOffset time, TimeSpan span) =>
        time.UtcTicks + (decimal)span.Ticks > DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue : time + span;

    private static bool TryMillis(JsonObject root, string name, out DateTimeOffset time)
    {
        time = default;
        if (root[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long ms) &&
            ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return false;
    }

    // Absent, or positive decimal seconds of at least one tick and at most TimeSpan.MaxValue.
    private static bool TryLifetime(JsonObject root, string name, out TimeSpan? span)
    {
        span = null;
        if (!root.ContainsKey(name))
        {
            return true;
        }

        if (root[name] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue(out decimal seconds))
        {
            return false;
        }

        var ticks = decimal.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks <= 0 || ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        span = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static bool IsStringOrNull(JsonObject root, string name) =>
        root[name] is null || (root[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String);

    private static bool IsCheckHash(string text)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == 32;
    }
}
