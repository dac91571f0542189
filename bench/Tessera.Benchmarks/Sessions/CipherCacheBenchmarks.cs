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
/// A request on a cached session getting its AES-GCM context for the open and the seal, against the code it replaced in
/// the same run (issue 13 point 4, bench/results/profile.md P7). Before: take the entry out of the dictionary and put a
/// new one back (copying the cookie key); now: one lookup, then an <see cref="Interlocked"/> flag around each use.
/// Run: <c>dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*CipherCache*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class CipherCacheBenchmarks
{
    private SessionHandle _handle = null!;
    private SessionCipherCache _cache = null!;
    private RemoveAddCipherCache _before = null!;

    [GlobalSetup]
    public void Setup()
    {
        _handle = SessionHandle.Create();
        var dataKey = SessionSealer.DeriveDataKey(_handle.DataKey);
        _cache = new SessionCipherCache(4096);
        _cache.Keep(_handle, dataKey, SessionSealer.CreateCipher(dataKey));
        _before = new RemoveAddCipherCache(4096);
        _before.Return(_handle, dataKey, SessionSealer.CreateCipher(dataKey));
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark(Baseline = true, Description = "cipher: remove + add (before)")]
    public int CipherTakeReturnBefore()
    {
        if (!_before.TryTake(_handle, out var dataKey, out var cipher))
        {
            throw new InvalidOperationException("The cached cipher is missing.");
        }

        var used = dataKey.Length;
        _before.Return(_handle, dataKey, cipher);
        return used;
    }

    [Benchmark(Description = "cipher: in place, rented for open and seal")]
    public int CipherFindRent()
    {
        var entry = _cache.Find(_handle) ?? throw new InvalidOperationException("The cached cipher is missing.");
        AesGcm? own = null;
        var used = 0;
        using (var open = SessionCipherCache.Lease.Of(entry, ref own, entry.DataKey))
        {
            used += open.Cipher is null ? 0 : 1;
        }

        using (var seal = SessionCipherCache.Lease.Of(entry, ref own, entry.DataKey))
        {
            used += seal.Cipher is null ? 0 : 1;
        }

        return own is null ? used : throw new InvalidOperationException("The cached cipher was busy.");
    }

    /// <summary>The cipher cache before: an entry is taken out for a request and a new one put back after it.</summary>
    private sealed class RemoveAddCipherCache(int capacity)
    {
        private readonly ConcurrentDictionary<SessionKey, Entry> _idle = new();
        private int _count;

        public bool TryTake(SessionHandle handle, out byte[] dataKey, out AesGcm cipher)
        {
            if (capacity > 0 && _idle.TryRemove(handle.Key, out var entry))
            {
                Interlocked.Decrement(ref _count);
                if (CryptographicOperations.FixedTimeEquals(entry.CookieKey, handle.DataKey))
                {
                    (dataKey, cipher) = (entry.DataKey, entry.Cipher);
                    return true;
                }

                entry.Cipher.Dispose();
            }

            (dataKey, cipher) = (null!, null!);
            return false;
        }

        public void Return(SessionHandle handle, byte[] dataKey, AesGcm cipher)
        {
            if (Volatile.Read(ref _count) >= capacity)
            {
                foreach (var pair in _idle)
                {
                    if (_idle.TryRemove(pair.Key, out var evicted))
                    {
                        Interlocked.Decrement(ref _count);
                        evicted.Cipher.Dispose();
                        break;
                    }
                }
            }

            if (_idle.TryAdd(handle.Key, new Entry(handle.DataKey.ToArray(), dataKey, cipher)))
            {
                Interlocked.Increment(ref _count);
            }
            else
            {
                cipher.Dispose();
            }
        }

        private sealed record Entry(byte[] CookieKey, byte[] DataKey, AesGcm Cipher);
    }
}
