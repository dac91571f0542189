using Tessera.Sessions;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>A store that counts its probes, loads and statistics calls; statistics fail the test's store outright.</summary>
public sealed class ProbedStore(bool probeFails = false) : ISessionStore, ISessionStoreProbe, ISessionStoreStatistics
{
    public int Probes { get; private set; }

    public int Loads { get; private set; }

    public int StatisticsCalls { get; private set; }

    public string Name => "probed";

    public ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        Probes++;
        return probeFails ? throw new SessionStoreException(Name, "connection refused", new IOException("connection refused")) : ValueTask.CompletedTask;
    }

    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        StatisticsCalls++;
        return ValueTask.FromResult(new SessionStoreStatistics(1, 0));
    }

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        Loads++;
        return ValueTask.FromResult<SessionRecord?>(null);
    }

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a health check never saves");

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a health check never deletes");
}
