namespace Tessera.Sessions;

/// <summary>A store that can count its records, for operators (<c>tessera store stats</c>). Counting scans every record: health
/// probes use <see cref="ISessionStoreProbe"/> instead.</summary>
public interface ISessionStoreStatistics
{
    /// <summary>Counts live and expired (not yet swept) records.</summary>
    ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken);
}
