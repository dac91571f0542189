using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Tickets;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>An application using the auth_tkt scheme: /signin issues, /me shows the principal, /signout clears.</summary>
public static class AuthTktApp
{
    public const string Secret = "auth-tkt-shared-secret-for-tests";

    /// <summary>Starts the app on <paramref name="url"/> (e.g. <c>http://[::1]:0</c> for an IPv6 client); <paramref name="logs"/> collects its log lines.</summary>
    public static Task<TestApp> StartAsync(Action<AuthTktOptions>? configure = null, string url = "http://127.0.0.1:0", ILoggerProvider? logs = null) =>
        TestApp.StartAsync(
            b =>
            {
                b.WebHost.UseUrls(url);
                if (logs is not null)
                {
                    b.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
                }

                b.Services.AddAuthentication(AuthTktDefaults.AuthenticationScheme).AddAuthTkt(o =>
                {
                    o.Secrets.Add(Secret);
                    o.Scheme = TicketScheme.Sha512;
                    configure?.Invoke(o);
                });
                b.Services.AddAuthorization();
            },
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapPost("/signin/{user}", async (HttpContext c, string user) =>
                {
                    var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user) };
                    claims.AddRange(c.Request.Query["role"].Select(r => new Claim(ClaimTypes.Role, r!)));
                    if (c.Request.Query["data"].FirstOrDefault() is { } data)
                    {
                        claims.Add(new Claim(AuthTktDefaults.UserDataClaimType, data));
                    }

                    await c.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, "test")));
                    return "ok";
                });
                app.MapPost("/signout", async (HttpContext c) =>
                {
                    await c.SignOutAsync();
                    return "ok";
                });
                app.MapGet("/me", (HttpContext c) => new JsonObject
                {
                    ["id"] = c.User.FindFirstValue(ClaimTypes.NameIdentifier),
                    ["name"] = c.User.Identity!.Name,
                    ["roles"] = new JsonArray([.. c.User.FindAll(ClaimTypes.Role).Select(r => (JsonNode?)JsonValue.Create(r.Value))]),
                    ["data"] = c.User.FindFirstValue(AuthTktDefaults.UserDataClaimType),
                }.ToJsonString()).RequireAuthorization();
                app.MapAuthTktRefresh();
                app.MapAuthTktRemoval();
            });
}
