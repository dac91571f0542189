using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Tickets;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>
/// An application authenticated by the Tessera scheme: <c>POST /login/{user}</c> signs in through
/// <c>HttpContext.SignInAsync</c> (query: <c>role</c>, <c>dept</c>, <c>stamp</c>, <c>persistent</c>, <c>days</c> and <c>minutes</c> from now as <c>ExpiresUtc</c>),
/// <c>POST /logout</c> signs out, <c>GET /me</c> is <c>[Authorize]</c>, <c>/admin</c> needs the admin role, <c>/editorial</c> a policy.
/// <c>/revoke-others</c>, <c>/revoke-all</c> and <c>/keep-login/{check}</c> call the session's own methods. With <c>authTkt</c>,
/// the auth_tkt scheme is registered too, <c>GET /ticket</c> needs a ticket, and the refresh and removal endpoints are mapped.
/// </summary>
public static class TesseraSchemeApp
{
    public const string TicketSecret = "auth-tkt-shared-secret-for-tests";

    public static Task<TestApp> StartAsync(
        string mode = "Server",
        Action<TesseraAuthenticationOptions>? configure = null,
        bool authTkt = false,
        Action<AuthTktOptions>? configureTicket = null,
        Action<IServiceCollection>? services = null,
        string url = "http://127.0.0.1:0",
        Action<WebApplication>? endpoints = null) =>
        TestApp.StartAsync(
            b =>
            {
                b.WebHost.UseUrls(url);
                services?.Invoke(b.Services);
                b.Services.AddTessera();
                var auth = b.Services.AddAuthentication(TesseraDefaults.AuthenticationScheme).AddTessera(configure);
                if (authTkt)
                {
                    auth.AddAuthTkt(o =>
                    {
                        o.Secrets.Add(TicketSecret);
                        o.Scheme = TicketScheme.Sha512;
                        o.Secure = false;
                        configureTicket?.Invoke(o);
                    });
                }

                b.Services.AddAuthorization(o => o.AddPolicy("Editorial", p => p.RequireClaim("dept", "editorial")));
            },
            app =>
            {
                app.UseTessera();
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapPost("/login/{user}", async (HttpContext c, string user) =>
                {
                    var q = c.Request.Query;
                    var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user) };
                    claims.AddRange(q["role"].Select(r => new Claim(ClaimTypes.Role, r!)));
                    claims.AddRange(q["dept"].Select(d => new Claim("dept", d!, ClaimValueTypes.String, "https://idp.example")));
                    claims.AddRange(q["stamp"].Select(s => new Claim("stamp", s!)));
                    var properties = new AuthenticationProperties { IsPersistent = q.ContainsKey("persistent") };
                    var now = c.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                    if (q["days"].FirstOrDefault() is { } days)
                    {
                        properties.ExpiresUtc = now.AddDays(int.Parse(days, System.Globalization.CultureInfo.InvariantCulture));
                    }

                    if (q["minutes"].FirstOrDefault() is { } minutes)
                    {
                        properties.ExpiresUtc = now.AddMinutes(int.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture));
                    }

                    await c.SignInAsync(TesseraDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, "password")), properties);
                    return "ok";
                });
                app.MapPost("/session-login/{user}", async (HttpContext c, string user) =>
                {
                    await c.GetTesseraSession().SignInAsync(user, c.Request.Query["check"].FirstOrDefault());
                    return "ok";
                });
                app.MapPost("/logout", async (HttpContext c) =>
                {
                    await c.SignOutAsync(TesseraDefaults.AuthenticationScheme);
                    return "ok";
                });
                app.MapPost("/set/{key}/{value}", (HttpContext c, string key, string value) =>
                {
                    c.Session.SetString(key, value);
                    return "ok";
                });
                app.MapGet("/me", [Authorize] (HttpContext c) => Describe(c.User));
                app.MapGet("/api/me", (HttpContext c) => Describe(c.User)).RequireAuthorization().DisableCookieRedirect();
                app.MapGet("/admin", [Authorize(Roles = "admin")] () => "admin area");
                app.MapGet("/editorial", () => "editorial").RequireAuthorization("Editorial");
                app.MapGet("/Account/Login", () => "login page");
                app.MapGet("/Account/AccessDenied", () => "access denied page");
                app.MapFallback(() => "fallback").RequireAuthorization();
                app.MapPost("/revoke-others", async (HttpContext c, CancellationToken ct) => (await c.GetTesseraUserSessions()!.RevokeOthersAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                app.MapPost("/revoke-all", async (HttpContext c, CancellationToken ct) => (await c.GetTesseraUserSessions()!.RevokeAllAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                app.MapPost("/keep-login/{check}", async (HttpContext c, string check) =>
                {
                    // A password change: the user's check value changes, and this session keeps its login.
                    if (c.RequestServices.GetService<ITesseraCheckValueProvider>() is MutableCheckValues checks)
                    {
                        checks.Values[c.GetTesseraSession().UserId!] = check;
                    }

                    await c.GetTesseraSession().KeepLoginAsync(check);
                    return "ok";
                });
                if (authTkt)
                {
                    app.MapGet("/ticket", (HttpContext c) => c.User.Identity!.Name)
                        .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AuthTktDefaults.AuthenticationScheme });
                    app.MapAuthTktRefresh();
                    app.MapAuthTktRemoval();
                }

                endpoints?.Invoke(app);
            },
            TestApp.Settings(("Tessera:Mode", mode), ("Tessera:Cookie:SecurePolicy", "None")));

    private static string Describe(ClaimsPrincipal user) => new JsonObject
    {
        ["id"] = user.FindFirstValue(ClaimTypes.NameIdentifier),
        ["name"] = user.Identity!.Name,
        ["auth"] = user.Identity.AuthenticationType,
        ["roles"] = new JsonArray([.. user.FindAll(ClaimTypes.Role).Select(r => (JsonNode?)JsonValue.Create(r.Value))]),
        ["dept"] = user.FindFirst("dept") is { } d ? new JsonArray(d.Value, d.Issuer) : null,
    }.ToJsonString();
}
