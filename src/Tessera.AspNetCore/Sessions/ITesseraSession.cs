using System.Text.Json.Nodes;

namespace Tessera.AspNetCore;

/// <summary>
/// The current request's Tessera session: JSON values, sign-in and sign-out, rotation. Get it with
/// <see cref="TesseraHttpContextExtensions.GetTesseraSession"/>; <c>HttpContext.Session</c> is a byte view of the same data.
/// Changes are saved after the endpoint runs (before the response starts). Every member works in both modes; what only
/// server mode can do is apart: the user's session list and revocation (<see cref="ITesseraUserSessions"/>, from
/// <see cref="TesseraHttpContextExtensions.GetTesseraUserSessions"/>) and per-session lifetimes
/// (<see cref="ITesseraSessionLifetime"/>, which server-mode sessions implement).
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
}
