namespace Tessera.AspNetCore;

/// <summary>
/// What the auth_tkt scheme does for an IPv6 client while tickets are bound to the client address
/// (<see cref="AuthTktOptions.IgnoreIp"/> is <see langword="false"/>): the format carries only an IPv4 address.
/// IPv4-mapped IPv6 clients (<c>::ffff:a.b.c.d</c>) are IPv4 clients and never reach this policy.
/// </summary>
public enum AuthTktIPv6Policy
{
    /// <summary>
    /// Issue and accept an unbound ticket (address <c>0.0.0.0</c>) for IPv6 clients, logged once per process as a
    /// warning. Tickets bound to an IPv4 address stay bound; Apache's module rejects IPv6 clients unless
    /// <c>TKTAuthIgnoreIP on</c>.
    /// </summary>
    IssueUnbound = 0,

    /// <summary>
    /// Refuse: signing in an IPv6 client throws <see cref="AuthTktSignInRefusedException"/> before anything is written,
    /// and a ticket presented by an IPv6 client is rejected as <c>UnsupportedClientIp</c>.
    /// </summary>
    RefuseSignIn = 1,
}
