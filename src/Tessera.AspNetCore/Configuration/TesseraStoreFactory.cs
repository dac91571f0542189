using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;

namespace Tessera.AspNetCore;

/// <summary>Makes the store <c>Tessera:Store:Provider</c> names.</summary>
internal static class TesseraStoreFactory
{
    public const string DefaultSqliteConnectionString = "Data Source=tessera-sessions.db";
    public const string DefaultFileDirectory = "tessera-sessions";

    public static ISessionStore Create(TesseraStoreOptions options, IServiceProvider services)
    {
        var time = services.GetRequiredService<TimeProvider>();
        return options.Provider switch
        {
            TesseraStoreProvider.Memory => new MemorySessionStore(time),
            TesseraStoreProvider.File => new FileSessionStore(Path.GetFullPath(options.ConnectionString ?? DefaultFileDirectory), time),
            TesseraStoreProvider.Sqlite => new SqliteSessionStore(
                new SqliteSessionStoreOptions { ConnectionString = options.ConnectionString ?? DefaultSqliteConnectionString },
                time,
                services.GetService<ILogger<SqliteSessionStore>>()),
            TesseraStoreProvider.PostgreSql => new PostgreSqlSessionStore(
                new PostgreSqlSessionStoreOptions { ConnectionString = options.ConnectionString },
                time,
                services.GetService<ILogger<PostgreSqlSessionStore>>()),
            TesseraStoreProvider.Redis => new RedisSessionStore(
                new RedisSessionStoreOptions { ConnectionString = options.ConnectionString },
                time,
                services.GetService<ILogger<RedisSessionStore>>()),
            _ => throw new InvalidOperationException($"Unknown Tessera:Store:Provider '{options.Provider}': use Sqlite, Memory, File, PostgreSql or Redis."),
        };
    }
}
