namespace Tessera.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlSessionStore"/>.</summary>
public sealed class PostgreSqlSessionStoreOptions
{
    /// <summary>The Npgsql connection string, such as <c>Host=db;Username=tessera;Password=...;Database=tessera</c>.</summary>
    /// <value>No default: required unless the store is given an <c>NpgsqlDataSource</c>. Pooling settings
    /// (<c>Maximum Pool Size</c> and so on) go here too.</value>
    public string? ConnectionString { get; set; }

    /// <summary>The schema that holds the session and schema-version tables; created when missing.</summary>
    /// <value>The default is <c>tessera</c>.</value>
    public string Schema { get; set; } = "tessera";

    /// <summary>How long one SQL command may run before it fails with <see cref="Tessera.Sessions.SessionStoreException"/>.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a read is retried after a transient failure (connection refused or reset, failover).
    /// Writes are never retried: a save whose outcome is unknown fails.</summary>
    /// <value>The default is 2 (three attempts in all). 0 disables retrying.</value>
    public int ReadRetries { get; set; } = 2;

    /// <summary>The pause before the first retry; doubled before each further one.</summary>
    /// <value>The default is 50 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How many expired rows one sweep statement deletes; the sweeper loops until none are left, so each
    /// statement holds its locks only briefly.</summary>
    /// <value>The default is 500.</value>
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>
    /// Whether the store creates or migrates its schema on first use. Off (operator tools), the schema must exist:
    /// a database without it is a <see cref="Tessera.Sessions.SessionStoreException"/>, and nothing is created or changed.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CreateSchema { get; set; } = true;

    /// <summary>The store's name in errors, logs and health checks.</summary>
    /// <value>The default is <c>postgresql</c>.</value>
    public string Name { get; set; } = "postgresql";

    /// <summary>Throws when a setting cannot work, saying what to change.</summary>
    /// <param name="requireConnectionString">Whether <see cref="ConnectionString"/> must be set.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate(bool requireConnectionString)
    {
        if (requireConnectionString && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("PostgreSqlSessionStoreOptions.ConnectionString must be set (an Npgsql connection string).");
        }

        if (string.IsNullOrEmpty(Schema) || Schema.Length > 63 || !Schema.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(Schema[0]))
        {
            throw new ArgumentException($"PostgreSqlSessionStoreOptions.Schema '{Schema}' must be 1-63 ASCII letters, digits or underscores, not starting with a digit.");
        }

        if (CommandTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("PostgreSqlSessionStoreOptions.CommandTimeout must be at least 1 second (PostgreSQL counts whole seconds).");
        }

        if (ReadRetries is < 0 or > 10)
        {
            throw new ArgumentException("PostgreSqlSessionStoreOptions.ReadRetries must be between 0 and 10.");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromSeconds(5))
        {
            throw new ArgumentException("PostgreSqlSessionStoreOptions.RetryDelay must be between 0 and 5 seconds.");
        }

        if (SweepBatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException("PostgreSqlSessionStoreOptions.SweepBatchSize must be between 1 and 100000.");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("PostgreSqlSessionStoreOptions.Name must not be empty.");
        }
    }
}
