namespace Tessera.AspNetCore;

/// <summary>Which session store to use and how to reach it (configuration section <c>Tessera:Store</c>).</summary>
public sealed class TesseraStoreOptions
{
    /// <summary>
    /// The store provider (<c>Tessera:Store:Provider</c>), case-insensitive: <c>Memory</c> or <c>File</c> (always
    /// available), or a provider a store package registered: <c>Sqlite</c> (<c>.AddSqliteStore()</c>),
    /// <c>PostgreSql</c> (<c>.AddPostgreSqlStore()</c>), <c>Redis</c> (<c>.AddRedisStore()</c>),
    /// <c>DistributedCache</c> (<c>.AddDistributedCacheStore()</c>).
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the one store registered on <c>AddTessera()</c>; start-up fails, saying
    /// what to add or set, when there is none or several.
    /// </value>
    public string? Provider { get; set; }

    /// <summary>
    /// How to reach the store (<c>Tessera:Store:ConnectionString</c>) when its <c>Add...Store()</c> call did not give one:
    /// an ADO.NET connection string for SQLite and PostgreSQL, a StackExchange.Redis configuration string for Redis, a
    /// directory for the file store.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: SQLite then uses <c>Data Source=tessera-sessions.db</c> in the working
    /// directory and the file store a <c>tessera-sessions</c> directory there; PostgreSQL and Redis require a value.
    /// </value>
    public string? ConnectionString { get; set; }
}
