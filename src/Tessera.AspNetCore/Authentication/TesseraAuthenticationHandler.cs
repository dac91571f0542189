using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace Tessera.AspNetCore;

/// <summary>
/// The Tessera scheme: the principal is the signed-in Tessera session's (its claims sealed inside the session), sign-in
/// and sign-out go through the session (the same code as <see cref="ITesseraSession.SignInAsync"/>), and challenge and
/// forbid answer as cookie authentication does (401/403 for API requests, see <see cref="ApiRequest.Is"/>; otherwise a
/// redirect with a local-only return URL). The middleware has already signed out a session whose check value changed.
/// </summary>
internal sealed class TesseraAuthenticationHandler : SignInAuthenticationHandler<TesseraAuthenticationOptions>
{
    private readonly IAuthenticationSchemeProvider _schemes;

    /// <summary>Created by the authentication system.</summary>
    public TesseraAuthenticationHandler(IOptionsMonitor<TesseraAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, IAuthenticationSchemeProvider schemes)
        : base(options, logger, encoder)
    {
        _schemes = schemes;
    }

    /// <summary>The principal of the request's signed-in session; no result when anonymous or when the request has no session.</summary>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // A request that brought no session cookie has nothing to open: no session object is made for it.
        if (Context.Features.Get<ITesseraSessionFeature>() is not TesseraSessionFeature { IsMaterialized: true } feature
            || feature.Current.UserId is not { } userId)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var stored = feature.Current.SignedInPrincipal;
        var principal = TesseraClaims.ToPrincipal(userId, stored, Scheme.Name, ClaimsIssuer);
        var properties = new AuthenticationProperties { IsPersistent = TesseraClaims.IsPersistent(stored) };
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name)));
    }

    /// <summary>
    /// Signs <paramref name="user"/> in through the session: a new handle, the check value (from
    /// <see cref="TesseraAuthenticationOptions.CheckValueClaimType"/> or the <see cref="ITesseraCheckValueProvider"/>),
    /// the claims, <c>ExpiresUtc</c> as the session's end and <c>IsPersistent</c> as a cookie that outlives the browser
    /// session. With the auth_tkt scheme, the ticket is issued first: a refused ticket leaves nothing signed in, and a
    /// failed session sign-in takes the ticket's Set-Cookie back.
    /// </summary>
    protected override async Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        var session = SessionOf(Context, "sign in");
        var userId = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name;
        if (string.IsNullOrEmpty(userId))
        {
            throw new InvalidOperationException("The principal to sign in has no NameIdentifier or Name claim: add a NameIdentifier claim with the user id.");
        }

        var checkValue = await CheckValueAsync(user, userId).ConfigureAwait(false);
        var persistent = properties?.IsPersistent == true;
        var signIn = new SessionSignIn(userId, checkValue, TesseraClaims.ToJson(user, persistent), properties?.ExpiresUtc);
        var ticketScheme = await TicketSchemeAsync().ConfigureAwait(false);
        if (ticketScheme is null)
        {
            await session.SignInAsync(signIn, Context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await Context.SignInAsync(ticketScheme, user, properties).ConfigureAwait(false);
        try
        {
            await session.SignInAsync(signIn, Context.RequestAborted).ConfigureAwait(false);
        }
        catch
        {
            RemoveTicketCookie(ticketScheme);
            throw;
        }
    }

    /// <summary>Clears the auth_tkt ticket (when issued at sign-in) and ends the session: its record is deleted, its cookie cleared.</summary>
    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var session = SessionOf(Context, "sign out");
        if (await TicketSchemeAsync().ConfigureAwait(false) is { } ticketScheme)
        {
            await Context.SignOutAsync(ticketScheme).ConfigureAwait(false);
        }

        await session.SignOutAsync(Context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>401 for an API request; otherwise a redirect to <see cref="TesseraAuthenticationOptions.LoginPath"/>.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!Options.LoginPath.HasValue || ApiRequest.Is(Context))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        else
        {
            RedirectWithReturnUrl(Options.LoginPath, properties);
        }

        return Task.CompletedTask;
    }

    /// <summary>403 for an API request; otherwise a redirect to <see cref="TesseraAuthenticationOptions.AccessDeniedPath"/>.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (!Options.AccessDeniedPath.HasValue || ApiRequest.Is(Context))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        else
        {
            RedirectWithReturnUrl(Options.AccessDeniedPath, properties);
        }

        return Task.CompletedTask;
    }

    /// <summary>The request's session for a sign-in or sign-out; throws when <c>app.UseTessera()</c> did not run.</summary>
    internal static RequestSession SessionOf(HttpContext context, string action) =>
        (context.Features.Get<ITesseraSessionFeature>() as TesseraSessionFeature
            ?? throw new InvalidOperationException($"Cannot {action} with the Tessera scheme: the request has no Tessera session. Add app.UseTessera() before app.UseAuthentication() (and do not mark the endpoint WithoutTesseraSession()).")).Current;

    private void RedirectWithReturnUrl(PathString path, AuthenticationProperties? properties)
    {
        // Only a local URL goes back: RedirectUri set by the app if local, else this request's own URL (which a
        // request line such as "//evil.example/" can make non-local), else the site's root.
        var current = (OriginalPathBase + OriginalPath + Request.QueryString).ToString();
        var returnUrl = LocalUrl.IsLocal(properties?.RedirectUri) ? properties!.RedirectUri! : LocalUrl.IsLocal(current) ? current : "/";
        Response.Redirect(Request.PathBase + path + QueryString.Create(Options.ReturnUrlParameter, returnUrl));
    }

    private async ValueTask<string?> CheckValueAsync(ClaimsPrincipal user, string userId)
    {
        if (Options.CheckValueClaimType is { } claimType && user.FindFirst(claimType)?.Value is { } claimed)
        {
            return claimed;
        }

        if (Context.RequestServices.GetService<ITesseraCheckValueProvider>() is not { } provider)
        {
            return null;
        }

        return await provider.GetCheckValueAsync(userId, Context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidOperationException(
                "The ITesseraCheckValueProvider has no check value for the user being signed in (it returned null, which means the user does not exist), "
                + "so the session would be signed out at its next request. Sign in only users the provider knows.");
    }

    private async ValueTask<string?> TicketSchemeAsync()
    {
        if (Options.IssueAuthTktTicket == false)
        {
            return null;
        }

        var registered = await _schemes.GetSchemeAsync(Options.AuthTktScheme).ConfigureAwait(false) is not null;
        if (!registered && Options.IssueAuthTktTicket == true)
        {
            throw new InvalidOperationException($"TesseraAuthenticationOptions.IssueAuthTktTicket is true but no '{Options.AuthTktScheme}' scheme is registered: add AddAuthTkt(...) or set IssueAuthTktTicket to null.");
        }

        return registered ? Options.AuthTktScheme : null;
    }

    private void RemoveTicketCookie(string ticketScheme)
    {
        if (Response.HasStarted)
        {
            return;
        }

        var prefix = Context.RequestServices.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(ticketScheme).CookieName + "=";
        Response.Headers[HeaderNames.SetCookie] = Response.Headers[HeaderNames.SetCookie].Where(h => h is null || !h.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
    }
}
