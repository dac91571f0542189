using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Scale;

/// <summary>The memory store; memory is the GC heap after a full collection.</summary>
internal sealed class MemoryTarget(ScaleClock clock) : ScaleTarget(clock)
{
    private readonly MemorySessionStore _store = new(clock);

    public override string Name => "memory";

    public override ISessionStore Store => _store;

    public override Task FillAsync(IReadOnlyList<SessionRecord> records, CancellationToken cancellationToken) => SaveAllAsync(records, 1, cancellationToken);

    public override Task<long?> MemoryBytesAsync() => Task.FromResult<long?>(GC.GetTotalMemory(forceFullCollection: true));

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
