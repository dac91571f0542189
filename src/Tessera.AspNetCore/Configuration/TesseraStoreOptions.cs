namespace Tessera.AspNetCore;

/// <summary>Which session store to use and how to reach it (configuration section <c>Tessera:Store</c>).</summary>
public sealed class TesseraStoreOptions
{
    /// <summary>The store provider (<c>Tessera:Store:Provider</c>).</summary>
    /// <value>The default is <see cref="TesseraStoreProvider.Sqlite"/>.</value>
    public TesseraStoreProvider Provider { get; set; } = TesseraStoreProvider.Sqlite;

    /// <summary>
    /// How to reach the store (<c>Tessera:Store:ConnectionString</c>): an ADO.NET connection string for SQLite and
    /// PostgreSQL, a StackExchange.Redis configuration string for Redis, a directory for the file store.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: SQLite then uses <c>Data Source=tessera-sessions.db</c> in the working
    /// directory and the file store a <c>tessera-sessions</c> directory there; PostgreSQL and Redis require a value.
    /// </value>
    public string? ConnectionString { get; set; }
}
