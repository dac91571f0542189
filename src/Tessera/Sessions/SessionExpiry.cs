namespace Tessera.Sessions;

/// <summary>When a session expires: the earlier of its idle end and its absolute end.</summary>
internal static class SessionExpiry
{
    /// <summary>
    /// Idle end (last access plus the session's idle timeout, else <see cref="SessionManagerOptions.IdleTimeout"/>) or
    /// absolute end (creation plus the session's lifetime, else <see cref="SessionManagerOptions.AbsoluteLifetime"/>),
    /// whichever comes first.
    /// </summary>
    public static DateTimeOffset ExpiresAt(SessionState state, SessionManagerOptions defaults)
    {
        var idleEnd = AddSaturating(DateTimeOffset.FromUnixTimeMilliseconds(state.AccessedMs), state.IdleTimeout ?? defaults.IdleTimeout);
        var absoluteEnd = AddSaturating(DateTimeOffset.FromUnixTimeMilliseconds(state.CreatedMs), state.Lifetime ?? defaults.AbsoluteLifetime);
        return idleEnd < absoluteEnd ? idleEnd : absoluteEnd;
    }

    /// <summary>
    /// Whether a record expiring at <paramref name="expiresAt"/> may be due for a touch at <paramref name="now"/> (see
    /// <see cref="SessionManager.MayNeedTouch"/>): false only inside the last <see cref="SessionManagerOptions.TouchInterval"/>
    /// before the default idle end, where a touch is surely not due yet.
    /// </summary>
    public static bool MayNeedTouch(DateTimeOffset expiresAt, DateTimeOffset now, SessionManagerOptions options)
    {
        var idleEnd = now + options.IdleTimeout;
        return expiresAt <= idleEnd - options.TouchInterval || expiresAt > idleEnd;
    }

    /// <summary>A lifetime that runs past the calendar's end means "until the end": <see cref="DateTimeOffset.MaxValue"/>, never an overflow.</summary>
    public static DateTimeOffset AddSaturating(DateTimeOffset time, TimeSpan span) =>
        span >= DateTimeOffset.MaxValue - time ? DateTimeOffset.MaxValue : time + span;
}
