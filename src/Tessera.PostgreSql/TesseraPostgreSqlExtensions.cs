using Tessera.Stores;

namespace Tessera.PostgreSql;

/// <summary>Registers the PostgreSQL session store on <see cref="TesseraBuilder"/>.</summary>
public static class TesseraPostgreSqlExtensions
{
    /// <summary>
    /// Adds the PostgreSQL store (provider name <c>PostgreSql</c>): the application's store when it is the only one
    /// registered or <c>Tessera:Store:Provider</c> names it. The database is <paramref name="connectionString"/> (an
    /// Npgsql connection string), else <c>Tessera:Store:ConnectionString</c>.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">The connection string is given but blank, or an option is invalid.</exception>
    public static TesseraBuilder AddPostgreSqlStore(this TesseraBuilder builder, string? connectionString = null, Action<PostgreSqlSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Misuse shows at registration rather than on the first request.
        var options = new PostgreSqlSessionStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate(requireConnectionString: connectionString is not null);
        return builder.AddStoreProvider(PostgreSqlStoreProvider.Create(connectionString, configure));
    }
}
