using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Benchmarks.Cookies;

/// <summary>
/// Cookie mode's read of a typical session cookie (about 300 bytes of JSON: a signed-in user with a few claims and
/// values): the full open (base64url, HKDF message key, AES-GCM context and decryption, JSON check and parse, the
/// verdict) as the baseline, against a hit of the opened-cookie cache (a lookup, then the same verdict at the current
/// clock). Each also reads one value, so the per-request <see cref="JsonObject"/> materialisation both pay is counted.
/// The write side: sealing alone, and sealing plus the snapshot that caches the value the client sends next.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class OpenedCookieCacheBenchmarks
{
    private const string Name = "__Host-tessera";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private SealedCookieFormat _format = null!;
    private OpenedCookieCache _cache = null!;
    private CookieSessionPayload _payload = null!;
    private string _value = null!;

    [GlobalSetup]
    public void Setup()
    {
        _format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([RandomNumberGenerator.GetBytes(32)]) });
        var data = new JsonObject
        {
            ["$tessera.user"] = "alice@example.com",
            ["$tessera.check"] = Convert.ToBase64String(SHA256.HashData("security-stamp"u8)),
            ["$tessera.principal"] = new JsonObject
            {
                ["name"] = "Alice Example",
                ["roles"] = new JsonArray("editor", "reviewer"),
                ["tenant"] = "north-3",
            },
            ["cart"] = new JsonArray(1001, 1002, 1007),
            ["theme"] = "dark",
            ["visits"] = 42,
            ["csrf"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)),
        };
        _payload = CookieSessionPayload.CreateNew(data, Now);
        _value = _format.Write(Name, _payload);
        _cache = new OpenedCookieCache(4096);
        _cache.Add(_value, _format.Open(Name, _value, out _)!);
        Console.WriteLine($"// payload {SealedCookieFormat.SerializePayload(_payload).Length} B of JSON, cookie value {_value.Length} chars");
    }

    /// <summary>Before: every read opens the cookie.</summary>
    [Benchmark(Baseline = true)]
    public JsonNode? FullOpen() => _format.Read(Name, _value, Now).Data!["visits"];

    /// <summary>After, the same cookie seen again: a lookup and the verdict.</summary>
    [Benchmark]
    public JsonNode? CacheHit() => (_cache.TryGet(_value, out var opened) ? _format.Judge(opened, Now) : _format.Read(Name, _value, Now)).Data!["visits"];

    /// <summary>Sealing the response's cookie, as before.</summary>
    [Benchmark]
    public string Seal() => _format.Write(Name, _payload);

    /// <summary>Sealing plus the snapshot that lets the next request's read of this value hit.</summary>
    [Benchmark]
    public int SealWithSnapshot() => _format.Write(Name, _payload, snapshot: true, out var written).Length + written!.PayloadLength;
}
