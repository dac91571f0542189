namespace Tessera.Sessions;

/// <summary>A store that can delete its expired records in bulk.</summary>
public interface IExpiredSessionSweeper
{
    /// <summary>Deletes records whose <see cref="SessionRecord.ExpiresAt"/> has passed; returns how many.</summary>
    ValueTask<int> SweepAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether the store expires records by itself (Redis TTLs), so sweeping only tidies what it already drops and the
    /// background sweeper stays off by default.
    /// </summary>
    bool ExpiresNatively => false;
}
