using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tessera.Cli;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;

namespace Tessera.Cli.Tests;

public sealed class StoreCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tessera-cli-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, string> _env = [];

    public StoreCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string DbPath => Path.Combine(_dir, "sessions.db");

    private string FileRoot => Path.Combine(_dir, "files");

    private ISessionStore OpenStore(string provider) => provider == "sqlite"
        ? new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={DbPath}" })
        : new FileSessionStore(FileRoot);

    private string Connection(string provider) => provider == "sqlite" ? DbPath : FileRoot;

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand { StoreCommand.Create(name => _env.GetValueOrDefault(name)) };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CliRunner.Run(root, args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Two sessions of alice, one of bob, one anonymous live record and two expired ones.</summary>
    private async Task<UserSessionDirectory> SeedAsync(string provider)
    {
        Directory.CreateDirectory(FileRoot);
        var store = OpenStore(provider);
        var manager = new SessionManager(store, new SessionManagerOptions(), new Keyring([_secret]));
        foreach (var (user, ip) in new[] { ("alice", "192.0.2.1"), ("alice", "192.0.2.2"), ("bob", "192.0.2.3") })
        {
            var session = await manager.LoadAsync(null, new SessionClientInfo(ip, "test agent"));
            await manager.SignInAsync(session, user, "check");
        }

        var anonymous = await manager.LoadAsync(null, SessionClientInfo.None);
        anonymous["x"] = 1;
        await manager.CommitAsync(anonymous);
        for (var i = 0; i < 2; i++)
        {
            var key = SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));
            await store.SaveAsync(new SessionRecord(key, 1, new byte[40], DateTimeOffset.UtcNow.AddMinutes(-1)), 0, default);
        }

        return new UserSessionDirectory(store, new Keyring([_secret]));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("file")]
    public async Task Stats_SeededStore_PrintsLiveAndExpiredCounts(string provider)
    {
        await SeedAsync(provider);
        var (exit, output, error) = Run("store", "stats", "--provider", provider, "--connection", Connection(provider));
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(provider, json.RootElement.GetProperty("provider").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("live").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("expired").GetInt64());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("file")]
    public async Task Sweep_SeededStore_DeletesExpired(string provider)
    {
        await SeedAsync(provider);
        var (exit, output, error) = Run("store", "sweep", "--provider", provider, "--connection", Connection(provider));
        Assert.True(exit == 0, error);
        Assert.Equal(2, JsonDocument.Parse(output).RootElement.GetProperty("swept").GetInt32());
        var (_, stats, _) = Run("store", "stats", "--provider", provider, "--connection", Connection(provider));
        Assert.Equal(0, JsonDocument.Parse(stats).RootElement.GetProperty("expired").GetInt64());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("file")]
    public async Task ListUser_WithSecretHex_ListsThatUsersSessions(string provider)
    {
        await SeedAsync(provider);
        var (exit, output, error) = Run("store", "list-user", "--provider", provider, "--connection", Connection(provider), "--user", "alice", "--secret-hex", Convert.ToHexString(_secret));
        Assert.True(exit == 0, error);
        var sessions = JsonDocument.Parse(output).RootElement.GetProperty("sessions");
        Assert.Equal(2, sessions.GetArrayLength());
        Assert.Equal(new[] { "192.0.2.1", "192.0.2.2" }, sessions.EnumerateArray().Select(s => s.GetProperty("clientIp").GetString()!).Order().ToArray());
        Assert.All(sessions.EnumerateArray(), s => Assert.Equal(12, s.GetProperty("fingerprint").GetString()!.Length));
    }

    [Fact]
    public async Task ListUser_SecretFromEnvironment_Works()
    {
        await SeedAsync("sqlite");
        _env[StoreCommand.SecretsVariable] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "," + Convert.ToHexString(_secret);
        var (exit, output, error) = Run("store", "list-user", "--provider", "sqlite", "--connection", DbPath, "--user", "bob");
        Assert.True(exit == 0, error);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task ListUser_WrongSecret_ExitsOneSayingSo()
    {
        await SeedAsync("sqlite");
        var (exit, output, error) = Run("store", "list-user", "--provider", "sqlite", "--connection", DbPath, "--user", "alice", "--secret-hex", Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("The secret does not match store 'sqlite'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("file")]
    public async Task RevokeUser_All_RevokesOnlyThatUser(string provider)
    {
        var users = await SeedAsync(provider);
        var (exit, output, error) = Run("store", "revoke-user", "--provider", provider, "--connection", Connection(provider), "--user", "alice", "--secret-hex", Convert.ToHexString(_secret));
        Assert.True(exit == 0, error);
        Assert.Equal(2, JsonDocument.Parse(output).RootElement.GetProperty("revoked").GetInt32());
        Assert.Empty(await users.ListAsync("alice"));
        Assert.Single(await users.ListAsync("bob"));
    }

    [Fact]
    public async Task RevokeUser_OneFingerprint_RevokesOnlyThatSession()
    {
        var users = await SeedAsync("sqlite");
        var target = (await users.ListAsync("alice"))[0].Fingerprint;
        var (exit, output, error) = Run("store", "revoke-user", "--provider", "sqlite", "--connection", DbPath, "--user", "alice", "--fingerprint", target, "--secret-hex", Convert.ToHexString(_secret));
        Assert.True(exit == 0, error);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("revoked").GetInt32());
        var left = Assert.Single(await users.ListAsync("alice"));
        Assert.NotEqual(target, left.Fingerprint);
    }

    [Fact]
    public void ListUser_NoSecret_ExitsWithUsage()
    {
        var (exit, _, error) = Run("store", "list-user", "--provider", "sqlite", "--connection", DbPath, "--user", "alice");
        Assert.Equal(2, exit);
        Assert.Contains(StoreCommand.SecretsVariable, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ListUser_ShortSecret_ExitsWithUsage()
    {
        var (exit, _, error) = Run("store", "list-user", "--provider", "sqlite", "--connection", DbPath, "--user", "alice", "--secret-hex", "abcd");
        Assert.Equal(2, exit);
        Assert.Contains("at least 32", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_UnknownProvider_ExitsWithUsage()
    {
        var (exit, _, _) = Run("store", "stats", "--provider", "oracle", "--connection", "x");
        Assert.Equal(2, exit);
    }

    [Fact]
    public void Stats_MissingConnection_ExitsWithUsage()
    {
        Assert.Equal(2, Run("store", "stats", "--provider", "sqlite").Exit);
    }

    [Fact]
    public void Stats_MissingSqliteDatabase_FailsWithStoreErrorAndCreatesNothing()
    {
        var missing = Path.Combine(_dir, "typo.db");
        var (exit, _, error) = Run("store", "stats", "--provider", "sqlite", "--connection", missing);
        Assert.Equal(1, exit);
        Assert.Contains("Session store 'sqlite' failed", error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void Stats_MissingFileStoreDirectory_ExitsOneAndCreatesNothing()
    {
        var missing = Path.Combine(_dir, "nope");
        var (exit, _, error) = Run("store", "stats", "--provider", "file", "--connection", missing);
        Assert.Equal(1, exit);
        Assert.Contains($"the store directory '{missing}' does not exist", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Stats_CorruptFileStore_ExitsWithFailure()
    {
        await SeedAsync("file");
        var file = Directory.EnumerateFiles(FileRoot, "*.session", SearchOption.AllDirectories).First();
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        var (exit, _, error) = Run("store", "stats", "--provider", "file", "--connection", FileRoot);
        Assert.Equal(1, exit);
        Assert.Contains("Session store 'file' failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_MentionsSecretsVariable()
    {
        var (exit, output, _) = Run("store", "list-user", "--help");
        Assert.Equal(0, exit);
        Assert.Contains(StoreCommand.SecretsVariable, output, StringComparison.Ordinal);
    }
}
