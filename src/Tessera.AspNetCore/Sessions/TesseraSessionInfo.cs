namespace Tessera.AspNetCore;

/// <summary>One entry of a user's session list.</summary>
/// <param name="Id">A non-secret fingerprint of the session, usable with <see cref="ITesseraUserSessions.RevokeAsync"/>.</param>
/// <param name="Current">Whether it is the session of the current request.</param>
/// <param name="Created">When it was created.</param>
/// <param name="LastSeen">When it was last used.</param>
/// <param name="Ip">The client address it was last used from, when known.</param>
/// <param name="UserAgent">The client's User-Agent, when known.</param>
public sealed record TesseraSessionInfo(string Id, bool Current, DateTimeOffset Created, DateTimeOffset LastSeen, string? Ip, string? UserAgent);
