using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>
/// The Tessera authentication scheme's settings: where browsers are sent to sign in and when access is denied (as cookie
/// authentication's), where the check value comes from, and whether sign-in also issues the auth_tkt SSO ticket.
/// The session itself (cookie, store, timeouts) is configured by <c>AddTessera()</c>'s <see cref="TesseraOptions"/>.
/// </summary>
public sealed class TesseraAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Where a challenged browser is sent, with the original URL as <see cref="ReturnUrlParameter"/>.</summary>
    /// <value>The default is <c>/Account/Login</c> (as cookie authentication's). Empty: a challenge always answers 401.</value>
    public PathString LoginPath { get; set; } = "/Account/Login";

    /// <summary>Where a forbidden browser is sent, with the original URL as <see cref="ReturnUrlParameter"/>.</summary>
    /// <value>The default is <c>/Account/AccessDenied</c>. Empty: forbid always answers 403.</value>
    public PathString AccessDeniedPath { get; set; } = "/Account/AccessDenied";

    /// <summary>The query parameter that carries the original (always local) URL to the login and access-denied pages.</summary>
    /// <value>The default is <c>ReturnUrl</c>.</value>
    public string ReturnUrlParameter { get; set; } = "ReturnUrl";

    /// <summary>
    /// The claim of the signed-in principal that holds the user's check value (e.g. Identity's security stamp claim).
    /// When unset, or the principal has no such claim, the registered <see cref="ITesseraCheckValueProvider"/> is asked.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? CheckValueClaimType { get; set; }

    /// <summary>
    /// Whether <c>SignInAsync</c> also issues the auth_tkt SSO ticket (scheme <see cref="AuthTktScheme"/>) and
    /// <c>SignOutAsync</c> also clears it, so a user signs in once for this site and the Apache sites.
    /// </summary>
    /// <value>The default is <see langword="null"/>: yes when the <see cref="AuthTktScheme"/> scheme is registered.</value>
    public bool? IssueAuthTktTicket { get; set; }

    /// <summary>The auth_tkt scheme whose ticket sign-in issues (see <see cref="IssueAuthTktTicket"/>).</summary>
    /// <value>The default is <see cref="AuthTktDefaults.AuthenticationScheme"/>.</value>
    public string AuthTktScheme { get; set; } = AuthTktDefaults.AuthenticationScheme;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrEmpty(ReturnUrlParameter))
        {
            throw new InvalidOperationException("TesseraAuthenticationOptions.ReturnUrlParameter must not be empty (the default is 'ReturnUrl').");
        }

        if (IssueAuthTktTicket == true && string.IsNullOrEmpty(AuthTktScheme))
        {
            throw new InvalidOperationException("TesseraAuthenticationOptions.AuthTktScheme must name the auth_tkt scheme when IssueAuthTktTicket is true.");
        }
    }
}
