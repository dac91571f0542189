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

    /// <summary>The most expired rows one sweep statement deletes; the sweep loops until none are left, each statement
    /// its own short write transaction, so a concurrent save waits for one batch, not for the whole sweep.</summary>
    /// <value>The default is 200. A batch is also bounded by <see cref="SweepBatchDuration"/>.</value>
    public int SweepBatchSize { get; set; } = 200;

    /// <summary>
    /// How long one sweep batch should hold the write lock: the sweep starts with 25 rows and scales each next batch
    /// by how long the last one took (growing at most twofold, never past <see cref="SweepBatchSize"/>), so a save that
    /// arrives during a sweep waits about this long, however large the database or slow the disk.
    /// </summary>
    /// <value>The default is 5 milliseconds.</value>
    public TimeSpan SweepBatchDuration { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How many bytes of the database file each connection maps into memory (<c>PRAGMA mmap_size</c>), for reads without a
    /// <c>read()</c> call per page. Address space, not memory: the mapped pages are the OS page cache, shared by every
    /// connection and process, and resident only as far as the file is read. SQLite lowers a larger value to its
    /// compile-time maximum (2 GiB − 64 KiB in the bundled SQLite); 0 turns mapping off.
    /// </summary>
    /// <value>The default is 2,147,418,112 (2 GiB − 64 KiB, the bundled SQLite's maximum): the whole file up to about 1.3 million sessions.</value>
    public long MemoryMapSize { get; set; } = MaxMemoryMapSize;

    /// <summary>The bundled SQLite's largest <c>mmap_size</c> (<c>SQLITE_MAX_MMAP_SIZE</c>, 0x7fff0000).</summary>
    public const long MaxMemoryMapSize = 0x7fff0000;

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

        if (SweepBatchDuration < TimeSpan.FromMilliseconds(1) || SweepBatchDuration > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException("SqliteSessionStoreOptions.SweepBatchDuration must be between 1 millisecond and 10 seconds.", nameof(SweepBatchDuration));
        }

        if (MemoryMapSize < 0)
        {
            throw new ArgumentException("SqliteSessionStoreOptions.MemoryMapSize must be 0 (no memory map) or a positive number of bytes.", nameof(MemoryMapSize));
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException("SqliteSessionStoreOptions.BusyTimeout must be positive and at most 10 minutes.", nameof(BusyTimeout));
        }
    }
}
