namespace Tessera.Sessions;

/// <summary>
/// A store that answers a health probe cheaply: a round trip to the backend and a read of one known key, in constant
/// time whatever the store holds. Never a count or a scan: those are <see cref="ISessionStoreStatistics"/>, an
/// explicit operator action (<c>tessera store stats</c>).
/// </summary>
public interface ISessionStoreProbe
{
    /// <summary>Completes when the store answers; throws when it does not.</summary>
    /// <exception cref="SessionStoreException">The store could not be reached or read.</exception>
    ValueTask ProbeAsync(CancellationToken cancellationToken);
}
