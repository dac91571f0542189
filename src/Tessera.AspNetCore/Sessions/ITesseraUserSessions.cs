namespace Tessera.AspNetCore;

/// <summary>
/// The signed-in user's sessions: list them, revoke one, the others, or all ("sign out everywhere"). Offered only where
/// it works, server mode on a store with a user index (<see cref="Tessera.Sessions.IUserSessionIndex"/>; every built-in
/// store has one): get it with <see cref="TesseraHttpContextExtensions.GetTesseraUserSessions"/>, which returns
/// <see langword="null"/> in cookie mode (a sealed cookie cannot be listed or revoked from the server) or on a store
/// without an index. Anonymous requests get an empty list and revoke nothing.
/// </summary>
public interface ITesseraUserSessions
{
    /// <summary>The signed-in user's live sessions; empty when anonymous.</summary>
    Task<IReadOnlyList<TesseraSessionInfo>> ListUserSessionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes one of the signed-in user's sessions by its <see cref="TesseraSessionInfo.Id"/> (this one signs out).</summary>
    /// <returns><see langword="true"/> when a session was revoked.</returns>
    Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Revokes every other session of the signed-in user; returns how many.</summary>
    Task<int> RevokeOthersAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes every session of the signed-in user, this one included ("sign out everywhere"); returns how many.</summary>
    Task<int> RevokeAllAsync(CancellationToken cancellationToken = default);
}
