using Tessera.Stores;

namespace Tessera.Sqlite;

/// <summary>Registers the SQLite session store on <see cref="TesseraBuilder"/>.</summary>
public static class TesseraSqliteExtensions
{
    /// <summary>
    /// Adds the SQLite store (provider name <c>Sqlite</c>): the application's store when it is the only one registered
    /// or <c>Tessera:Store:Provider</c> names it. The database is <paramref name="connectionString"/>, else
    /// <c>Tessera:Store:ConnectionString</c>, else <c>tessera-sessions.db</c> in the working directory; it is created on first use.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static TesseraBuilder AddSqliteStore(this TesseraBuilder builder, string? connectionString = null, Action<SqliteSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddStoreProvider(SqliteStoreProvider.Create(connectionString, configure));
    }
}
