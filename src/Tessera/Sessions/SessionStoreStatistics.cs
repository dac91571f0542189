namespace Tessera.Sessions;

/// <summary>Record counts of a store at one moment.</summary>
/// <param name="Live">Records not yet expired.</param>
/// <param name="Expired">Records past their expiry that a sweep would delete.</param>
public sealed record SessionStoreStatistics(long Live, long Expired);
