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
                if (withSessions && result.None is false)
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
}
