namespace Tessera.Sqlite;

/// <summary>Settings of a <see cref="SqliteSessionStore"/>.</summary>
public sealed class SqliteSessionStoreOptions
{
    /// <summary>The Microsoft.Data.Sqlite connection string, such as <c>Data Source=/var/lib/myapp/sessions.db</c>.</summary>
    /// <value>The default is empty: it must be set.</value>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long a command waits for another connection's lock before failing with <see cref="Tessera.Sessions.SessionStoreException"/>.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether every commit waits for the disk (<c>PRAGMA synchronous = FULL</c>). Off, the store runs WAL with
    /// <c>synchronous = NORMAL</c>: a process crash loses nothing, a power loss may lose the last commits but never
    /// corrupts the database. Losing a few seconds of session updates on power loss is usually acceptable.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool DurableCommits { get; set; }

    /// <summary>
    /// Whether the store creates the database file and its tables, or migrates them, on first use. Off (operator
    /// tools), the database must exist with Tessera's tables: a missing one is a
    /// <see cref="Tessera.Sessions.SessionStoreException"/>, never a new empty file.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CreateSchema { get; set; } = true;

    /// <summary>How many expired rows one sweep statement deletes; the sweep loops until none are left, each statement
    /// its own short write transaction, so a concurrent save waits for one batch, not for the whole sweep.</summary>
    /// <value>The default is 500.</value>
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>Throws when a setting is missing or out of range, saying what to change.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("SqliteSessionStoreOptions.ConnectionString must be set, for example \"Data Source=sessions.db\".", nameof(ConnectionString));
        }

        if (SweepBatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException("SqliteSessionStoreOptions.SweepBatchSize must be between 1 and 100000.", nameof(SweepBatchSize));
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException("SqliteSessionStoreOptions.BusyTimeout must be positive and at most 10 minutes.", nameof(BusyTimeout));
        }
    }
}
