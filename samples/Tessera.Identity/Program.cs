using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tessera.AspNetCore;
using Tessera.Identity;
using Tessera.Sqlite;

// appsettings.json and the page are read from beside the program; both databases go to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Zero configuration in Development: without Tessera:Secrets, Tessera generates a development secret (kept in the
// user's local app data) and warns; any other environment refuses to start without one of its own.
builder.Services.AddTessera().AddSqliteStore();
builder.Services.AddDbContext<IdentityDb>(o => o.UseSqlite(builder.Configuration.GetConnectionString("Identity")));
builder.Services.AddAuthorization();
builder.Services.AddIdentityApiEndpoints<IdentityUser>()
    .AddEntityFrameworkStores<IdentityDb>()
    .AddTesseraTicketStore();          // Identity's cookie keeps its ticket in Tessera's store; a password change signs the other devices out
// Identity's own periodic stamp check (default every 30 minutes) still runs; Identity:SecurityStamp:ValidationInterval sets it.
builder.Services.Configure<SecurityStampValidatorOptions>(builder.Configuration.GetSection("Identity:SecurityStamp"));

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<IdentityDb>().Database.EnsureCreated();
}

app.Use(async (context, next) =>
{
    if (CrossSiteGuard.IsCrossSite(context.Request))
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.Response.WriteAsJsonAsync(new { error = "cross-site request refused" });
        return;
    }

    await next(context);
});
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

// /register, /login (?useCookies=true for the cookie), /manage/info (a newPassword changes the password), ...
app.MapIdentityApi<IdentityUser>();

app.MapGet("/api/me", (HttpContext context) => Results.Ok(new { user = context.User.Identity!.Name }))
    .RequireAuthorization();

app.MapGet("/api/devices", async (HttpContext context, TesseraTicketSessions sessions) =>
    (await sessions.ListAsync(context, context.RequestAborted)).Select(s => new
    {
        id = s.Fingerprint,
        current = s.IsCurrent,
        created = s.CreatedAt,
        last_seen = s.LastSeenAt,
        ip = s.ClientIp,
        user_agent = s.UserAgent,
    })).RequireAuthorization();

app.MapPost("/api/devices/revoke-others", async (HttpContext context, TesseraTicketSessions sessions) =>
    Results.Ok(new { revoked = await sessions.RevokeOthersAsync(context, context.RequestAborted) })).RequireAuthorization();

app.MapPost("/api/devices/{id}/revoke", async (string id, HttpContext context, TesseraTicketSessions sessions) =>
    await sessions.RevokeAsync(context, id, context.RequestAborted) ? Results.NoContent() : Results.NotFound()).RequireAuthorization();

app.MapPost("/logout", async (SignInManager<IdentityUser> signIn) =>
{
    await signIn.SignOutAsync();   // cookie authentication removes the ticket from Tessera's store: a replayed cookie is anonymous
    return Results.NoContent();
}).RequireAuthorization();

app.Run();
