using System.Net;

namespace Tessera.Tickets;

/// <summary>The fields of an auth_tkt ticket, as text. On the wire every field is UTF-8 bytes.</summary>
public sealed record AuthTicket
{
    /// <summary>The user id (<c>REMOTE_USER</c> in Apache). Must not contain <c>!</c> or NUL, and must not be empty unless <see cref="TicketOptions.AllowEmptyUserId"/>.</summary>
    public required string UserId { get; init; }

    /// <summary>The tokens (roles, groups). Each must be non-empty and free of <c>,</c>, <c>!</c>, whitespace and NUL.</summary>
    /// <value>The default is no tokens.</value>
    public IReadOnlyList<string> Tokens { get; init; } = [];

    /// <summary>Free-form user data. Readable by anyone holding the cookie: never put secrets here. Must not contain <c>!</c> or NUL.</summary>
    /// <value>The default is empty.</value>
    public string UserData { get; init; } = "";

    /// <summary>When the ticket was issued, to the second (Unix seconds, 0 to 2^32−1 on the wire).</summary>
    /// <value>The default, <see langword="null"/>, makes the issuer stamp the current time of its <see cref="TimeProvider"/>. A validated ticket always carries its time.</value>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The client IPv4 address the ticket is bound to (IPv4-mapped IPv6 is accepted and mapped).</summary>
    /// <value>The default, <see langword="null"/>, issues an unbound ticket (<c>0.0.0.0</c>, Apache's <c>TKTAuthIgnoreIP on</c>). A validated ticket carries the address it was checked against, or <see langword="null"/> when unbound.</value>
    public IPAddress? ClientIp { get; init; }
}
