using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.Sqlite;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>The background sweeper on a fake clock, against a real SQLite store and a hand-written failing one.</summary>
public sealed class TesseraSweeperTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ListLoggerProvider _logs = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("tessera-sweeper-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private IHost Build(ISessionStore store, params (string Key, string? Value)[] settings) =>
        Build(_ => { }, b => b.AddSingleton(store), settings);

    private IHost Build(Action<TesseraBuilder> store, Action<IServiceCollection>? before = null, params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_logs);
        builder.Configuration.AddInMemoryCollection(TestApp.Settings([("Tessera:Store:Provider", null), .. settings]));
        builder.Services.AddSingleton<TimeProvider>(_clock);
        before?.Invoke(builder.Services);
        store(builder.Services.AddTessera());
        return builder.Build();
    }

    private static SessionRecord Record(DateTimeOffset expiresAt) =>
        new(SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16)), 1, RandomNumberGenerator.GetBytes(32), expiresAt);

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        // The sweep runs on the host's thread pool after the fake tick: wait for it, bounded.
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        return condition();
    }

    [Fact]
    public async Task Sweeper_IntervalPasses_DeletesExpiredSqliteRecordsAndKeepsLiveOnes()
    {
        using var host = Build(t => t.AddSqliteStore($"Data Source={Path.Combine(_directory, "s.db")}", o => o.SweepBatchSize = 2));
        var store = host.Services.GetRequiredService<ISessionStore>();
        var now = _clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(now + TimeSpan.FromMinutes(1)), 0, CancellationToken.None));
        }

        var swept = new ConcurrentQueue<long>();
        using var listener = new MeterListener();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "tessera.sweeper.swept" && instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.ToArray().Contains(new KeyValuePair<string, object?>("tessera.store.name", "sqlite")))
            {
                swept.Enqueue(value);
            }
        });
        listener.Start();
        var live = Record(now + TimeSpan.FromHours(1));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(live, 0, CancellationToken.None));
        await host.StartAsync();

        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        var statistics = (ISessionStoreStatistics)store;
        Assert.Equal(new SessionStoreStatistics(1, 5), await statistics.GetStatisticsAsync(CancellationToken.None));
        Assert.Empty(_logs.WithId(2310));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await EventuallyAsync(() => _logs.WithId(2310).Any()), "no sweep was logged after the interval");
        Assert.Equal(new SessionStoreStatistics(1, 0), await statistics.GetStatisticsAsync(CancellationToken.None));
        Assert.NotNull(await store.LoadAsync(live.Key, CancellationToken.None));
        Assert.Contains("Swept 5 expired sessions", Assert.Single(_logs.WithId(2310)).Message, StringComparison.Ordinal);
        Assert.Equal([5L], swept);
        await host.StopAsync();
    }

    [Fact]
    public async Task Sweeper_StoreFails_LogsAndRetriesNextInterval()
    {
        var flaky = new FlakySweepingStore(failures: 1);
        using var host = Build(flaky);
        await host.StartAsync();

        _clock.Advance(Interval);
        Assert.True(await EventuallyAsync(() => _logs.WithId(2311).Any()), "the failed sweep was not logged");
        var failure = Assert.Single(_logs.WithId(2311));
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("tried again at the next interval", failure.Message, StringComparison.Ordinal);

        _clock.Advance(Interval);
        Assert.True(await EventuallyAsync(() => _logs.WithId(2310).Any()), "the next interval did not sweep again");
        Assert.Equal(2, flaky.Calls);
        await host.StopAsync();
    }

    [Fact]
    public async Task Sweeper_Disabled_SweepsNothing()
    {
        var flaky = new FlakySweepingStore(failures: 0);
        using var host = Build(flaky, ("Tessera:Sweeper:Enabled", "false"));
        await host.StartAsync();
        _clock.Advance(Interval * 3);
        await Task.Delay(200);
        Assert.Equal(0, flaky.Calls);
        Assert.Empty(_logs.WithId(2310));
        await host.StopAsync();
    }

    [Fact]
    public async Task Sweeper_StoreWithNativeExpiry_OffByDefault()
    {
        var native = new FlakySweepingStore(failures: 0, expiresNatively: true);
        using var host = Build(native);
        await host.StartAsync();
        _clock.Advance(Interval * 3);
        await Task.Delay(200);
        Assert.Equal(0, native.Calls);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_NonPositiveInterval_RefusesNamingTheKey()
    {
        using var host = Build(new FlakySweepingStore(0), ("Tessera:Sweeper:Interval", "00:00:00"));
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Tessera:Sweeper:Interval must be positive", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A store whose sweep fails the first <c>failures</c> times, then deletes nothing.</summary>
    private sealed class FlakySweepingStore(int failures, bool expiresNatively = false) : ISessionStore, IExpiredSessionSweeper
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Name => "flaky";

        public bool ExpiresNatively => expiresNatively;

        public ValueTask<int> SweepAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failures
                ? throw new SessionStoreException(Name, "disk unavailable", new IOException("disk unavailable"))
                : ValueTask.FromResult(0);

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.FromResult<SessionRecord?>(null);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => ValueTask.FromResult(SaveResult.Saved);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
