using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tessera.AspNetCore;
using Tessera.Sessions;

namespace Tessera.Benchmarks.Sessions;

/// <summary>
/// Server mode's JSON work per request, old and new in one run (profile.md P2 and P3). Parse: opening a typical signed-in
/// session (six keys, about 500 bytes), two passes (<see cref="LegacySessionStateParser"/>) against one. Bytes: an
/// <c>ISession.SetInt32</c> of 200 (four bytes, not UTF-8, so stored as <c>{"$base64":"AAAAyA=="}</c>): setting it
/// (encode, check, write into the session's JSON) and getting it back from the stored text, through a
/// <see cref="JsonNode"/> against straight from and to the JSON text.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SessionJsonBenchmarks
{
    private const string Key = "n";
    private static readonly byte[] Value = [0, 0, 0, 200];
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter _writer = null!;
    private byte[] _session = null!;
    private byte[] _stored = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _stored = SessionValueCodec.ToBase64Json(Value);
        var state = new SessionState
        {
            CreatedMs = 1_700_000_000_000,
            AccessedMs = 1_700_000_600_000,
            IdleTimeout = TimeSpan.FromMinutes(20),
            UserId = "alice@example.com",
            CheckHash = Convert.ToBase64String(new byte[32]),
            Extras = new JsonObject { ["name"] = "Alice", ["roles"] = new JsonArray("admin", "editor"), ["persistent"] = true },
        };
        state.Values[Key] = SessionValue.FromRaw(_stored);
        state.Values["user"] = SessionValue.FromNode("bench-user");
        state.Values["theme"] = SessionValue.FromNode("dark");
        state.Values["flash"] = SessionValue.FromNode("Your changes were saved.");
        state.Values["cart"] = SessionValue.FromNode(JsonNode.Parse("""[{"sku":"A-1001","qty":2,"price":19.99},{"sku":"B-2002","qty":1,"price":5.5}]"""));
        state.Values["prefs"] = SessionValue.FromNode(JsonNode.Parse("""{"lang":"en-GB","tz":"Europe/London","pageSize":50,"beta":false}"""));
        _session = state.Serialize();
        if (LegacySessionStateParser.Parse(_session) is null || SessionState.Parse(_session) is null || _session.Length is < 400 or > 1024)
        {
            throw new InvalidOperationException($"The benchmark session ({_session.Length} bytes) does not parse.");
        }
    }

    [Benchmark(Baseline = true, Description = "Parse: readability pass + reader pass")]
    [BenchmarkCategory("Parse")]
    public int ParseTwoPasses() => LegacySessionStateParser.Parse(_session)!.Values.Count;

    [Benchmark(Description = "Parse: one checked pass")]
    [BenchmarkCategory("Parse")]
    public int ParseOnePass() => SessionState.Parse(_session)!.Values.Count;

    [Benchmark(Baseline = true, Description = "Set bytes: JsonObject, check, write node")]
    [BenchmarkCategory("Set")]
    public int SetThroughNode()
    {
        var node = SessionValueCodec.ToJson(Value);
        SessionJson.ThrowIfNotStorable(Key, node);
        _writer.Reset();
        _buffer.ResetWrittenCount();
        node.WriteTo(_writer);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Set bytes: raw JSON text, check key, write raw")]
    [BenchmarkCategory("Set")]
    public int SetRaw()
    {
        var json = SessionValueCodec.ToBase64Json(Value);
        SessionJson.ThrowIfNotStorable(Key, null);
        _writer.Reset();
        _buffer.ResetWrittenCount();
        _writer.WriteRawValue(json, skipInputValidation: true);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "Get bytes: parse to JsonNode, decode")]
    [BenchmarkCategory("Get")]
    public byte[] GetThroughNode() => SessionValueCodec.ToBytes(SessionJson.ParseValidated(_stored));

    [Benchmark(Description = "Get bytes: decode the JSON text")]
    [BenchmarkCategory("Get")]
    public byte[]? GetRaw() => SessionValueCodec.TryToBytes(_stored);
}
