using Npgsql;
using NpgsqlTypes;
using Tessera.PostgreSql;
using Tessera.Sessions;

namespace Tessera.Scale;

/// <summary>The PostgreSQL store in a fresh schema (dropped at the end); filled by binary COPY; disk is pg_total_relation_size.</summary>
internal sealed class PostgreSqlTarget : ScaleTarget
{
    private readonly NpgsqlDataSource _admin;
    private readonly PostgreSqlSessionStore _store;
    private readonly string _schema;

    public PostgreSqlTarget(ScaleClock clock, string connectionString, string schema)
        : base(clock)
    {
        _schema = schema;
        _admin = NpgsqlDataSource.Create(connectionString);
        _store = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = connectionString, Schema = schema }, clock);
    }

    public override string Name => "postgresql";

    public override ISessionStore Store => _store;

    public override async Task FillAsync(IReadOnlyList<SessionRecord> records, CancellationToken cancellationToken)
    {
        await _store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _admin.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The table of schema version 1 (see PostgreSqlSchema): expiry in UTC ticks.
            var writer = await connection.BeginBinaryImportAsync($"COPY {_schema}.sessions (key, version, data, expires_at, user_tag, listing) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                foreach (var record in records)
                {
                    await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.Key.Bytes.ToArray(), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.Version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.Data.ToArray(), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.ExpiresAt.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.UserTag, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.Listing.ToArray(), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                }

                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A bulk COPY leaves the rows without visibility hints or statistics: the first reads of each page would write it
    // back, and the planner would not know the table's size. Autovacuum does this on its own, minutes later.
    public override Task SettleAsync() => ExecuteAsync($"VACUUM ANALYZE {_schema}.sessions");

    public override async Task<long?> DiskBytesAsync()
    {
        var command = _admin.CreateCommand($"SELECT pg_total_relation_size('{_schema}.sessions')");
        await using (command.ConfigureAwait(false))
        {
            return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        await ExecuteAsync($"DROP SCHEMA {_schema} CASCADE").ConfigureAwait(false);
        await _admin.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql)
    {
        var command = _admin.CreateCommand(sql);
        await using (command.ConfigureAwait(false))
        {
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
