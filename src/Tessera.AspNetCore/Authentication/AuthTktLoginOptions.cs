namespace Tessera.AspNetCore;

/// <summary>The settings of one <c>MapAuthTktLogin</c> endpoint.</summary>
public sealed class AuthTktLoginOptions
{
    /// <summary>
    /// The schemes that may say who the user is, tried in order (e.g. <c>Tessera</c>, <c>Negotiate</c>, <c>OpenIdConnect</c>);
    /// an anonymous user is challenged with the first. An auth_tkt scheme is refused: a ticket must never re-issue itself.
    /// </summary>
    /// <value>The default is empty: the default authenticate and challenge schemes.</value>
    public IList<string> AuthenticationSchemes { get; } = [];

    /// <summary>The auth_tkt scheme whose ticket is issued (and whose <see cref="AuthTktOptions.AllowedSites"/> and <see cref="AuthTktOptions.DefaultNext"/> apply).</summary>
    /// <value>The default is <see cref="AuthTktDefaults.AuthenticationScheme"/>.</value>
    public string TicketScheme { get; set; } = AuthTktDefaults.AuthenticationScheme;

    /// <summary>The query parameter naming where to go after the ticket is issued.</summary>
    /// <value>The default is <c>next</c>, as plone.session's login form.</value>
    public string NextParameter { get; set; } = "next";
}
