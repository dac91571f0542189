using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tessera.AspNetCore;
using Tessera.PostgreSql;
using Tessera.Sessions;
using Tessera.Sqlite;

namespace Tessera.Demo;

/// <summary>
/// The demo's users, in a table of their own (<c>demo_users</c>) beside the sessions: in the session store's SQLite
/// file, or its PostgreSQL database (<see cref="DatabaseFor"/>). A row holds the name, an ASP.NET Core
/// <see cref="PasswordHasher{TUser}"/> hash, a stamp that is the user's check value (a new random one with every password
/// change, so every other session of the user fails its next request) and the time of the last password change. Every
/// server on the same database sees a change at once; a restart keeps it.
/// </summary>
public sealed class DemoUsers : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS demo_users (
            name TEXT PRIMARY KEY NOT NULL,
            password_hash TEXT NOT NULL,
            stamp TEXT NOT NULL,
            password_changed BIGINT NOT NULL)
        """;

    private const string StoreName = "demo-users";

    private readonly IPasswordHasher<string> _hasher;
    private readonly DbDataSource _database;
    private readonly TimeProvider _time;

    // Unknown names are checked against this hash, so a wrong name costs as much time as a wrong password.
    private readonly string _dummyHash;

    /// <summary>Creates the table when missing and adds the configured users it does not hold yet.</summary>
    /// <param name="database">The database (<see cref="DatabaseFor"/>); the SQL is the same for SQLite and PostgreSQL.</param>
    /// <param name="seed">User names and first passwords (<see cref="DemoOptions.Users"/>).</param>
    /// <param name="seedKey">
    /// Keys the first stamp of a configured user (an HMAC of its name and first password), so servers that each seed
    /// their own database from the same configuration agree on it until a password changes.
    /// </param>
    /// <param name="time">The clock of password changes.</param>
    /// <param name="hasher">The password hasher; the default is ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2).</param>
    public DemoUsers(DbDataSource database, IReadOnlyDictionary<string, string> seed, byte[] seedKey, TimeProvider time, IPasswordHasher<string>? hasher = null)
    {
        _database = database;
        _time = time;
        _hasher = hasher ?? new PasswordHasher<string>();
        _dummyHash = _hasher.HashPassword("", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        using var connection = database.OpenConnection();
        Execute(connection, Schema);
        foreach (var (name, password) in seed)
        {
            // A user already in the table keeps the password it has there (perhaps changed since): hash only new names.
            if (Scalar(connection, "SELECT 1 FROM demo_users WHERE name = @name", ("@name", name)) is null)
            {
                var stamp = Convert.ToHexStringLower(HMACSHA256.HashData(seedKey, Encoding.UTF8.GetBytes(name + "\0" + password))[..16]);
                Execute(connection, "INSERT INTO demo_users VALUES (@name, @hash, @stamp, @now) ON CONFLICT (name) DO NOTHING",
                    ("@name", name), ("@hash", _hasher.HashPassword(name, password)), ("@stamp", stamp), ("@now", Now()));
            }
        }
    }

    /// <summary>Whether <paramref name="password"/> is <paramref name="user"/>'s password; as slow for an unknown user.</summary>
    public async Task<bool> VerifyAsync(string? user, string? password, CancellationToken cancellationToken)
    {
        var hash = user is null ? null : (await ReadAsync(user, cancellationToken).ConfigureAwait(false))?.Hash;
        var result = _hasher.VerifyHashedPassword(user ?? "", hash ?? _dummyHash, password ?? "");
        if (hash is null || result == PasswordVerificationResult.Failed)
        {
            return false;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // An older hash format or iteration count: upgrade it, unless a password change got there first.
            await UpdateAsync(user!, hash, _hasher.HashPassword(user!, password!), stamp: null, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The user's check value (its stamp), or <see langword="null"/> for an unknown user.</summary>
    public async Task<string?> CheckValueAsync(string user, CancellationToken cancellationToken) =>
        (await ReadAsync(user, cancellationToken).ConfigureAwait(false))?.Stamp;

    /// <summary>When the user's password last changed (or the user was created), or <see langword="null"/> when unknown.</summary>
    public async Task<DateTimeOffset?> PasswordChangedAsync(string user, CancellationToken cancellationToken) =>
        (await ReadAsync(user, cancellationToken).ConfigureAwait(false))?.PasswordChanged;

    /// <summary>Changes a password after checking the old one; returns the new check value, or null when refused.</summary>
    public async Task<string?> ChangePasswordAsync(string user, string oldPassword, string newPassword, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(newPassword) || await ReadAsync(user, cancellationToken).ConfigureAwait(false) is not { } row
            || _hasher.VerifyHashedPassword(user, row.Hash, oldPassword) == PasswordVerificationResult.Failed)
        {
            return null;
        }

        // Compare-and-set on the old hash: of two changes made at once with the same old password, one wins.
        var stamp = NewStamp();
        return await UpdateAsync(user, row.Hash, _hasher.HashPassword(user, newPassword), stamp, cancellationToken).ConfigureAwait(false) ? stamp : null;
    }

    /// <summary>
    /// The user table's database: <see cref="DemoOptions.UsersDatabase"/> (SQLite; a bare path is taken as the file),
    /// else the session store's database when it is SQLite or PostgreSQL, else <c>tessera-users.db</c> in the working
    /// directory (a Redis fleet on one host shares it; on several hosts, point <c>Demo:UsersDatabase</c> at a shared file).
    /// </summary>
    public static DbDataSource DatabaseFor(DemoOptions demo, TesseraStoreOptions store)
    {
        if (demo.UsersDatabase is null && string.Equals(store.Provider, PostgreSqlStoreProvider.Name, StringComparison.OrdinalIgnoreCase) && store.ConnectionString is { } postgres)
        {
            return NpgsqlFactory.Instance.CreateDataSource(postgres);
        }

        var value = demo.UsersDatabase
            ?? (string.Equals(store.Provider, SqliteStoreProvider.Name, StringComparison.OrdinalIgnoreCase)
                ? store.ConnectionString ?? SqliteStoreProvider.DefaultConnectionString
                : "Data Source=tessera-users.db");
        return SqliteFactory.Instance.CreateDataSource(value.Contains('=', StringComparison.Ordinal) ? value : new SqliteConnectionStringBuilder { DataSource = value }.ToString());
    }

    /// <summary>Closes the database's connections.</summary>
    public void Dispose() => _database.Dispose();

    private Task<Row?> ReadAsync(string user, CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT password_hash, stamp, password_changed FROM demo_users WHERE name = @name", ("@name", user));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Row(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
            : null;
    }, cancellationToken);

    private Task<bool> UpdateAsync(string user, string oldHash, string newHash, string? stamp, CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var command = stamp is null
            ? Command(connection, "UPDATE demo_users SET password_hash = @new WHERE name = @name AND password_hash = @old",
                ("@name", user), ("@old", oldHash), ("@new", newHash))
            : Command(connection, "UPDATE demo_users SET password_hash = @new, stamp = @stamp, password_changed = @now WHERE name = @name AND password_hash = @old",
                ("@name", user), ("@old", oldHash), ("@new", newHash), ("@stamp", stamp), ("@now", Now()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }, cancellationToken);

    // A failing database is a store failure, as for the sessions: Tessera's middleware answers 503 and no one is signed in.
    private async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new SessionStoreException(StoreName, "the demo's user table could not be read or written", ex);
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static void Execute(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed record Row(string Hash, string Stamp, DateTimeOffset PasswordChanged);
}
