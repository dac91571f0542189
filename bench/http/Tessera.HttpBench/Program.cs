using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Tessera.AspNetCore;
using Tessera.HttpBench;
using Tessera.Sqlite;

// One small Kestrel app per benchmark case, chosen by the first argument; bench/http/run.sh drives each with wrk.
//   GET /init  creates the session (or signs in) and answers with its cookie
//   GET /work  reads and writes the session (session cases) or reads the login (auth cases)
//   GET /read  reads the session without changing it (session cases; cookies.lua's "mix" sends 9 of these per /work)
//   GET /plain touches nothing; GET /skipped (tessera-untouched) is marked WithoutTesseraSession()
//   GET /secure (auth cases) an endpoint that requires authorization, as [Authorize] does
var mode = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Tessera.HttpBench <mode> --urls http://127.0.0.1:PORT");
var builder = WebApplication.CreateBuilder(args[1..]);
builder.Logging.ClearProviders();
var secret = SessionBenchApp.Secret;
var dataDir = Path.Combine(Path.GetTempPath(), "tessera-httpbench-" + Environment.ProcessId);
var untouched = mode is "tessera-untouched" or "tessera-sqlite-untouched";
var session = SessionBenchApp.AddSessions(builder.Services, mode, dataDir);

switch (mode)
{
    case "bare":
        break;
    case "authtkt":
        builder.Services.AddAuthentication(AuthTktDefaults.AuthenticationScheme).AddAuthTkt(o =>
        {
            o.Secrets.Add(secret);
            o.Secure = false;
            o.IgnoreIp = true;
        });
        builder.Services.AddAuthorization();
        break;
    case "tessera-scheme":
        // The Tessera authentication scheme over a server-mode session in memory; /secure is [Authorize]-protected.
        builder.Services.AddTessera(o =>
        {
            o.Secrets.Add(secret);
            o.Cookie.SecurePolicy = CookieSecurePolicy.None;
            o.Store.Provider = "Memory";
        });
        builder.Services.AddAuthentication(TesseraDefaults.AuthenticationScheme).AddTessera();
        builder.Services.AddAuthorization();
        break;
    case "cookie-auth":
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
        builder.Services.AddAuthorization();
        break;
    case "cookie-ticketstore-memory":
    case "cookie-ticketstore-sqlite":
        // Cookie authentication whose tickets live in Tessera's store (AddTesseraTicketStore).
        Directory.CreateDirectory(dataDir);
        builder.Services.AddTessera(o =>
        {
            o.Secrets.Add(secret);
            o.Store.Provider = mode == "cookie-ticketstore-sqlite" ? "Sqlite" : "Memory";
            o.Store.ConnectionString = mode == "cookie-ticketstore-sqlite" ? "Data Source=" + Path.Combine(dataDir, "bench.db") : null;
        }).AddSqliteStore();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None)
            .AddTesseraTicketStore();
        builder.Services.AddAuthorization();
        break;
    default:
        if (!session)
        {
            throw new ArgumentException($"unknown mode '{mode}'");
        }

        break;
}

var app = builder.Build();
var auth = mode is "authtkt" or "cookie-auth" or "cookie-ticketstore-memory" or "cookie-ticketstore-sqlite" or "tessera-scheme";
if (session)
{
    SessionBenchApp.UseSessions(app, mode);
}
else if (mode == "tessera-scheme")
{
    app.UseTessera();
}

if (auth)
{
    app.UseAuthentication();
    app.UseAuthorization();
}

app.MapGet("/plain", () => "ok");
if (untouched)
{
    app.MapGet("/skipped", () => "ok").WithoutTesseraSession();
}
if (session)
{
    app.MapGet("/init", async (HttpContext c) =>
    {
        await SessionBenchApp.InitAsync(c);
        return "ok";
    });
    app.MapGet("/work", async (HttpContext c) =>
    {
        await SessionBenchApp.WorkAsync(c);
        return "ok";
    });
    app.MapGet("/read", async (HttpContext c) => await SessionBenchApp.ReadAsync(c) ? "ok" : "missing");
}
else if (auth)
{
    app.MapGet("/init", async (HttpContext c) =>
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "bench-user"), new Claim(ClaimTypes.Name, "bench-user"), new Claim(ClaimTypes.Role, "staff")], "bench");
        await c.SignInAsync(new ClaimsPrincipal(identity));
        return "ok";
    });
    app.MapGet("/work", (HttpContext c) => c.User.Identity?.IsAuthenticated == true ? Results.Text(c.User.Identity.Name) : Results.Unauthorized());
    app.MapGet("/secure", (HttpContext c) => Results.Text(c.User.Identity!.Name)).RequireAuthorization();
}
else
{
    app.MapGet("/work", () => "ok");
}

app.Lifetime.ApplicationStopped.Register(() =>
{
    try
    {
        Directory.Delete(dataDir, recursive: true);
    }
    catch (IOException)
    {
    }
    catch (UnauthorizedAccessException)
    {
    }
});
app.Run();
