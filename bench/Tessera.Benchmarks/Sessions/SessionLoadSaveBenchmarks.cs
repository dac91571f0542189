using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Session;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;

namespace Tessera.Benchmarks.Sessions;

/// <summary>
/// One request's session work: load a 10-key session from its cookie, change one key, save it. Tessera decrypts,
/// checks expiry, re-encrypts and versions on every cycle; ASP.NET Core's <see cref="DistributedSession"/> over
/// <see cref="MemoryDistributedCache"/> (no encryption of the data, no versioning) is the anchor in the same run.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
// More iterations than ShortRun: the machine is shared and the median is steadier than three samples.
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class SessionLoadSaveBenchmarks
{
    private const int Keys = 10;
    private readonly Keyring _keyring = new([RandomNumberGenerator.GetBytes(32)]);
    private string _directory = null!;
    private SessionManager _memory = null!;
    private SessionManager _file = null!;
    private SessionManager _sqlite = null!;
    private string _memoryCookie = null!;
    private string _fileCookie = null!;
    private string _sqliteCookie = null!;
    private MemoryDistributedCache _cache = null!;
    private string _aspNetKey = null!;
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "tessera-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var options = new SessionManagerOptions();
        _memory = new SessionManager(new MemorySessionStore(), options, _keyring);
        _file = new SessionManager(new FileSessionStore(Path.Combine(_directory, "files")), options, _keyring);
        _sqlite = new SessionManager(new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "sessions.db")}" }), options, _keyring);
        _memoryCookie = Seed(_memory);
        _fileCookie = Seed(_file);
        _sqliteCookie = Seed(_sqlite);

        _cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        _aspNetKey = Guid.NewGuid().ToString();
        var session = AspNetSession();
        session.LoadAsync().GetAwaiter().GetResult();
        for (var i = 0; i < Keys; i++)
        {
            session.Set("key" + i, Encoding.UTF8.GetBytes(Value(i)));
        }

        session.CommitAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Tessera memory store load+save")]
    public Task<SessionCommitResult> Memory() => LoadSaveAsync(_memory, _memoryCookie);

    [Benchmark(Description = "ASP.NET Core DistributedSession (MemoryDistributedCache) load+save")]
    public async Task<int> AspNetCoreDistributedSession()
    {
        var session = AspNetSession();
        await session.LoadAsync();
        session.Set("key0", Encoding.UTF8.GetBytes(Value(++_counter)));
        await session.CommitAsync();
        return session.Keys.Count();
    }

    [Benchmark(Description = "Tessera SQLite store load+save")]
    public Task<SessionCommitResult> Sqlite() => LoadSaveAsync(_sqlite, _sqliteCookie);

    [Benchmark(Description = "Tessera file store load+save (fsync per save)")]
    public Task<SessionCommitResult> File() => LoadSaveAsync(_file, _fileCookie);

    private static string Value(int i) => $"value number {i:D6} of the session";

    private static string Seed(SessionManager manager)
    {
        var session = manager.LoadAsync(null, SessionClientInfo.None).AsTask().GetAwaiter().GetResult();
        for (var i = 0; i < Keys; i++)
        {
            session["key" + i] = Value(i);
        }

        return manager.CommitAsync(session).AsTask().GetAwaiter().GetResult().CookieValue!;
    }

    private async Task<SessionCommitResult> LoadSaveAsync(SessionManager manager, string cookie)
    {
        var session = await manager.LoadAsync(cookie, SessionClientInfo.None);
        if (session.Verdict != SessionLoadVerdict.Loaded)
        {
            throw new InvalidOperationException($"The benchmark session did not load: {session.Verdict}.");
        }

        session["key0"] = Value(++_counter);
        return await manager.CommitAsync(session);
    }

    private DistributedSession AspNetSession() =>
        new(_cache, _aspNetKey, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1), () => true, NullLoggerFactory.Instance, isNewSessionKey: false);
}
