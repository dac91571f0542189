namespace Tessera.Redis;

/// <summary>Settings of <see cref="RedisSessionStore"/>.</summary>
public sealed class RedisSessionStoreOptions
{
    /// <summary>Where Redis is: <c>host:port[,password=...][,ssl=true]</c> (StackExchange.Redis configuration syntax).
    /// A Redis Cluster, or a primary with replicas, is the same with several endpoints (<c>a:6379,b:6379,c:6379</c>): the
    /// client discovers the topology and follows failovers. <c>abortConnect=false</c> is always applied, so the
    /// application starts while Redis is down and the multiplexer reconnects by itself.</summary>
    /// <value>No default: required unless the store is given a connection multiplexer.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every key the store writes: records are <c>{prefix}s:{key hex}</c>, user indexes (sorted sets)
    /// <c>{prefix}i:{user tag hex}</c>. Several applications can share one Redis with different prefixes. On a cluster,
    /// a prefix with a hash tag (<c>{app}:</c>) would put every key in one slot, on one master.</summary>
    /// <value>The default is <c>tessera:</c>.</value>
    public string KeyPrefix { get; set; } = "tessera:";

    /// <summary>The Redis database number.</summary>
    /// <value>The default is -1: the connection string's default database (normally 0).</value>
    public int Database { get; set; } = -1;

    /// <summary>How long one store operation may take (including waiting for a reconnect) before it fails with
    /// <see cref="Tessera.Sessions.SessionStoreException"/>.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the multiplexer tries to reconnect after losing Redis (StackExchange.Redis's own default is
    /// its connect timeout, 5 seconds: long for a fleet whose every request is waiting on it).</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Extra time-to-live given to each key beyond the record's expiry. The store checks
    /// <see cref="Tessera.Sessions.SessionRecord.ExpiresAt"/> itself on every read, so the margin only covers clock
    /// drift between the application and Redis; Redis deletes the key once it has passed.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ExpiryMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many keys one SCAN step returns when sweeping or counting: the most that one batch of short commands
    /// puts ahead of live requests on the shared connection.</summary>
    /// <value>The default is 50: at 500, live loads during a sweep of 10^6 records waited a whole batch (p50 8.9 ms).</value>
    public int ScanBatchSize { get; set; } = 50;

    /// <summary>The store's name in errors, logs and health checks.</summary>
    /// <value>The default is <c>redis</c>.</value>
    public string Name { get; set; } = "redis";

    /// <summary>Throws when a setting cannot work, saying what to change.</summary>
    /// <param name="requireConnectionString">Whether <see cref="ConnectionString"/> must be set.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate(bool requireConnectionString)
    {
        if (requireConnectionString && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("RedisSessionStoreOptions.ConnectionString must be set: host:port[,password=...][,ssl=true], such as 'localhost:6379'.");
        }

        if (KeyPrefix is null || KeyPrefix.Length > 100)
        {
            throw new ArgumentException("RedisSessionStoreOptions.KeyPrefix must be set (it may be empty) and at most 100 characters.");
        }

        if (OperationTimeout < TimeSpan.FromMilliseconds(100) || OperationTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException("RedisSessionStoreOptions.OperationTimeout must be between 100 ms and 5 minutes.");
        }

        if (ReconnectInterval < TimeSpan.FromMilliseconds(100) || ReconnectInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException("RedisSessionStoreOptions.ReconnectInterval must be between 100 ms and 1 minute.");
        }

        if (ExpiryMargin < TimeSpan.Zero || ExpiryMargin > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("RedisSessionStoreOptions.ExpiryMargin must be between 0 and 1 day.");
        }

        if (ScanBatchSize is < 10 or > 100_000)
        {
            throw new ArgumentException("RedisSessionStoreOptions.ScanBatchSize must be between 10 and 100000.");
        }

        if (Database < -1)
        {
            throw new ArgumentException("RedisSessionStoreOptions.Database must be -1 (default) or a database number.");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("RedisSessionStoreOptions.Name must not be empty.");
        }
    }
}
