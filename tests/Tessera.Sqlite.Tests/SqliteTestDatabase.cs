using Microsoft.Data.Sqlite;

namespace Tessera.Sqlite.Tests;

/// <summary>A database file in a fresh temp directory, deleted (pools cleared first) on dispose.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    public SqliteTestDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tessera-sqlite-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "sessions.db");
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString => $"Data Source={FilePath}";

    /// <summary>The database file and its WAL and shared-memory files, read without disturbing the open connections.</summary>
    public byte[] Dump()
    {
        using var dump = new MemoryStream();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            var path = FilePath + suffix;
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.CopyTo(dump);
            }
        }

        return dump.ToArray();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
