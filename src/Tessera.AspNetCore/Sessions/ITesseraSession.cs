using System.Text.Json.Nodes;

namespace Tessera.AspNetCore;

/// <summary>
/// The current request's Tessera session: JSON values, sign-in and sign-out, rotation, lifetimes and the signed-in
/// user's session list. Get it with <see cref="TesseraHttpContextExtensions.GetTesseraSession"/>;
/// <c>HttpContext.Session</c> is a byte view of the same data.
/// Changes are saved after the endpoint runs (before the response starts).
/// </summary>
public interface ITesseraSession
{
    /// <summary>A short, non-secret label of the session (never the handle in its cookie); empty until it is saved.</summary>
    string Id { get; }

    /// <summary>Whether the request brought no valid session (a new one will be created if something is stored).</summary>
    bool IsNew { get; }

    /// <summary>The signed-in user's id, or <see langword="null"/> when anonymous.</summary>
    string? UserId { get; }

    /// <summary>The names of the stored values.</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>Reads a value; <see langword="false"/> when absent.</summary>
    bool TryGetValue(string key, out JsonNode? value);

    /// <summary>Stores a value (a copy of <paramref name="value"/>).</summary>
    void SetValue(string key, JsonNode? value);

    /// <summary>Removes a value; <see langword="true"/> when it was there.</summary>
    bool Remove(string key);

    /// <summary>Removes every value (the sign-in state is kept).</summary>
    void Clear();

    /// <summary>Signs <paramref name="userId"/> in: a new handle (no fixation), values kept.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="checkValue">The user's check value (changes when the password changes), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task SignInAsync(string userId, string? checkValue = null, CancellationToken cancellationToken = default);

    /// <summary>Signs out: the stored session is deleted and the cookie cleared; later values start a new session.</summary>
    Task SignOutAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps this session signed in after the user's check value changed (e.g. after a password change), so that only
    /// the user's other sessions fail their check.
    /// </summary>
    Task KeepLoginAsync(string checkValue, CancellationToken cancellationToken = default);

    /// <summary>Gives the session a new handle now (its values kept, the old handle dead); the new cookie is written with the response.</summary>
    Task RotateAsync(CancellationToken cancellationToken = default);

    /// <summary>Overrides the idle timeout and absolute lifetime of this session (e.g. "remember me").</summary>
    void SetLifetime(TimeSpan idleTimeout, TimeSpan absoluteLifetime);

    /// <summary>The signed-in user's live sessions; empty when anonymous.</summary>
    /// <exception cref="NotSupportedException">Cookie mode, or a store without a user index.</exception>
    Task<IReadOnlyList<TesseraSessionInfo>> ListUserSessionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes one of the signed-in user's sessions by its <see cref="TesseraSessionInfo.Id"/>.</summary>
    /// <returns><see langword="true"/> when a session was revoked.</returns>
    Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Revokes every other session of the signed-in user; returns how many.</summary>
    Task<int> RevokeOthersAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes every session of the signed-in user, this one included ("sign out everywhere"); returns how many.</summary>
    Task<int> RevokeAllAsync(CancellationToken cancellationToken = default);
}
