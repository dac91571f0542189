using Tessera.Keys;

namespace Tessera.Cookies;

/// <summary>Settings of Tessera's own sealed cookie format.</summary>
public sealed class SealedCookieOptions
{
    /// <summary>The keys, newest first: the newest seals, every one opens. Each must be exactly 32 random bytes.</summary>
    /// <value>Required; there is no default.</value>
    public Keyring? Keyring { get; set; }

    /// <summary>How long an untouched session lives, counted from the last renewal of the cookie.</summary>
    /// <value>The default is 20 minutes. Null disables the idle timeout.</value>
    public TimeSpan? IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long a session lives at most, counted from its creation, however active it is.</summary>
    /// <value>The default is 1 day. Null disables the absolute lifetime.</value>
    public TimeSpan? AbsoluteLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Renew the cookie (send it again with a new renewal time) only when the last renewal is older than this, as
    /// Pyramid's <c>reissue_time</c>. Must be shorter than <see cref="IdleTimeout"/>, or sessions expire while in use.
    /// </summary>
    /// <value>The default is 2 minutes (a tenth of the idle timeout). Null never renews on reads.</value>
    public TimeSpan? ReissueTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Split a session over several cookies (ASP.NET Core's shape: name=chunks-N, then nameC1 … nameCN) instead of refusing it.</summary>
    /// <value>The default is false: a value over 4096 bytes throws <see cref="CookieTooLargeException"/>.</value>
    public bool EnableChunking { get; set; }
}
