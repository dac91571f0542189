using Tessera.Sessions;
using Tessera.Testing;

namespace Tessera.Sqlite.Tests;

public sealed class SqliteSessionStoreConformanceTests : SessionStoreConformanceTests, IDisposable
{
    private readonly List<SqliteTestDatabase> _databases = [];
    private readonly Dictionary<ISessionStore, SqliteTestDatabase> _byStore = [];

    protected override Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var database = new SqliteTestDatabase();
        _databases.Add(database);
        var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = database.ConnectionString }, timeProvider);
        _byStore[store] = database;
        return Task.FromResult<ISessionStore>(store);
    }

    protected override Task<byte[]> DumpAsync(ISessionStore store) => Task.FromResult(_byStore[store].Dump());

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }
}
