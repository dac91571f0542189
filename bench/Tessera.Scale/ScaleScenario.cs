using System.Diagnostics;
using System.Security.Cryptography;
using Tessera.Sessions;

namespace Tessera.Scale;

/// <summary>
/// Fills one store level by level and measures it: load+save latency of one caller, the probe, listing and revoking
/// the sessions of a user who has 1000, memory and disk per session; at the largest size, a sweep of the expired
/// records while one caller keeps loading and saving live ones.
/// </summary>
/// <remarks>
/// Records are ~1 KB sealed data plus a 100-byte listing. One user ("heavy") has 1000 sessions; the rest belong to
/// <see cref="Users"/> users in turn. One record in ten lives a day; the others expire two hours after the fill, and
/// the sweep runs with the clock moved three hours on, so it deletes nine in ten of the non-heavy records.
/// </remarks>
internal sealed class ScaleScenario(ScaleTarget target, int operations)
{
    public const int Users = 300;
    public const int HeavySessions = 1000;
    private const int DataBytes = 1024;
    private const int ListingBytes = 100;

    private readonly string[] _users = [.. Enumerable.Range(0, Users).Select(_ => RandomTag())];
    private readonly string _heavy = RandomTag();
    private readonly List<SessionRecord> _live = [];
    private readonly List<SessionRecord> _heavyRecords = [];
    private int _count;
    private int _expiring;
    private long? _memoryBaseline;

    private readonly List<LevelResult> _levels = [];

    public IReadOnlyList<LevelResult> Levels => _levels;

    public SweepResult? Sweep { get; private set; }

    /// <summary>The sessions the sweep must leave: the live tenth and the heavy user's 1000.</summary>
    public long ExpectedLiveAfterSweep => _live.Count + _heavyRecords.Count;

    /// <summary>The records the sweep must delete.</summary>
    public int ExpectedSwept => _expiring;

    /// <summary>Fills and measures each size, then sweeps; <paramref name="measured"/> runs after each size and the sweep.</summary>
    public async Task RunAsync(IReadOnlyList<int> sizes, TextWriter log, Func<Task> measured, CancellationToken cancellationToken)
    {
        _memoryBaseline = await target.MemoryBytesAsync().ConfigureAwait(false);
        foreach (var size in sizes)
        {
            var started = Stopwatch.GetTimestamp();
            await FillToAsync(size, cancellationToken).ConfigureAwait(false);
            await target.SettleAsync().ConfigureAwait(false);
            await log.WriteLineAsync($"{target.Name}: filled to {size} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s").ConfigureAwait(false);
            _levels.Add(await MeasureAsync(size, cancellationToken).ConfigureAwait(false));
            await measured().ConfigureAwait(false);
        }

        Sweep = await SweepAsync(cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync($"{target.Name}: swept {Sweep.Swept} of {Sweep.Sessions}").ConfigureAwait(false);
        await measured().ConfigureAwait(false);
    }

    private async Task FillToAsync(int size, CancellationToken cancellationToken)
    {
        if (_heavyRecords.Count == 0)
        {
            _heavyRecords.AddRange(Enumerable.Range(0, HeavySessions).Select(_ => NewRecord(_heavy, TimeSpan.FromDays(1))));
            await target.FillAsync(_heavyRecords, cancellationToken).ConfigureAwait(false);
            _count = HeavySessions;
        }

        while (_count < size)
        {
            var batch = new List<SessionRecord>(Math.Min(50_000, size - _count));
            while (batch.Count < batch.Capacity)
            {
                var live = _count % 10 == 0;
                var record = NewRecord(_users[_count % Users], live ? TimeSpan.FromDays(1) : TimeSpan.FromHours(2));
                batch.Add(record);
                if (live)
                {
                    _live.Add(record);
                }
                else
                {
                    _expiring++;
                }

                _count++;
            }

            await target.FillAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<LevelResult> MeasureAsync(int size, CancellationToken cancellationToken)
    {
        var loads = new Latencies();
        var saves = new Latencies();
        for (var i = 0; i < operations; i++)
        {
            await LoadSaveAsync(loads, saves, cancellationToken).ConfigureAwait(false);
        }

        var probes = new Latencies();
        if (target.Store is ISessionStoreProbe probe)
        {
            for (var i = 0; i < Math.Min(operations, 200); i++)
            {
                await probes.TimeAsync(async () =>
                {
                    await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
                    return 0;
                }).ConfigureAwait(false);
            }
        }

        var index = (IUserSessionIndex)target.Store;
        // Listing reads only: the median of five, so one GC pause or scheduler hiccup is not the figure.
        var list = new Latencies();
        var listed = 0;
        for (var i = 0; i < 5; i++)
        {
            listed = await list.TimeAsync(async () => (await index.ListByUserAsync(_heavy, cancellationToken).ConfigureAwait(false)).Count).ConfigureAwait(false);
        }

        var revoke = new Latencies();
        var revoked = await revoke.TimeAsync(() => index.DeleteByUserAsync(_heavy, null, cancellationToken)).ConfigureAwait(false);
        // The heavy user signs in 1000 times again, so every level starts alike.
        _heavyRecords.Clear();
        _heavyRecords.AddRange(Enumerable.Range(0, HeavySessions).Select(_ => NewRecord(_heavy, TimeSpan.FromDays(1))));
        await target.FillAsync(_heavyRecords, cancellationToken).ConfigureAwait(false);

        var memory = await target.MemoryBytesAsync().ConfigureAwait(false);
        var disk = await target.DiskBytesAsync().ConfigureAwait(false);
        return new LevelResult(
            target.Name, size, loads.Percentile(50), loads.Percentile(99), saves.Percentile(50), saves.Percentile(99), probes.Percentile(99),
            listed, list.Percentile(50), revoked, revoke.Max,
            memory is { } m && _memoryBaseline is { } m0 ? (double)(m - m0) / size : null,
            disk is { } d ? (double)d / size : null);
    }

    private async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var before = new Latencies();
        for (var i = 0; i < operations; i++)
        {
            await LoadSaveAsync(before, before, cancellationToken).ConfigureAwait(false);
        }

        target.Clock.Advance(TimeSpan.FromHours(3));
        var sweeper = (IExpiredSessionSweeper)target.Store;
        var started = Stopwatch.GetTimestamp();
        var pausedBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var sweep = Task.Run(async () => await sweeper.SweepAsync(cancellationToken).ConfigureAwait(false), cancellationToken);
        var during = new Latencies();
        while (!sweep.IsCompleted)
        {
            await LoadSaveAsync(during, during, cancellationToken).ConfigureAwait(false);
        }

        var swept = await sweep.ConfigureAwait(false);
        var sweepMicros = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        var gcPause = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var statistics = await ((ISessionStoreStatistics)target.Store).GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        return new SweepResult(
            target.Name, _count, _expiring, swept, sweepMicros,
            before.Percentile(50), before.Percentile(99), before.Max,
            during.Count, during.Percentile(50), during.Percentile(99), during.Max,
            gcPause, gen2,
            statistics.Live, statistics.Expired);
    }

    /// <summary>One request's work on a random live session: load it, then save it one version on.</summary>
    private async Task LoadSaveAsync(Latencies loads, Latencies saves, CancellationToken cancellationToken)
    {
        var pool = RandomNumberGenerator.GetInt32(_live.Count + _heavyRecords.Count);
        var (list, i) = pool < _live.Count ? (_live, pool) : (_heavyRecords, pool - _live.Count);
        var loaded = await loads.TimeAsync(() => target.Store.LoadAsync(list[i].Key, cancellationToken)).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{target.Name}: a live session did not load");
        var next = loaded with { Version = loaded.Version + 1 };
        if (await saves.TimeAsync(() => target.Store.SaveAsync(next, loaded.Version, cancellationToken)).ConfigureAwait(false) != SaveResult.Saved)
        {
            throw new InvalidOperationException($"{target.Name}: a save of a live session with its current version conflicted");
        }

        list[i] = next;
    }

    private SessionRecord NewRecord(string userTag, TimeSpan ttl) =>
        new(
            SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(32)),
            1,
            RandomNumberGenerator.GetBytes(DataBytes),
            target.Clock.GetUtcNow() + ttl,
            userTag,
            RandomNumberGenerator.GetBytes(ListingBytes));

    private static string RandomTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
