namespace Tessera.Sessions;

/// <summary>Settings of a <see cref="SessionManager"/>.</summary>
public sealed class SessionManagerOptions
{
    /// <summary>How long an untouched session lives on the server.</summary>
    /// <value>The default is 20 minutes. Reading a session counts as activity (see <see cref="TouchInterval"/>).</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long a session lives at most, however active.</summary>
    /// <value>The default is 12 hours.</value>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How old the last recorded activity must be before a read-only request writes the session again to extend
    /// its idle expiry. Reads within the interval cost no store write.
    /// </summary>
    /// <value>The default is 1 minute. Must be shorter than <see cref="IdleTimeout"/>.</value>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether a session only opens from the client IP it was created from.</summary>
    /// <value>The default is <see langword="false"/>: mobile networks and proxies change addresses.</value>
    public bool BindToClientIp { get; set; }

    /// <summary>How many times a save that lost a race is reloaded, merged and retried before <see cref="SessionConflictException"/>.</summary>
    /// <value>The default is 8. Retries after the first wait a short random time that grows with each attempt.</value>
    public int MaxMergeAttempts { get; set; } = 8;

    /// <summary>Whether the user's session list records the client IP and User-Agent (sealed with a server key).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RecordClientInfo { get; set; } = true;

    /// <summary>
    /// How many recently saved sessions keep their derived data key and AES-GCM context in memory between requests,
    /// so their next request skips deriving the key and setting up the cipher. Each costs about 1 KB, and while cached
    /// a session's data key is in server memory as well as in its cookie (a copy of the store alone still opens
    /// nothing; a request must present the cookie's key to use an entry).
    /// </summary>
    /// <value>The default is 4096 (about 4 MB). 0 turns the cache off: keys then live only for one request.</value>
    public int CipherCacheSize { get; set; } = 4096;

    /// <summary>Throws when a setting is out of range, saying what to change.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is invalid.</exception>
    public void Validate()
    {
        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "IdleTimeout must be positive.");
        }

        if (AbsoluteLifetime < IdleTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(AbsoluteLifetime), AbsoluteLifetime, "AbsoluteLifetime must be at least IdleTimeout.");
        }

        if (TouchInterval < TimeSpan.Zero || TouchInterval >= IdleTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(TouchInterval), TouchInterval, "TouchInterval must be zero or more and shorter than IdleTimeout.");
        }

        if (CipherCacheSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CipherCacheSize), CipherCacheSize, "CipherCacheSize must be zero (off) or more.");
        }

        if (MaxMergeAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMergeAttempts), MaxMergeAttempts, "MaxMergeAttempts must be at least 1.");
        }
    }
}
