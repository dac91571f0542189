using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;

namespace Tessera.Cli;

/// <summary>
/// Opens a session store named on the command line. To add a provider (postgresql, redis): add its name to
/// <see cref="Providers"/> and a case to <see cref="Create"/>.
/// </summary>
internal static class StoreProviderFactory
{
    public static readonly string[] Providers = ["sqlite", "file", "postgresql", "redis"];

    /// <summary>Opens the store; the caller disposes it when it is disposable.</summary>
    /// <exception cref="ArgumentException">Unknown provider or unusable connection value.</exception>
    public static ISessionStore Create(string provider, string connection) => provider switch
    {
        "sqlite" => new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = SqliteConnectionString(connection) }),
        "file" => Directory.Exists(connection)
            ? new FileSessionStore(connection)
            : throw new ArgumentException($"The file store directory '{connection}' does not exist."),
        "postgresql" => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = connection }, TimeProvider.System),
        "redis" => new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = connection }, TimeProvider.System),
        _ => throw new ArgumentException($"Unknown store provider '{provider}'; expected one of: {string.Join(", ", Providers)}."),
    };

    /// <summary>A bare path opens an existing database only (a typo must not create an empty one); a connection string is used as given.</summary>
    private static string SqliteConnectionString(string connection) =>
        connection.Contains('=', StringComparison.Ordinal) ? connection : $"Data Source={connection};Mode=ReadWrite";
}
