using System.Security.Claims;

namespace Tessera.AspNetCore;

/// <summary>
/// How the Tessera ticket store (<c>AddTesseraTicketStore()</c>) reads an authentication ticket. Bound from
/// <c>Tessera:TicketStore</c>; the session timeouts come from the ticket itself (cookie authentication's
/// <c>ExpireTimeSpan</c>) and the store, keyring and touch interval from <c>AddTessera()</c>.
/// </summary>
public sealed class TesseraTicketStoreOptions
{
    /// <summary>The configuration section: <c>Tessera:TicketStore</c>.</summary>
    public const string SectionName = "Tessera:TicketStore";

    /// <summary>The claim that names the user, whose sessions are listed and revoked together.</summary>
    /// <value>The default is <see cref="ClaimTypes.NameIdentifier"/>, where ASP.NET Core Identity puts the user id.</value>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>The claim that carries ASP.NET Core Identity's security stamp; a ticket without it is never invalidated by a stamp change.</summary>
    /// <value>The default is Identity's <c>AspNet.Identity.SecurityStamp</c>.</value>
    public string SecurityStampClaimType { get; set; } = "AspNet.Identity.SecurityStamp";

    /// <summary>How long a signed-in session lives at most, however active: sliding renewals never keep it past this.</summary>
    /// <value>The default is 30 days. Must be positive.</value>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);
}
