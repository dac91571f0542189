using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.AspNetCore;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Benchmarks.Sessions;

/// <summary>
/// Opening a stored 10-key session (the HTTP bench's two values and eight plain ones) and <see cref="Sets"/> sets
/// through server mode's size check, against the code it replaced in the same run (issue 13 point 4,
/// bench/results/profile.md P4). Before: the first set parsed and re-serialized every stored value to measure it; now
/// stored values whose bytes are what the measuring writer would write are measured by their length. The open
/// (cached cipher, decrypt, parse) is in both.
/// Run: <c>dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*SizeCheck*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SizeCheckBenchmarks
{
    private readonly Keyring _keyring = new([RandomNumberGenerator.GetBytes(32)]);
    private SessionManager _manager = null!;
    private ServerSessionServices _services = null!;
    private ServiceProvider _provider = null!;
    private SessionHandle _handle = null!;
    private SessionRecord _record = null!;
    private string _cookie = null!;

    /// <summary>How many values a request sets.</summary>
    [Params(1, 10)]
    public int Sets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var store = new MemorySessionStore();
        _manager = new SessionManager(store, new SessionManagerOptions(), _keyring);
        var session = _manager.LoadAsync(null, SessionClientInfo.None).AsTask().GetAwaiter().GetResult();
        // SetInt32 stores an escaped string; the rest are plain.
        session["n"] = "\u0000\u0000\u0000\u0007";
        session["user"] = "bench-user";
        for (var i = 0; i < 8; i++)
        {
            session["key" + i] = $"value number {i:D6} of the session";
        }

        _cookie = _manager.CommitAsync(session).AsTask().GetAwaiter().GetResult().CookieValue!;
        _handle = SessionHandle.TryParse(_cookie, out var handle) ? handle! : throw new InvalidOperationException("The seeded cookie does not parse.");
        _record = store.LoadAsync(_handle.Key, default).AsTask().GetAwaiter().GetResult()!;
        _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _services = new ServerSessionServices(_manager, null, new TesseraOptions(), TimeProvider.System, NullLogger.Instance, new TesseraHttpMetrics(_provider.GetRequiredService<IMeterFactory>()), null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _manager.Dispose();
        _provider.Dispose();
    }

    [Benchmark(Baseline = true, Description = "size: open + N sets, every stored value parsed (before)")]
    public int SizeCheckBefore()
    {
        var check = new MeasureEveryValueSizeCheck(Open(), _services.MaxSessionSize);
        for (var i = 0; i < Sets; i++)
        {
            check.SetValue("key" + (i % 8), JsonValue.Create("changed value number " + i));
        }

        return check.Size;
    }

    [Benchmark(Description = "size: open + N sets, stored bytes measured")]
    public int SizeCheck()
    {
        var session = new ServerRequestSession(_services, Open(), hadCookie: true, _cookie);
        for (var i = 0; i < Sets; i++)
        {
            session.SetValue("key" + (i % 8), JsonValue.Create("changed value number " + i));
        }

        return session.Session.Count;
    }

    private ServerSession Open()
    {
        var session = _manager.Open(_handle, _record, SessionClientInfo.None);
        return session.Verdict == SessionLoadVerdict.Loaded ? session : throw new InvalidOperationException($"The session did not open: {session.Verdict}.");
    }

    /// <summary>The size check before: its first set parsed and re-serialized every value to measure the session.</summary>
    private sealed class MeasureEveryValueSizeCheck(ServerSession session, int maxSessionSize)
    {
        private Dictionary<string, int>? _sizes;

        public int Size { get; private set; }

        public void SetValue(string key, JsonNode? value)
        {
            SessionJson.ThrowIfNotStorable(key, value);
            var sizes = Sizes();
            var entry = EntrySize(key, value);
            var size = Size - sizes.GetValueOrDefault(key) + entry;
            if (size > maxSessionSize)
            {
                throw new InvalidOperationException("Too large.");
            }

            session.SetChecked(key, value?.Parent is null ? value : value.DeepClone());
            sizes[key] = entry;
            Size = size;
        }

        private Dictionary<string, int> Sizes()
        {
            if (_sizes is null)
            {
                _sizes = new Dictionary<string, int>(StringComparer.Ordinal);
                Size = 2;
                foreach (var key in session.Keys)
                {
                    session.TryGetValue(key, out var value);
                    var entry = EntrySize(key, value);
                    _sizes[key] = entry;
                    Size += entry;
                }
            }

            return _sizes;
        }

        private static int EntrySize(string key, JsonNode? value)
        {
            var json = JsonScratch.Rent(out var writer);
            try
            {
                writer.WriteStartObject();
                writer.WritePropertyName(key);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.Flush();
                return json.WrittenCount - 1;
            }
            finally
            {
                JsonScratch.Return(json);
            }
        }
    }
}
