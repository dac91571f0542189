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
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int CurrentVersion => Migrations("x").Length;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, int timeoutSeconds, ILogger logger, CancellationToken cancellationToken)
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
                if (from > migrations.Length)
                {
                    throw new InvalidOperationException($"Schema '{schema}' is at version {from}, newer than this Tessera ({migrations.Length}); upgrade Tessera.PostgreSql.");
                }

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
            }
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
