namespace Tessera.AspNetCore;

/// <summary>The background sweeper (<c>Tessera:Sweeper</c>): deletes expired sessions from stores without native expiry.</summary>
public sealed class TesseraSweeperOptions
{
    /// <summary>The configuration section: <c>Tessera:Sweeper</c>.</summary>
    public const string SectionName = "Tessera:Sweeper";

    /// <summary>Whether the sweeper runs.</summary>
    /// <value>
    /// The default, <see langword="null"/>, runs it when the store can sweep and has no native expiry (SQLite, file,
    /// PostgreSQL, memory) and leaves it off for Redis, whose TTLs already expire records.
    /// </value>
    public bool? Enabled { get; set; }

    /// <summary>The time between two sweeps; the first runs one interval after start-up.</summary>
    /// <value>The default is 5 minutes. How many rows one statement deletes is the store's own <c>SweepBatchSize</c>.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}
