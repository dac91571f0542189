using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tessera.PostgreSql;

/// <summary>
/// The versioned schema of the store. Migrations run in one transaction under a transaction-scoped advisory lock,
/// so servers starting together apply each step once; a migration is only ever appended, never edited.
/// </summary>
internal static class PostgreSqlSchema
{
    // Arbitrary constant shared by every Tessera server ("TESSERA" in ASCII, truncated to fit a bigint).
    private const long AdvisoryLockId = 0x54_45_53_53_45_52_41;

    /// <summary>Table layout, version 1:
    /// <c>key</c> SHA-256 of the lookup id; <c>version</c> optimistic-concurrency counter;
    /// <c>data</c>/<c>listing</c> opaque sealed bytes; <c>expires_at</c> UTC ticks (100 ns since 0001-01-01, exact
    /// round trip of <see cref="DateTimeOffset"/>); <c>user_tag</c> keyed hash of the user id or null.</summary>
    private static string[] Migrations(string s) =>
    [
        $"""
        CREATE TABLE {s}.sessions (
            key        bytea  PRIMARY KEY,
            version    bigint NOT NULL,
            data       bytea  NOT NULL,
            expires_at bigint NOT NULL,
            user_tag   text   NULL,
            listing    bytea  NULL
        );
        CREATE INDEX sessions_user_tag ON {s}.sessions (user_tag) WHERE user_tag IS NOT NULL;
        CREATE INDEX sessions_expires_at ON {s}.sessions (expires_at);
        """,
        // Version 2: settings such as the key-check value (name 'key_check').
        $"""
        CREATE TABLE {s}.settings (
            name  text  PRIMARY KEY,
            value bytea NOT NULL
        );
        """,
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int CurrentVersion => Migrations("x").Length;

    /// <summary>Creates or migrates the schema; returns the version it is at.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, string schema, int timeoutSeconds, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockId})", timeoutSeconds, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", timeoutSeconds, cancellationToken).ConfigureAwait(false);

                var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_version", connection, transaction) { CommandTimeout = timeoutSeconds };
                int from;
                await using (command.ConfigureAwait(false))
                {
                    from = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                var migrations = Migrations(schema);
                CheckNotNewer(schema, from);

                for (var version = from + 1; version <= migrations.Length; version++)
                {
                    await ExecuteAsync(connection, transaction, migrations[version - 1], timeoutSeconds, cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, $"INSERT INTO {schema}.schema_version (version) VALUES ({version})", timeoutSeconds, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (from != migrations.Length)
                {
                    Log.SchemaMigrated(logger, schema, from, migrations.Length);
                }

                return migrations.Length;
            }
        }
    }

    /// <summary>The version of an existing schema, changing nothing (operator tools); throws when there is none.</summary>
    public static async Task<int> ReadVersionAsync(NpgsqlDataSource dataSource, string schema, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var exists = new NpgsqlCommand($"SELECT to_regclass('{schema}.schema_version') IS NOT NULL", connection) { CommandTimeout = timeoutSeconds };
            await using (exists.ConfigureAwait(false))
            {
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    throw new InvalidOperationException($"database '{connection.Database}' has no Tessera schema '{schema}' (no {schema}.schema_version table): is it the application's database and schema?");
                }
            }

            var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_version", connection) { CommandTimeout = timeoutSeconds };
            await using (read.ConfigureAwait(false))
            {
                var version = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                CheckNotNewer(schema, version);
                return version;
            }
        }
    }

    private static void CheckNotNewer(string schema, int version)
    {
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException($"Schema '{schema}' is at version {version}, newer than this Tessera ({CurrentVersion}); upgrade Tessera.PostgreSql.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = timeoutSeconds };
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
