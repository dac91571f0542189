namespace Tessera.Sessions;

/// <summary>What the response must do with the session cookie after <see cref="SessionManager.CommitAsync"/>.</summary>
/// <param name="CookieValue">The value to set, or <see langword="null"/> when the cookie need not be written.</param>
/// <param name="ClearCookie">True when the client's cookie must be deleted (signed out, rejected, reset and empty).</param>
/// <param name="ExpiresAt">When the session expires on the server if untouched (for a persistent cookie's expiry); null when nothing was written.</param>
public sealed record SessionCommitResult(string? CookieValue, bool ClearCookie, DateTimeOffset? ExpiresAt)
{
    /// <summary>Nothing to do: leave the cookie as it is.</summary>
    public static SessionCommitResult Unchanged { get; } = new(null, false, null);
}
