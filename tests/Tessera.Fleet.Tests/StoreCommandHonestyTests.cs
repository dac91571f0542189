using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using Tessera.Keys;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;
using Tessera.TestSupport;

namespace Tessera.Fleet.Tests;

/// <summary>
/// <c>tessera store</c> run as a process against real SQLite, PostgreSQL and Redis servers and the file store: a wrong
/// secret is an error (exit 1), never an empty answer; read commands create and migrate nothing; errors name the cause.
/// </summary>
public sealed class StoreCommandHonestyTests
{
    public static TheoryData<string> Providers => ["sqlite", "file", "postgresql", "redis"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListUserAndRevokeUser_WrongSecret_ExitOneAndRevokeNothing(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var secret = RandomNumberGenerator.GetBytes(32);
        var users = await SeedAsync(target.OpenApplicationStore(), new Keyring([secret]));
        var wrong = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

        var list = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", wrong);
        var revoke = await target.RunAsync("revoke-user", "--user", "alice", "--secret-hex", wrong);
        var right = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", Convert.ToHexString(secret));

        foreach (var (exit, output, error) in new[] { list, revoke })
        {
            Assert.Equal(1, exit);
            Assert.Empty(output);
            Assert.Contains($"The secret does not match store '{provider}'", error, StringComparison.Ordinal);
        }

        Assert.Equal(2, (await users.ListAsync("alice")).Count);
        Assert.True(right.Exit == 0, right.Error);
        var json = JsonNode.Parse(right.Output)!;
        Assert.Equal("matches", json["keyCheck"]!.GetValue<string>());
        Assert.Equal(2, json["sessions"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListUser_StoreWithoutKeyCheck_WarnsAndOnlyTheApplicationsNextSaveRecordsIt(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var secret = RandomNumberGenerator.GetBytes(32);
        var store = target.OpenApplicationStore();
        // Written through a view without the key-check capability: a store as a Tessera from before key checks left it.
        await SeedAsync(new WithoutKeyCheck(store), new Keyring([secret]));

        var (exit, output, error) = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", Convert.ToHexString(secret));
        var unverified = await target.RunAsync("revoke-user", "--user", "nobody", "--secret-hex", Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

        Assert.True(exit == 0, error);
        Assert.Equal("not-recorded", JsonNode.Parse(output)!["keyCheck"]!.GetValue<string>());
        Assert.Contains($"warning: store '{provider}' keeps no key-check value yet", error, StringComparison.Ordinal);
        Assert.Equal(0, unverified.Exit);
        Assert.Contains("an empty result may mean a wrong secret", unverified.Error, StringComparison.Ordinal);
        Assert.Null(await ((ISessionStoreKeyCheck)store).ReadKeyCheckAsync(default));

        await SeedAsync(store, new Keyring([secret]));
        var after = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(1, after.Exit);
        Assert.Contains("The secret does not match", after.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListUser_RotatedKeyring_AnySecretMatchesUntilTheNewestIsRecorded(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        byte[] oldSecret = RandomNumberGenerator.GetBytes(32), newSecret = RandomNumberGenerator.GetBytes(32);
        var store = target.OpenApplicationStore();
        await SeedAsync(store, new Keyring([oldSecret]));

        var both = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", Convert.ToHexString(newSecret), "--secret-hex", Convert.ToHexString(oldSecret));
        await SeedAsync(store, new Keyring([newSecret, oldSecret]));
        var oldOnly = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", Convert.ToHexString(oldSecret));
        var newOnly = await target.RunAsync("list-user", "--user", "bob", "--secret-hex", Convert.ToHexString(newSecret));

        Assert.True(both.Exit == 0, both.Error);
        Assert.Equal(2, JsonNode.Parse(both.Output)!["sessions"]!.AsArray().Count);
        Assert.Equal(1, oldOnly.Exit);
        Assert.Contains("The secret does not match", oldOnly.Error, StringComparison.Ordinal);
        Assert.True(newOnly.Exit == 0, newOnly.Error);
        Assert.Single(JsonNode.Parse(newOnly.Output)!["sessions"]!.AsArray());
    }

    [Theory]
    [InlineData("sqlite", "does not exist or cannot be opened (it is never created here)")]
    [InlineData("file", "does not exist")]
    [InlineData("postgresql", "has no Tessera schema 'tessera'")]
    public async Task StatsAndListUser_NoStoreThere_ExitOneAndCreateNothing(string provider, string expected)
    {
        await using var target = await Target.CreateAsync(provider, existing: false);

        var stats = await target.RunAsync("stats");
        var list = await target.RunAsync("list-user", "--user", "alice", "--secret-hex", Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

        foreach (var (exit, output, error) in new[] { stats, list })
        {
            Assert.Equal(1, exit);
            Assert.Empty(output);
            Assert.Contains($"Session store '{provider}' failed", error, StringComparison.Ordinal);
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }

        Assert.False(await target.ExistsAsync(), $"a read command created the {provider} store");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Stats_Version1Schema_ReadsWithoutMigrating(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        await SeedAsync(target.OpenApplicationStore(), new Keyring([RandomNumberGenerator.GetBytes(32)]));
        await target.DowngradeToSchemaVersion1Async();

        var (exit, output, error) = await target.RunAsync("stats");

        Assert.True(exit == 0, error);
        Assert.Equal(4, JsonNode.Parse(output)!["live"]!.GetValue<int>());
        Assert.Equal(1, await target.SchemaVersionAsync());
    }

    [Theory]
    [InlineData("postgresql", "Host=127.0.0.1;Port={0};Username=tessera;Password=tessera;Database=tessera;Timeout=2", "Connection refused")]
    [InlineData("redis", "127.0.0.1:{0},connectTimeout=1000", "127.0.0.1:{0}")]
    public async Task Stats_NothingListening_ErrorNamesTheEndpointAndCause(string provider, string connection, string cause)
    {
        var port = LoopbackPort.Free();

        var (exit, _, error) = await StoreCommandTests.RunAsync("store", "stats", "--provider", provider, "--connection", string.Format(connection, port));

        Assert.Equal(1, exit);
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains(string.Format(cause, port), error, StringComparison.Ordinal);
    }

    /// <summary>Alice on two sessions, bob on one, one anonymous: each saved by the application's session manager; returns the application's view of the users.</summary>
    private static async Task<UserSessionDirectory> SeedAsync(ISessionStore store, Keyring keyring)
    {
        var manager = new SessionManager(store, new SessionManagerOptions(), keyring);
        foreach (var user in new[] { "alice", "alice", "bob" })
        {
            var session = await manager.LoadAsync(null, new SessionClientInfo("192.0.2.1", "test"));
            await manager.SignInAsync(session, user, "check");
        }

        var anonymous = await manager.LoadAsync(null, SessionClientInfo.None);
        anonymous["x"] = 1;
        await manager.CommitAsync(anonymous);
        return new UserSessionDirectory(store, keyring);
    }

    /// <summary>A store seen without <see cref="ISessionStoreKeyCheck"/>, as a Tessera from before key checks wrote it.</summary>
    private sealed class WithoutKeyCheck(ISessionStore inner) : ISessionStore, IUserSessionIndex
    {
        public string Name => inner.Name;

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => inner.LoadAsync(key, cancellationToken);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => inner.SaveAsync(record, expectedVersion, cancellationToken);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken) => ((IUserSessionIndex)inner).ListByUserAsync(userTag, cancellationToken);

        public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken) => ((IUserSessionIndex)inner).DeleteByUserAsync(userTag, except, cancellationToken);
    }

    /// <summary>One store of each kind, private to a test, with its <c>--provider</c> and <c>--connection</c>.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private static readonly SessionStoreProvider[] StoreProviders = [SqliteStoreProvider.Create(), PostgreSqlStoreProvider.Create(), RedisStoreProvider.Create()];
        private readonly string _provider;
        private readonly string _connection;
        private readonly string? _directory;
        private readonly FleetStore? _server;
        private readonly List<ISessionStore> _opened = [];

        private Target(string provider, string connection, string? directory, FleetStore? server)
        {
            _provider = provider;
            _connection = connection;
            _directory = directory;
            _server = server;
        }

        public static async Task<Target> CreateAsync(string provider, bool existing = true)
        {
            var directory = Path.Combine(Path.GetTempPath(), "tessera-cli-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return provider switch
            {
                "sqlite" => new Target(provider, $"Data Source={Path.Combine(directory, existing ? "sessions.db" : "typo.db")}", directory, null),
                "file" => new Target(provider, Path.Combine(directory, existing ? "store" : "nope"), directory, null),
                "postgresql" => new Target(provider, (await FleetStore.CreateAsync("PostgreSql")).ConnectionString, directory, null),
                "redis" => Redis(await FleetStore.CreateAsync("Redis"), directory),
                _ => throw new ArgumentOutOfRangeException(nameof(provider)),
            };
        }

        private static Target Redis(FleetStore server, string directory) => new("redis", server.ConnectionString, directory, server);

        /// <summary>The store as the application opens it (creating and migrating), through the shared factory.</summary>
        public ISessionStore OpenApplicationStore()
        {
            var store = SessionStoreFactory.Create(_provider, StoreProviders, new SessionStoreContext { ConnectionString = _connection });
            _opened.Add(store);
            return store;
        }

        public Task<(int Exit, string Output, string Error)> RunAsync(string command, params string[] args) =>
            StoreCommandTests.RunAsync(["store", command, "--provider", _provider, "--connection", _connection, .. args]);

        public async Task<bool> ExistsAsync() => _provider switch
        {
            "sqlite" => File.Exists(_connection["Data Source=".Length..]),
            "file" => Directory.Exists(_connection),
            "postgresql" => await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tessera')"),
            _ => throw new InvalidOperationException(),
        };

        public async Task DowngradeToSchemaVersion1Async()
        {
            if (_provider == "sqlite")
            {
                SqliteExecute("DROP TABLE tessera_settings; UPDATE tessera_schema SET version = 1;");
            }
            else
            {
                await ScalarAsync<int>("DROP TABLE tessera.settings; DELETE FROM tessera.schema_version WHERE version = 2; SELECT 1");
            }
        }

        public async Task<int> SchemaVersionAsync() => _provider == "sqlite"
            ? (int)(long)SqliteExecute("SELECT version FROM tessera_schema WHERE component = 'sessions';")!
            : await ScalarAsync<int>("SELECT max(version) FROM tessera.schema_version");

        public async ValueTask DisposeAsync()
        {
            foreach (var store in _opened)
            {
                (store as IDisposable)?.Dispose();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _server?.Dispose();
            if (_directory is not null)
            {
                Directory.Delete(_directory, recursive: true);
            }

            await Task.CompletedTask;
        }

        private object? SqliteExecute(string sql)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_connection);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }

        private async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = new NpgsqlConnection(_connection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return (T)(await command.ExecuteScalarAsync())!;
        }
    }
}
