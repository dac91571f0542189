using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Tessera.Stores;

namespace Tessera.Sqlite;

/// <summary>The <c>Sqlite</c> store provider, for <c>Tessera:Store:Provider</c> and <c>tessera store --provider sqlite</c>.</summary>
public static class SqliteStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string Name = "Sqlite";

    /// <summary>The database when no connection string is given: <c>tessera-sessions.db</c> in the working directory.</summary>
    public const string DefaultConnectionString = "Data Source=tessera-sessions.db";

    /// <summary>
    /// The provider: <paramref name="connectionString"/>, else the configured one, else <see cref="DefaultConnectionString"/>.
    /// A bare path (no <c>=</c>) is taken as the database file.
    /// </summary>
    public static SessionStoreProvider Create(string? connectionString = null, Action<SqliteSessionStoreOptions>? configure = null) =>
        new(Name, context =>
        {
            var options = new SqliteSessionStoreOptions
            {
                ConnectionString = ConnectionString(connectionString ?? context.ConnectionString ?? DefaultConnectionString),
            };
            configure?.Invoke(options);
            options.CreateSchema &= !context.ExistingOnly;
            return new SqliteSessionStore(options, context.TimeProvider, context.LoggerFactory.CreateLogger<SqliteSessionStore>());
        });

    private static string ConnectionString(string value) =>
        value.Contains('=', StringComparison.Ordinal) ? value : new SqliteConnectionStringBuilder { DataSource = value }.ToString();
}
