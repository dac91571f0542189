namespace Tessera.Stores;

/// <summary>Settings of <see cref="DistributedCacheSessionStore"/>.</summary>
public sealed class DistributedCacheSessionStoreOptions
{
    /// <summary>Prefix of every cache key the store writes (<c>{prefix}{key hex}</c>).</summary>
    /// <value>The default is <c>tessera:s:</c>.</value>
    public string KeyPrefix { get; set; } = "tessera:s:";

    /// <summary>Extra lifetime given to each cache entry beyond the record's expiry; the store checks
    /// <see cref="Tessera.Sessions.SessionRecord.ExpiresAt"/> itself on every read, so this only covers clock drift.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ExpiryMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The store's name in errors, logs and health checks.</summary>
    /// <value>The default is <c>distributed-cache</c>.</value>
    public string Name { get; set; } = "distributed-cache";

    /// <summary>Throws when a setting cannot work, saying what to change.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (KeyPrefix is null)
        {
            throw new ArgumentException("DistributedCacheSessionStoreOptions.KeyPrefix must not be null (it may be empty).");
        }

        if (ExpiryMargin < TimeSpan.Zero || ExpiryMargin > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("DistributedCacheSessionStoreOptions.ExpiryMargin must be between 0 and 1 day.");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("DistributedCacheSessionStoreOptions.Name must not be empty.");
        }
    }
}
