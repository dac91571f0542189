using System.IO.Compression;
using System.Text;
using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>
/// Correctly signed (and encrypted) garbage: the signature or tag is right, the contents are not. Each decoder must
/// answer with a verdict for every case, never an exception, and the verdict must be the one the contents call for.
/// <see cref="FuzzCases.Count"/> cases per format.
/// </summary>
[Trait("Category", FuzzCases.Trait)]
public sealed class LegacyFuzzTests
{
    private const double Now = 1_700_000_100;
    private static readonly CookieRejection[] ValidOrCorrupt = [CookieRejection.None, CookieRejection.Corrupt];
    private static readonly CookieRejection[] Corrupt = [CookieRejection.Corrupt];
    private static readonly CookieRejection[] Valid = [CookieRejection.None];

    /// <summary>Session dictionaries that are hostile in their JSON, with the verdict each must get in both formats.</summary>
    private static readonly (string Json, CookieRejection[] Expected)[] HostileDictionaries =
    [
        ("{\"a\": 1, \"a\": 2}", Corrupt),
        ("{\"\\udc00\": \"x\"}", Corrupt),
        ("{\"k\": \"\\ud800x\"}", Corrupt),
        ("{\"k\": NaN}", Corrupt),
        ("{\"k\": -Infinity}", Corrupt),
        ("{\"k\": 1,}", Corrupt),
        ("{\"k\": 1} trailing", Corrupt),
        ("{'k': 1}", Corrupt),
        ("{\"k\": 1e999, \"m\": -1e400, \"t\": 1e-400, \"z\": -0, \"e\": 0e0}", Valid),
        ("{\"big\": " + new string('9', 5000) + "}", Valid),
        ("{\"\": \"\", \"\\u0000\": \"\\u0000\"}", Valid),
        ("{\"k\": " + Nest(998) + "}", Valid),
        ("{\"k\": " + Nest(1000) + "}", Corrupt),
        ("{\"k\": " + Nest(20_000) + "}", Corrupt),
        ("[]", Corrupt),
        ("\"text\"", Corrupt),
        ("null", Corrupt),
        (string.Empty, Corrupt),
    ];

    [Fact]
    public void Read_SignedGarbage_Beaker_VerdictNeverException() =>
        Run("beaker-ctr", Beaker(LegacyFormats.Beaker("beaker-ctr")));

    [Fact]
    public void Read_SignedGarbage_BeakerGcm_VerdictNeverException() =>
        Run("beaker-gcm", Beaker(LegacyFormats.Beaker("beaker-gcm")));

    [Fact]
    public void Read_SignedGarbage_BeakerSignedOnly_VerdictNeverException() =>
        Run("beaker-signed", Beaker(LegacyFormats.Beaker("beaker-signed")));

    [Fact]
    public void Read_EncryptedGarbage_PyramidNacl_VerdictNeverException()
    {
        var format = LegacyFormats.Pyramid();
        Run("pyramid-nacl", (random, i) =>
        {
            var (json, expected) = PyramidCase(random, i);
            var value = format.Seal(json, Bytes(random, SecretBox.NonceSize));
            return (() => format.Read(value, Now), expected);
        });
    }

    private static Func<Random, int, (Func<CookieReadResult> Read, CookieRejection[] Expected)> Beaker(BeakerCookieFormat format) =>
        (random, i) =>
        {
            var (serialized, expected) = BeakerCase(random, i);
            var value = format.Seal(serialized, Convert.ToBase64String(Bytes(random, 16)), Bytes(random, 12));
            return (() => format.Read(value, Now), expected);
        };

    /// <summary>zlib streams: hostile documents, mutated and truncated streams, bombs, preset dictionaries, random bytes.</summary>
    private static (byte[] Serialized, CookieRejection[] Expected) BeakerCase(Random random, int i)
    {
        if (i % 1000 == 999)
        {
            return (Bomb.Value, Corrupt); // inflates past MaxInflatedBytes: rare, as each costs 4 MiB of inflating
        }

        switch (i % 8)
        {
            case 0:
                return (Bytes(random, random.Next(0, 200)), Corrupt);
            case 1:
                var (json, expected) = HostileDictionaries[random.Next(HostileDictionaries.Length)];
                return (Zlib(Encoding.UTF8.GetBytes(json)), expected);
            case 2:
                return (Zlib(Mutate(random, ValidDictionary(random))), ValidOrCorrupt);
            case 3:
                var stream = Zlib(ValidDictionary(random));
                // .NET's zlib ends a truncated stream quietly: Corrupt when the JSON is cut, valid when only the tail is.
                return (stream[..random.Next(0, stream.Length)], ValidOrCorrupt);
            case 4:
                return (Mutate(random, Zlib(ValidDictionary(random))), ValidOrCorrupt);
            case 5:
                // FDICT set: 0x78 0xBB, a dictionary id, then data; zlib asks for the dictionary.
                return ([0x78, 0xBB, .. Bytes(random, 4), .. Zlib(ValidDictionary(random))[2..]], Corrupt);
            case 6:
                return ([.. Zlib(ValidDictionary(random)), .. Bytes(random, random.Next(1, 20))], ValidOrCorrupt);
            default:
                return (Zlib(Encoding.UTF8.GetBytes(HostileTimes[random.Next(HostileTimes.Length)])), Corrupt);
        }
    }

    private static readonly string[] HostileTimes =
    [
        "{\"_accessed_time\": 1e999}", "{\"_creation_time\": -1e300}", "{\"_accessed_time\": \"1700000000\"}",
        "{\"_creation_time\": true}", "{\"_accessed_time\": 253402300800}", "{\"_accessed_time\": null}",
    ];

    /// <summary>pyramid envelopes: hostile documents as the state, hostile envelopes, mutated and truncated JSON, random bytes.</summary>
    private static (byte[] Json, CookieRejection[] Expected) PyramidCase(Random random, int i)
    {
        switch (i % 6)
        {
            case 0:
                return (Bytes(random, random.Next(0, 200)), Corrupt);
            case 1:
                var (state, expected) = HostileDictionaries[random.Next(HostileDictionaries.Length)];
                return (Encoding.UTF8.GetBytes("[1700000000, 1700000000.5, " + state + "]"), state.Length > 10_000 ? [CookieRejection.Malformed] : expected); // uncompressed: too long for a cookie value
            case 2:
                return (Mutate(random, Envelope(random)), ValidOrCorrupt);
            case 3:
                var envelope = Envelope(random);
                return (envelope[..random.Next(0, envelope.Length)], Corrupt);
            case 4:
                return (Encoding.UTF8.GetBytes(HostileEnvelopes[random.Next(HostileEnvelopes.Length)]), Corrupt);
            default:
                return ([.. Envelope(random), (byte)'x', .. Bytes(random, random.Next(0, 20))], Corrupt);
        }
    }

    private static readonly string[] HostileEnvelopes =
    [
        "[1e999, 1700000000, {}]", "[1700000000, -1e999, {}]", "[\"1700000000\", 1700000000, {}]", "[true, 1, {}]",
        "[1, 2, []]", "[1, 2, {}, 4]", "[1, 2]", "{}", "[253402300800, 1, {}]", "[1, NaN, {}]",
    ];

    private static readonly Lazy<byte[]> Bomb = new(() => Zlib(Encoding.UTF8.GetBytes("{\"k\": \"" + new string('a', BeakerCookieFormat.MaxInflatedBytes) + "\"}"), CompressionLevel.SmallestSize));

    private static void Run(string kind, Func<Random, int, (Func<CookieReadResult> Read, CookieRejection[] Expected)> next)
    {
        var count = FuzzCases.Count;
        var reasons = new Dictionary<CookieRejection, int>();
        var random = new Random(20261201);
        for (var i = 0; i < count; i++)
        {
            var (read, expected) = next(random, i);
            CookieReadResult result;
            try
            {
                result = read();
            }
            catch (Exception e)
            {
                Assert.Fail($"{kind} case {i} threw {e.GetType().Name}: {e.Message}");
                throw;
            }

            if (!expected.Contains(result.Reason))
            {
                Assert.Fail($"{kind} case {i}: {result.Reason}, expected {string.Join(" or ", expected)}");
            }

            reasons[result.Reason] = reasons.GetValueOrDefault(result.Reason) + 1;
        }

        Assert.True(reasons.GetValueOrDefault(CookieRejection.Corrupt) > count / 3, $"{kind}: too few Corrupt verdicts: {string.Join(", ", reasons)}");
        Assert.True(reasons.GetValueOrDefault(CookieRejection.None) > 0 || count < 20, $"{kind}: no valid case at all: {string.Join(", ", reasons)}");
    }

    private static byte[] ValidDictionary(Random random) =>
        Encoding.UTF8.GetBytes($"{{\"_id\": \"{random.Next():x8}\", \"_creation_time\": 1700000000.25, \"_accessed_time\": 1700000050.5, \"user\": \"al\\u00efce\", \"n\": {random.Next()}, \"list\": [1, 2.5, null, true, {{\"k\": \"v\"}}]}}");

    private static byte[] Envelope(Random random) =>
        Encoding.UTF8.GetBytes($"[1700000050, 1700000000.25, {{\"user\": \"al\\u00efce\", \"n\": {random.Next()}, \"list\": [1, 2.5, null, true, {{\"k\": \"v\"}}]}}]");

    /// <summary>One to three byte edits: replace, insert or delete.</summary>
    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = input.ToList();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Zlib(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, level, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return buffer.ToArray();
    }

    private static byte[] Bytes(Random random, int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Nest(int levels) => new string('[', levels) + "1" + new string(']', levels);
}
