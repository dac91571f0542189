namespace Tessera.AspNetCore;

/// <summary>
/// Gives the current check value of a user (something that changes when the password or account state changes, such
/// as a hash of the password hash). When registered, every request of a signed-in session is checked against it and
/// a session whose stored value differs is signed out at once.
/// </summary>
public interface ITesseraCheckValueProvider
{
    /// <summary>The user's current check value, or <see langword="null"/> when the user no longer exists (signs the session out).</summary>
    ValueTask<string?> GetCheckValueAsync(string userId, CancellationToken cancellationToken);
}
