using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using Tessera.Cookies;
using Tessera.Legacy;
using Tessera.Keys;

namespace Tessera.Benchmarks.Cookies;

/// <summary>
/// Seal and open of every cookie format for a 200-byte and a 2-KiB session. Baseline: one AES-256-GCM seal plus one
/// open of the same JSON bytes with a ready AesGcm instance, plus the JSON serialize/parse step. ASP.NET Core Data
/// Protection's Protect+Unprotect of the same JSON runs in the same class for comparison.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[SimpleJob(warmupCount: 3, iterationCount: 5)]
public class CookieFormatBenchmarks
{
    private const string Name = "session";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private CookieSessionPayload _payload = null!;
    private AesGcm _gcm = null!;
    private byte[] _nonce = null!;
    private SealedCookieFormat _tessera = null!;
    private BeakerCookieFormat _beakerCtr = null!;
    private BeakerCookieFormat _beakerGcm = null!;
    private PyramidNaclCookieFormat _pyramid = null!;
    private IDataProtector _protector = null!;
    private DirectoryInfo _keys = null!;
    private string _tesseraValue = null!;
    private string _beakerCtrValue = null!;
    private string _beakerGcmValue = null!;
    private string _pyramidValue = null!;

    /// <summary>Approximate size of the session's JSON in bytes.</summary>
    [Params(200, 2048)]
    public int SessionBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var blob = new string([.. Enumerable.Range(0, SessionBytes - 40).Select(_ => (char)random.Next('a', 'z' + 1))]);
        _payload = CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "alice", ["n"] = 7, ["blob"] = blob }, Now);
        _gcm = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        _nonce = RandomNumberGenerator.GetBytes(12);
        _tessera = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([RandomNumberGenerator.GetBytes(32)]) });
        _beakerCtr = new BeakerCookieFormat(new BeakerCookieOptions { ValidateKey = "validate-key-one", EncryptKey = "encrypt-key-one" });
        _beakerGcm = new BeakerCookieFormat(new BeakerCookieOptions { ValidateKey = "validate-key-one", EncryptKey = "encrypt-key-one", Crypto = BeakerCrypto.Gcm });
        _pyramid = new PyramidNaclCookieFormat(new PyramidNaclCookieOptions { Secret = RandomNumberGenerator.GetBytes(32) });
        _keys = Directory.CreateTempSubdirectory("tessera-bench-dp-");
        _protector = DataProtectionProvider.Create(_keys).CreateProtector("Tessera.Benchmarks.Cookies");
        _tesseraValue = _tessera.Write(Name, _payload);
        _beakerCtrValue = _beakerCtr.Write(Name, _payload);
        _beakerGcmValue = _beakerGcm.Write(Name, _payload);
        _pyramidValue = _pyramid.Write(Name, _payload);
        _ = _protector.Unprotect(_protector.Protect("warm-up"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gcm.Dispose();
        _keys.Delete(recursive: true);
    }

    /// <summary>The raw primitive: serialize, AES-GCM seal, AES-GCM open, parse.</summary>
    [Benchmark(Baseline = true)]
    public JsonNode? AesGcmSealOpenWithJson()
    {
        var json = SealedCookieFormat.SerializePayload(_payload);
        var cipher = new byte[json.Length];
        var tag = new byte[16];
        _gcm.Encrypt(_nonce, json, cipher, tag);
        var plain = new byte[cipher.Length];
        _gcm.Decrypt(_nonce, cipher, tag, plain);
        return JsonNode.Parse(plain);
    }

    [Benchmark]
    public JsonObject? TesseraSealOpen() => _tessera.Read(Name, _tessera.Write(Name, _payload)).Data;

    [Benchmark]
    public string TesseraSeal() => _tessera.Write(Name, _payload);

    [Benchmark]
    public JsonObject? TesseraOpen() => _tessera.Read(Name, _tesseraValue).Data;

    [Benchmark]
    public JsonNode? DataProtectionProtectUnprotect()
    {
        var json = Encoding.UTF8.GetString(SealedCookieFormat.SerializePayload(_payload));
        return JsonNode.Parse(_protector.Unprotect(_protector.Protect(json)));
    }

    [Benchmark]
    public string BeakerCtrSeal() => _beakerCtr.Write(Name, _payload);

    [Benchmark]
    public JsonObject? BeakerCtrOpen() => _beakerCtr.Read(Name, _beakerCtrValue).Data;

    [Benchmark]
    public string BeakerGcmSeal() => _beakerGcm.Write(Name, _payload);

    [Benchmark]
    public JsonObject? BeakerGcmOpen() => _beakerGcm.Read(Name, _beakerGcmValue).Data;

    [Benchmark]
    public string PyramidSeal() => _pyramid.Write(Name, _payload);

    [Benchmark]
    public JsonObject? PyramidOpen() => _pyramid.Read(Name, _pyramidValue).Data;
}
