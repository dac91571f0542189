using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tessera.AspNetCore;

/// <summary>
/// plone.session's ticket upkeep, the ASP.NET way: a refresh endpoint that re-issues the ticket when due and paces
/// browsers with <c>Cache-Control: private, max-age</c> while it has nothing new (plus a tiny script that polls it
/// while the user is active), and a
/// removal endpoint that clears the ticket (so one sign-out page can clear the login on several domains, e.g. with
/// an <c>&lt;img src="https://other.example/_authtkt/remove"&gt;</c> per domain).
/// </summary>
public static class AuthTktEndpointRouteBuilderExtensions
{
    private const string Script = """
        (function(){var u=document.currentScript&&document.currentScript.dataset.refresh||"__PATH__",n=__SECONDS__*1000,last=0,active=false;
        function poll(){if(!active||Date.now()-last<n)return;active=false;last=Date.now();fetch(u,{credentials:"same-origin"}).catch(function(){});}
        ["mousemove","keydown","scroll","touchstart"].forEach(function(e){addEventListener(e,function(){active=true;},{passive:true});});
        setInterval(poll,Math.min(n,60000));})();
        """;

    /// <summary>
    /// Maps <c>GET {pattern}</c>: 204 when the ticket is valid, 401 otherwise. In an application with Tessera sessions,
    /// also 401 (and the ticket cleared) unless the request's session is signed in as the ticket's user: the ticket is
    /// refreshed only for a live session, never for a ticket alone (see <c>docs/authentication.md</c>). A 204 that re-issues the ticket (a
    /// Set-Cookie) carries <c>Cache-Control: no-cache, no-store</c>, as every response that sets a ticket cookie: a cached
    /// copy would replay an old Set-Cookie or, in a shared cache, hand the ticket to someone else. A 204 with nothing new
    /// carries <c>Cache-Control: private, max-age=</c><see cref="AuthTktOptions.RefreshInterval"/>, which paces the
    /// browser and which no shared cache may store. Also maps <c>GET {pattern}.js</c>, a script that calls it at that
    /// pace while the user is active (for short timeouts).
    /// </summary>
    /// <returns>The route builder, for chaining.</returns>
    public static IEndpointRouteBuilder MapAuthTktRefresh(this IEndpointRouteBuilder endpoints, string pattern = AuthTktDefaults.RefreshPath, string scheme = AuthTktDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(pattern, async (HttpContext context) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(scheme);
            var result = await context.AuthenticateAsync(scheme).ConfigureAwait(false);
            var withSessions = context.Features.Get<ITesseraSessionFeature>() is not null;
            if (!result.Succeeded || (withSessions && !AuthTktHandler.HasLiveSession(context, result.Principal!.FindFirstValue(ClaimTypes.NameIdentifier))))
            {
                // With Tessera sessions, a ticket lives only as long as a signed-in session of its user: one that has
                // none here (ended, or never there) is cleared, so the browser stops presenting it to Apache sites too.
                if (withSessions && !result.None)
                {
                    await context.SignOutAsync(scheme).ConfigureAwait(false);
                }

                CookieHeader.DisableCaching(context.Response);
                return Results.Unauthorized();
            }

            // A re-issued ticket already made the answer uncacheable; only an answer without a Set-Cookie paces the browser.
            if (!context.Items.ContainsKey(AuthTktHandler.RefreshedKey))
            {
                context.Response.Headers.CacheControl = "private, max-age=" + ((long)options.EffectiveRefreshInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return Results.NoContent();
        });
        endpoints.MapGet(pattern + ".js", (HttpContext context) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(scheme);
            var seconds = ((long)options.EffectiveRefreshInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(Script.Replace("__PATH__", pattern, StringComparison.Ordinal).Replace("__SECONDS__", seconds, StringComparison.Ordinal), "text/javascript");
        });
        return endpoints;
    }

    /// <summary>Maps <c>GET</c> and <c>POST {pattern}</c>: clears the ticket cookie and answers 204 (<c>Cache-Control: no-cache, no-store</c>).</summary>
    /// <returns>The route builder, for chaining.</returns>
    public static IEndpointRouteBuilder MapAuthTktRemoval(this IEndpointRouteBuilder endpoints, string pattern = AuthTktDefaults.RemovalPath, string scheme = AuthTktDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Post], async (HttpContext context) =>
        {
            await context.SignOutAsync(scheme).ConfigureAwait(false);
            return Results.NoContent();
        }).DisableAntiforgery();
        return endpoints;
    }

    /// <summary>
    /// Maps <c>GET {pattern}</c>, a login service for other sites (plone.session's external login form, IIS's
    /// <c>login.asp</c>): for a user authenticated by one of <see cref="AuthTktLoginOptions.AuthenticationSchemes"/>, issues
    /// the auth_tkt ticket (give <see cref="AuthTktOptions.CookieDomain"/> the domain the sites share) and redirects (302) to
    /// the <c>next</c> query parameter when it is a local path or on one of <see cref="AuthTktOptions.AllowedSites"/>, else to
    /// <see cref="AuthTktOptions.DefaultNext"/>. An anonymous user is challenged first and comes back here with the same
    /// query. A ticket alone never signs a user in here: auth_tkt schemes are refused as authentication schemes.
    /// </summary>
    /// <returns>The endpoint, for further conventions.</returns>
    public static IEndpointConventionBuilder MapAuthTktLogin(this IEndpointRouteBuilder endpoints, string pattern, Action<AuthTktLoginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var login = new AuthTktLoginOptions();
        configure?.Invoke(login);
        ArgumentException.ThrowIfNullOrEmpty(login.TicketScheme, "TicketScheme");
        ArgumentException.ThrowIfNullOrEmpty(login.NextParameter, "NextParameter");
        return endpoints.MapGet(pattern, async (HttpContext context) =>
        {
            var schemes = await SchemesAsync(context, login).ConfigureAwait(false);
            System.Security.Claims.ClaimsPrincipal? user = null;
            foreach (var scheme in schemes)
            {
                var result = await context.AuthenticateAsync(scheme).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    user = result.Principal;
                    break;
                }
            }

            if (user is null)
            {
                // Back to this very URL (a local one) once signed in.
                var back = (context.Request.PathBase + context.Request.Path + context.Request.QueryString).ToString();
                await context.ChallengeAsync(schemes.Count > 0 ? schemes[0] : null, new AuthenticationProperties { RedirectUri = back }).ConfigureAwait(false);
                return;
            }

            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(login.TicketScheme);
            await context.SignInAsync(login.TicketScheme, user).ConfigureAwait(false);
            context.Response.Redirect(options.ResolveNext(context.Request.Query[login.NextParameter].ToString()) ?? options.DefaultNext);
        });
    }

    // The configured schemes, or the default authenticate scheme; never an auth_tkt scheme (a ticket must not renew itself).
    private static async Task<IReadOnlyList<string>> SchemesAsync(HttpContext context, AuthTktLoginOptions login)
    {
        var provider = context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        var names = login.AuthenticationSchemes.Count > 0
            ? [.. login.AuthenticationSchemes]
            : (await provider.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false))?.Name is { } fallback ? [fallback] : new List<string>();
        foreach (var name in names)
        {
            var scheme = await provider.GetSchemeAsync(name).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"MapAuthTktLogin: no authentication scheme '{name}' is registered; list registered schemes in AuthTktLoginOptions.AuthenticationSchemes.");
            if (scheme.HandlerType == typeof(AuthTktHandler))
            {
                throw new InvalidOperationException($"MapAuthTktLogin cannot authenticate users with the auth_tkt scheme '{name}': a ticket would renew itself forever. "
                    + "List the schemes that really sign users in (e.g. Tessera, Negotiate, OpenIdConnect) in AuthTktLoginOptions.AuthenticationSchemes.");
            }
        }

        return names;
    }
}
