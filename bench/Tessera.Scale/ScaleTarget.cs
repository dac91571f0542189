using Tessera.Sessions;

namespace Tessera.Scale;

/// <summary>One store under test: the store itself, its bulk fill, and what it costs in memory or on disk.</summary>
internal abstract class ScaleTarget : IAsyncDisposable
{
    protected ScaleTarget(ScaleClock clock)
    {
        Clock = clock;
    }

    public abstract string Name { get; }

    public abstract ISessionStore Store { get; }

    public ScaleClock Clock { get; }

    /// <summary>Writes the records as fast as the store allows (batched inserts, COPY, pipelining), never through HTTP.</summary>
    public abstract Task FillAsync(IReadOnlyList<SessionRecord> records, CancellationToken cancellationToken);

    /// <summary>Bytes of memory the store holds now (process GC heap, Redis used_memory); null when not measured.</summary>
    public virtual Task<long?> MemoryBytesAsync() => Task.FromResult<long?>(null);

    /// <summary>Bytes on disk the store holds now; null when not measured.</summary>
    public virtual Task<long?> DiskBytesAsync() => Task.FromResult<long?>(null);

    /// <summary>Called once after each fill: what an operator's routine maintenance would have done by then (VACUUM ANALYZE).</summary>
    public virtual Task SettleAsync() => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();

    /// <summary>Saves through <see cref="ISessionStore.SaveAsync"/> with <paramref name="parallelism"/> saves in flight.</summary>
    protected async Task SaveAllAsync(IReadOnlyList<SessionRecord> records, int parallelism, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(records, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (record, ct) =>
        {
            if (await Store.SaveAsync(record, 0, ct).ConfigureAwait(false) != SaveResult.Saved)
            {
                throw new InvalidOperationException($"{Name}: a fill save conflicted; the fill writes new keys only");
            }
        }).ConfigureAwait(false);
}
