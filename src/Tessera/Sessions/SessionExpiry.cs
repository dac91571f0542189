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

    /// <summary>A lifetime that runs past the calendar's end means "until the end": <see cref="DateTimeOffset.MaxValue"/>, never an overflow.</summary>
    public static DateTimeOffset AddSaturating(DateTimeOffset time, TimeSpan span) =>
        span >= DateTimeOffset.MaxValue - time ? DateTimeOffset.MaxValue : time + span;
}
