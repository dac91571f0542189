using System.Text.Json.Nodes;

namespace Tessera.AspNetCore;

/// <summary>
/// One sign-in, as both paths make it: <see cref="ITesseraSession.SignInAsync"/> (user id and check value only) and
/// the Tessera authentication scheme (plus the principal's claims and the lifetime from its properties).
/// </summary>
/// <param name="UserId">The user's id.</param>
/// <param name="CheckValue">The user's check value, or <see langword="null"/>.</param>
/// <param name="Principal">The principal as <see cref="TesseraClaims.ToJson"/> writes it (with whether the cookie is persistent), or <see langword="null"/>.</param>
/// <param name="ExpiresAt">When the session ends at the latest (<c>AuthenticationProperties.ExpiresUtc</c>), or <see langword="null"/> for the configured lifetime.</param>
internal sealed record SessionSignIn(string UserId, string? CheckValue, JsonObject? Principal = null, DateTimeOffset? ExpiresAt = null);
