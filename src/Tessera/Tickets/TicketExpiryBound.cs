namespace Tessera.Tickets;

/// <summary>Whether a ticket is still valid at the very second <c>issued + timeout</c>.</summary>
public enum TicketExpiryBound
{
    /// <summary>The rule of the scheme's reference peer: <see cref="Inclusive"/> for the mod_auth_tkt schemes, <see cref="Exclusive"/> for <see cref="TicketScheme.HmacSha256"/>.</summary>
    SchemeDefault,

    /// <summary>Apache's rule: valid while <c>(issued + timeout) mod 2^32 &gt;= now</c>, computed in unsigned 32-bit as the module does (so a timestamp within <c>timeout</c> of 2^32 counts as expired).</summary>
    Inclusive,

    /// <summary>plone.session's rule: valid while <c>issued + timeout &gt; now</c>, without wrap-around.</summary>
    Exclusive,
}
