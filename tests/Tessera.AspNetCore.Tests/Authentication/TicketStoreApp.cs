using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>Plain cookie authentication with the Tessera ticket store on a real Kestrel socket.</summary>
internal static class TicketStoreApp
{
    public const string CookieName = ".AspNetCore.Cookies";

    /// <summary>A claim large enough that a cookie holding the whole ticket would be several kilobytes.</summary>
    public static readonly string BigClaim = "profile-" + new string('x', 3000);

    public static Task<TestApp> StartAsync(SwitchableStore store) => TestApp.StartAsync(
        builder =>
        {
            builder.Services.AddSingleton<ISessionStore>(store);
            builder.Services.AddTessera();
            builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(o => o.Events.OnRedirectToLogin = c =>
                {
                    c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                })
                .AddTesseraTicketStore();
            builder.Services.AddAuthorization();
        },
        app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapPost("/login/{user}", async (HttpContext context, string user) =>
            {
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim("profile", BigClaim)], "test");
                await context.SignInAsync(new ClaimsPrincipal(identity));
            });
            app.MapPost("/logout", (HttpContext context) => context.SignOutAsync()).RequireAuthorization();
            app.MapGet("/me", (ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)).RequireAuthorization();
            app.MapGet("/devices", async (HttpContext context, TesseraTicketSessions sessions) =>
                (await sessions.ListAsync(context)).Select(s => new { id = s.Fingerprint, current = s.IsCurrent })).RequireAuthorization();
            app.MapPost("/devices/revoke-others", async (HttpContext context, TesseraTicketSessions sessions) =>
                new { revoked = await sessions.RevokeOthersAsync(context) }).RequireAuthorization();
        },
        TestApp.Settings(("Tessera:Store:Provider", null)));
}
