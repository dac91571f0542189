using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Benchmarks.RequestPath;

/// <summary>
/// What an untouched server-mode request with a cookie does before the endpoint, step by step, on the memory store:
/// parse the handle (base64url and the SHA-256 of the lookup id that names the record), read the record, and judge
/// from its plaintext expiry whether a touch may be due. Says what deferring the read (profile P5c) could save: only
/// the read, since parsing and hashing are needed to find the record whenever it is read.
/// <c>dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*UntouchedRequest*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class UntouchedRequestBenchmarks
{
    private SessionManager _manager = null!;
    private string _cookie = null!;
    private SessionHandle _handle = null!;
    private SessionRecord _record = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(new MemorySessionStore(), new SessionManagerOptions(), new Keyring([RandomNumberGenerator.GetBytes(32)]));
        var session = _manager.LoadAsync(null, new SessionClientInfo(null, null)).AsTask().GetAwaiter().GetResult();
        session.Set("user", System.Text.Json.Nodes.JsonValue.Create("bench-user"));
        _cookie = _manager.CommitAsync(session).AsTask().GetAwaiter().GetResult().CookieValue!;
        _handle = SessionHandle.TryParse(_cookie, out var handle) ? handle! : throw new InvalidOperationException("The bench cookie does not parse.");
        _record = Now(_manager.ReadAsync(_handle))!;
    }

    [Benchmark(Baseline = true, Description = "parse handle + SHA-256")]
    public SessionHandle? Parse() => SessionHandle.TryParse(_cookie, out var handle) ? handle : null;

    [Benchmark(Description = "read record (memory store)")]
    public SessionRecord? Read() => Now(_manager.ReadAsync(_handle));

    [Benchmark(Description = "touch due?")]
    public bool TouchDue() => _manager.MayNeedTouch(_record);

    [Benchmark(Description = "parse + read + touch due?")]
    public bool All() => SessionHandle.TryParse(_cookie, out var handle) && Now(_manager.ReadAsync(handle!)) is { } record && _manager.MayNeedTouch(record);

    // The memory store completes every read synchronously.
    private static SessionRecord? Now(ValueTask<SessionRecord?> read) =>
        read.IsCompletedSuccessfully ? read.Result : throw new InvalidOperationException("The memory store's read did not complete synchronously.");
}
