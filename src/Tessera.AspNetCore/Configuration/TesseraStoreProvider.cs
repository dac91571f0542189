namespace Tessera.AspNetCore;

/// <summary>The server-side session store to use in <see cref="TesseraMode.Server"/> mode.</summary>
public enum TesseraStoreProvider
{
    /// <summary>An embedded SQLite database file (the default).</summary>
    Sqlite,

    /// <summary>Process memory: sessions are lost on restart and not shared between servers.</summary>
    Memory,

    /// <summary>One file per session in a directory.</summary>
    File,

    /// <summary>A PostgreSQL database shared by a fleet of servers.</summary>
    PostgreSql,

    /// <summary>A Redis server shared by a fleet of servers.</summary>
    Redis,
}
