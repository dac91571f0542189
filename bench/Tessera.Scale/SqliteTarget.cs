using Microsoft.Data.Sqlite;
using Tessera.Sessions;
using Tessera.Sqlite;

namespace Tessera.Scale;

/// <summary>The SQLite store in a fresh file; filled by batched inserts in one transaction per batch; disk is the database file and its WAL.</summary>
internal sealed class SqliteTarget : ScaleTarget
{
    private readonly SqliteSessionStore _store;
    private readonly string _path;

    public SqliteTarget(ScaleClock clock, string directory)
        : base(clock)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "sessions.db");
        _store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = "Data Source=" + _path }, clock);
    }

    public override string Name => "sqlite";

    public override ISessionStore Store => _store;

    public override async Task FillAsync(IReadOnlyList<SessionRecord> records, CancellationToken cancellationToken)
    {
        await _store.ProbeAsync(cancellationToken).ConfigureAwait(false); // creates the schema
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        foreach (var batch in records.Chunk(10_000))
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            // The table of schema version 1 (see SqliteSessionStore): expiry in unix milliseconds.
            insert.CommandText = "INSERT INTO tessera_sessions (key, version, expires_at, user_tag, listing, data) VALUES ($key, $version, $expires, $tag, $listing, $data)";
            var key = insert.Parameters.Add("$key", SqliteType.Blob);
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            var expires = insert.Parameters.Add("$expires", SqliteType.Integer);
            var tag = insert.Parameters.Add("$tag", SqliteType.Text);
            var listing = insert.Parameters.Add("$listing", SqliteType.Blob);
            var data = insert.Parameters.Add("$data", SqliteType.Blob);
            foreach (var record in batch)
            {
                key.Value = record.Key.Bytes.ToArray();
                version.Value = record.Version;
                expires.Value = record.ExpiresAt.ToUnixTimeMilliseconds();
                tag.Value = (object?)record.UserTag ?? DBNull.Value;
                listing.Value = record.Listing.ToArray();
                data.Value = record.Data.ToArray();
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    public override Task<long?> DiskBytesAsync()
    {
        long size = 0;
        foreach (var file in new[] { _path, _path + "-wal" })
        {
            size += File.Exists(file) ? new FileInfo(file).Length : 0;
        }

        return Task.FromResult<long?>(size);
    }

    public override ValueTask DisposeAsync()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

        return ValueTask.CompletedTask;
    }
}
