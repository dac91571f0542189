using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.Tests.Sessions;
using Tessera.TestSupport;
using Xunit.Abstractions;

namespace Tessera.Tests.Cookies;

/// <summary>
/// Correctly sealed garbage (the AES-GCM tag verifies, the plaintext is hostile) is a verdict, never an exception:
/// Corrupt exactly when an independent parse refuses it, otherwise Valid or Expired with the same data.
/// </summary>
public sealed class SealedCookieFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000);
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(255 - i))];

    [Fact]
    [Trait("Category", FuzzCases.Trait)]
    public void Read_SealedGarbage_NeverThrowsAndGivesTheExpectedVerdict()
    {
        var options = new SealedCookieOptions { Keyring = new Keyring([Key]) };
        var format = new SealedCookieFormat(options, new FakeTimeProvider(Now));
        var prk = SealedCookieFormat.Prk(Key);
        var keyId = SealedCookieFormat.KeyId(Key);
        var valid = SealedCookieFormat.SerializePayload(new CookieSessionPayload(
            new JsonObject { ["user"] = "alice", ["n"] = 1.5, ["list"] = new JsonArray(1, "é😀", null) }, Now.AddHours(-1), Now.AddMinutes(-1)));
        (string, Func<Random, string>)[] fields =
        [
            ("c", r => JsonGarbage.Millis(r, Now.AddHours(-1))),
            ("r", r => JsonGarbage.Millis(r, Now.AddMinutes(-1))),
            ("d", r => r.Next(4) == 0 ? JsonGarbage.Value(r) : JsonGarbage.Object(r)),
        ];

        var salt = new byte[SealedCookieFormat.SaltSize];
        var counts = new Dictionary<CookieRejection, int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < FuzzCases.Count; i++)
        {
            var rng = new Random(i);
            var plaintext = JsonGarbage.Make(rng, valid, fields);
            rng.NextBytes(salt);
            var cookie = SealedCookieFormat.Seal(prk, keyId, "session", plaintext, salt);
            CookieReadResult read;
            try
            {
                read = format.Read("session", cookie, Now);
                if (read.Data is { } data)
                {
                    _ = data.ToJsonString(); // materialises every node: nothing may throw later either
                }
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} threw {e.GetType().Name}: {e.Message}\nplaintext: {Convert.ToHexString(plaintext)}");
                throw;
            }

            var expected = Expected(plaintext, options, out var expectedData);
            if (expected != read.Reason || (read.Data is not null && !JsonNode.DeepEquals(expectedData, read.Data)))
            {
                Assert.Fail($"case {i}: expected {expected}, got {read.Reason} (or other data)\nplaintext: {Convert.ToHexString(plaintext)}");
            }

            counts[read.Reason] = counts.GetValueOrDefault(read.Reason) + 1;
        }

        output.WriteLine($"{FuzzCases.Count} cases in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
        Assert.True(counts.GetValueOrDefault(CookieRejection.Corrupt) > 0 && (FuzzCases.Count < 1000 || counts.GetValueOrDefault(CookieRejection.None) > 0));
    }

    /// <summary>The verdict an independent reading of the payload gives: Corrupt, Expired or None (valid).</summary>
    private static CookieRejection Expected(byte[] plaintext, SealedCookieOptions options, out JsonObject? data)
    {
        data = null;
        if (JsonGarbage.Reference(plaintext, SealedCookieFormat.PayloadDepth) is not JsonObject root ||
            !TryMillis(root["c"], out var created) || !TryMillis(root["r"], out var renewed) || root["d"] is not JsonObject d)
        {
            return CookieRejection.Corrupt;
        }

        data = d;
        return Now - renewed > options.IdleTimeout || Now - created > options.AbsoluteLifetime ? CookieRejection.Expired : CookieRejection.None;
    }

    private static bool TryMillis(JsonNode? node, out DateTimeOffset time)
    {
        time = default;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long ms) &&
            ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return false;
    }
}
