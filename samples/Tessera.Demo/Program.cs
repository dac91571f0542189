using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Tessera.AspNetCore;
using Tessera.Demo;
using Tessera.Keys;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sqlite;

// appsettings.json is read from beside the program; the database goes to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Zero configuration in Development: without Tessera:Secrets, Tessera generates a development secret (kept in the
// user's local app data, not here) and warns; any other environment refuses to start without a secret of its own.
// Every store the demo can run on is registered; Tessera:Store:Provider picks one (appsettings.json: Sqlite, the
// embedded default; a fleet sets Tessera__Store__Provider=PostgreSql or Redis and Tessera__Store__ConnectionString).
builder.Services.AddTessera()
    .AddSqliteStore()
    .AddPostgreSqlStore()
    .AddRedisStore();
builder.Services.AddHealthChecks().AddTesseraStoreHealthCheck();
builder.AddDemoTelemetry(); // Demo:Telemetry=console prints Tessera's metrics and spans (docs/telemetry.md)
builder.Services.AddAntiforgery();
builder.Services.AddAuthentication(AuthTktDefaults.AuthenticationScheme)
    .AddAuthTkt(builder.Configuration.GetSection("AuthTkt"));
builder.Services.AddOptions<AuthTktOptions>(AuthTktDefaults.AuthenticationScheme).PostConfigure<TesseraKeyring>((options, keyring) =>
{
    if (options.Secrets.Count == 0)
    {
        // Without AuthTkt:Secrets, a secret derived from Tessera's: fine for the demo alone; share a real one with Apache.
        options.Secrets.Add(Convert.ToHexStringLower(keyring.Keyring.DeriveKey(0, "tessera-demo/auth_tkt")));
    }
});
builder.Services.AddAuthorization();

builder.Services.AddSingleton(sp => new DemoUsers(
    builder.Configuration.GetSection("Demo:Users").Get<Dictionary<string, string>>() ?? [],
    sp.GetRequiredService<TesseraKeyring>().Keyring.DeriveKey(0, "tessera-demo/check-value")));
builder.Services.AddSingleton<ITesseraCheckValueProvider, DemoCheckValues>();

var app = builder.Build();

app.UseTessera();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealthChecks("/health").WithoutTesseraSession();
app.MapAuthTktRefresh();
app.MapAuthTktRemoval();

// ---- HTML pages ----
app.MapGet("/", (HttpContext context, IAntiforgery af, string? msg, string? err) =>
    Html(Pages.Home(context, af, context.GetTesseraSession(), msg ?? err, err is not null)));

app.MapPost("/login", async (HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm] string? user, [Microsoft.AspNetCore.Mvc.FromForm] string? password) =>
{
    try
    {
        return await SignInAsync(context, Users(context), user, password) ? Results.Redirect("/?msg=Signed+in") : Results.Redirect("/?err=Wrong+user+or+password");
    }
    catch (AuthTktSignInRefusedException)
    {
        return Results.Redirect("/?err=Sign-in+over+IPv6+is+refused+here");
    }
});

app.MapPost("/logout", async (HttpContext context) =>
{
    await SignOutAsync(context);
    return Results.Redirect("/?msg=Signed+out");
});

app.MapPost("/logout-everywhere", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is not null)
    {
        await session.RevokeAllAsync(context.RequestAborted);
    }

    await SignOutAsync(context);
    return Results.Redirect("/?msg=Signed+out+everywhere");
});

app.MapPost("/data", (HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm] string? key, [Microsoft.AspNetCore.Mvc.FromForm] string? value) =>
{
    if (string.IsNullOrEmpty(key))
    {
        return Results.Redirect("/?err=A+key+is+required");
    }

    context.GetTesseraSession().SetValue(key, JsonValue.Create(value ?? ""));
    return Results.Redirect("/?msg=Saved");
});

app.MapGet("/sessions", async (HttpContext context, IAntiforgery af, string? msg) =>
{
    var session = context.GetTesseraSession();
    return session.UserId is { } user
        ? Html(Pages.Sessions(context, af, user, await session.ListUserSessionsAsync(context.RequestAborted), msg))
        : Results.Redirect("/?err=Sign+in+first");
});

app.MapPost("/sessions/revoke", async (HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm] string? id) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is null)
    {
        return Results.Redirect("/?err=Sign+in+first");
    }

    var revoked = id is not null && await session.RevokeAsync(id, context.RequestAborted);
    return Results.Redirect(revoked ? "/sessions?msg=Revoked" : "/sessions?msg=Nothing+revoked");
});

app.MapPost("/sessions/revoke-others", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is null)
    {
        return Results.Redirect("/?err=Sign+in+first");
    }

    var n = await session.RevokeOthersAsync(context.RequestAborted);
    return Results.Redirect($"/sessions?msg=Revoked+{n}");
});

app.MapGet("/password", (HttpContext context, IAntiforgery af, string? msg, string? err) =>
    context.GetTesseraSession().UserId is { } user ? Html(Pages.Password(context, af, user, msg ?? err, err is not null)) : Results.Redirect("/?err=Sign+in+first"));

app.MapPost("/password", async (HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm(Name = "old")] string? oldPassword, [Microsoft.AspNetCore.Mvc.FromForm(Name = "new")] string? newPassword) =>
    await ChangePasswordAsync(context, Users(context), oldPassword, newPassword) switch
    {
        StatusCodes.Status204NoContent => Results.Redirect("/password?msg=Password+changed"),
        StatusCodes.Status401Unauthorized => Results.Redirect("/?err=Sign+in+first"),
        _ => Results.Redirect("/password?err=Wrong+current+password+or+empty+new+one"),
    });

app.MapGet("/ticket", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is not { } user)
    {
        return Results.Redirect("/?err=Sign+in+first");
    }

    var result = await context.AuthenticateAsync(AuthTktDefaults.AuthenticationScheme);
    var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AuthTktOptions>>().Get(AuthTktDefaults.AuthenticationScheme);
    context.Request.Cookies.TryGetValue(options.CookieName, out var cookie);
    JsonObject? fields = result.Succeeded
        ? new JsonObject
        {
            ["user"] = result.Principal!.FindFirstValue(ClaimTypes.NameIdentifier),
            ["tokens"] = new JsonArray([.. result.Principal!.FindAll(ClaimTypes.Role).Select(c => (JsonNode?)JsonValue.Create(c.Value))]),
            ["user_data"] = result.Principal!.FindFirstValue(AuthTktDefaults.UserDataClaimType),
        }
        : null;
    return Html(Pages.Ticket(user, result.Succeeded ? cookie : null, fields));
});

// ---- JSON API (a contract for scripted checks: keep it stable) ----
var deepJson = new System.Text.Json.JsonSerializerOptions { MaxDepth = Tessera.Cookies.JsonLimits.MaxDepth + 2 };
app.MapPost("/api/login", async (HttpContext context, LoginRequest body) =>
{
    try
    {
        return await SignInAsync(context, Users(context), body.User, body.Password)
            ? Results.Ok(new JsonObject { ["user"] = body.User })
            : Results.Json(new JsonObject { ["error"] = "wrong user or password" }, statusCode: StatusCodes.Status401Unauthorized);
    }
    catch (AuthTktSignInRefusedException)
    {
        // AuthTkt:IPv6Policy = RefuseSignIn and the client is IPv6: nothing was signed in.
        return Results.Json(new JsonObject { ["error"] = "sign-in over IPv6 is refused (AuthTkt:IPv6Policy)" }, statusCode: StatusCodes.Status403Forbidden);
    }
});

app.MapPost("/api/logout", async (HttpContext context) =>
{
    await SignOutAsync(context);
    return Results.NoContent();
});

app.MapGet("/api/session", (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    var data = new JsonObject();
    foreach (var key in session.Keys)
    {
        session.TryGetValue(key, out var value);
        data[key] = value?.DeepClone();
    }

    // Session values nest up to JsonLimits.MaxDepth levels, beyond the serializer's default of 64; this body adds two.
    var body = new JsonObject { ["user"] = session.UserId, ["data"] = data };
    return Results.Text(body.ToJsonString(deepJson), "application/json");
});

app.MapPut("/api/session/data/{key}", async (HttpContext context, string key) =>
{
    JsonNode? value;
    try
    {
        value = await JsonNode.ParseAsync(context.Request.Body, documentOptions: new() { MaxDepth = Tessera.Cookies.JsonLimits.MaxDepth }, cancellationToken: context.RequestAborted);
    }
    catch (System.Text.Json.JsonException)
    {
        return Results.Json(new JsonObject { ["error"] = "the body must be a JSON value" }, statusCode: StatusCodes.Status400BadRequest);
    }

    // Valid JSON can still be unstorable (a lone surrogate escape, a repeated name, too deep): refuse it here, with why.
    if (Tessera.Sessions.SessionJson.FindProblem(key, value) is { } problem)
    {
        return Results.Json(new JsonObject { ["error"] = $"not stored: {problem}" }, statusCode: StatusCodes.Status400BadRequest);
    }

    context.GetTesseraSession().SetValue(key, value);
    return Results.NoContent();
});

app.MapGet("/api/sessions", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is null)
    {
        return Results.Json(new JsonObject { ["error"] = "not signed in" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    var list = new JsonArray();
    foreach (var s in await session.ListUserSessionsAsync(context.RequestAborted))
    {
        list.Add(new JsonObject
        {
            ["id"] = s.Id,
            ["current"] = s.Current,
            ["created"] = s.Created,
            ["last_seen"] = s.LastSeen,
            ["ip"] = s.Ip,
            ["user_agent"] = s.UserAgent,
        });
    }

    return Results.Json(list);
});

app.MapPost("/api/sessions/revoke-others", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    return session.UserId is null
        ? Results.Json(new JsonObject { ["error"] = "not signed in" }, statusCode: StatusCodes.Status401Unauthorized)
        : Results.Json(new JsonObject { ["revoked"] = await session.RevokeOthersAsync(context.RequestAborted) });
});

app.MapPost("/api/password", async (HttpContext context, PasswordRequest body) =>
    await ChangePasswordAsync(context, Users(context), body.Old, body.New) switch
    {
        StatusCodes.Status204NoContent => Results.NoContent(),
        StatusCodes.Status401Unauthorized => Results.Json(new JsonObject { ["error"] = "not signed in" }, statusCode: StatusCodes.Status401Unauthorized),
        _ => Results.Json(new JsonObject { ["error"] = "wrong current password or empty new one" }, statusCode: StatusCodes.Status403Forbidden),
    });

app.Run();

static DemoUsers Users(HttpContext context) => context.RequestServices.GetRequiredService<DemoUsers>();

static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

static async Task<bool> SignInAsync(HttpContext context, DemoUsers users, string? user, string? password)
{
    if (!users.Verify(user, password))
    {
        return false;
    }

    // The ticket first: it only writes a header, and a refused ticket (AuthTktSignInRefusedException) then leaves no
    // signed-in session record behind. An exception in the session step discards the unsent headers with the 500.
    var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user!), new Claim(ClaimTypes.Role, "demo")], AuthTktDefaults.AuthenticationScheme);
    await context.SignInAsync(AuthTktDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    await context.GetTesseraSession().SignInAsync(user!, users.CheckValue(user!), context.RequestAborted);
    return true;
}

static async Task SignOutAsync(HttpContext context)
{
    await context.GetTesseraSession().SignOutAsync(context.RequestAborted);
    await context.SignOutAsync(AuthTktDefaults.AuthenticationScheme);
}

static async Task<int> ChangePasswordAsync(HttpContext context, DemoUsers users, string? oldPassword, string? newPassword)
{
    var session = context.GetTesseraSession();
    if (session.UserId is not { } user)
    {
        return StatusCodes.Status401Unauthorized;
    }

    if (oldPassword is null || newPassword is null || users.ChangePassword(user, oldPassword, newPassword) is not { } checkValue)
    {
        return StatusCodes.Status403Forbidden;
    }

    // The new check value fails every other session of the user at its next request; this one keeps its login.
    await session.KeepLoginAsync(checkValue, context.RequestAborted);
    return StatusCodes.Status204NoContent;
}

/// <summary>The entry point, public so tests can start the demo with WebApplicationFactory.</summary>
public partial class Program;
