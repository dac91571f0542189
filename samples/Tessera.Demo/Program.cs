using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
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
builder.Services.AddAntiforgery(options => options.SuppressXFrameOptionsHeader = true); // frame-ancestors below says more
// Sign-in is the Tessera scheme's: HttpContext.User comes from the signed-in session, and HttpContext.SignInAsync also
// issues the auth_tkt SSO ticket (the AuthTkt scheme is registered), SignOutAsync clears it. A page that needs a user
// sends the browser to the sign-in form on "/" with ?ReturnUrl=; the JSON API answers 401 instead.
builder.Services.AddAuthentication(TesseraDefaults.AuthenticationScheme)
    .AddTessera(options =>
    {
        options.LoginPath = "/";
        options.AccessDeniedPath = "";
    })
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
builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, DemoAuthorizationResultHandler>();

builder.Services.AddOptions<DemoOptions>().BindConfiguration("Demo")
    .Validate(o => o.LoginAttemptsPerClient > 0 && o.LoginAttemptsPerUser > 0, "Demo:LoginAttemptsPerClient and Demo:LoginAttemptsPerUser must be at least 1.")
    .Validate(o => o.LoginWindow > TimeSpan.Zero, "Demo:LoginWindow must be positive, such as 00:01:00.")
    .ValidateOnStart();
builder.Services.AddSingleton(sp => new DemoUsers(
    DemoUsers.DatabaseFor(sp.GetRequiredService<IOptions<DemoOptions>>().Value, builder.Configuration.GetSection("Tessera:Store").Get<TesseraStoreOptions>() ?? new()),
    sp.GetRequiredService<IOptions<DemoOptions>>().Value.Users,
    sp.GetRequiredService<TesseraKeyring>().Keyring.DeriveKey(0, "tessera-demo/check-value"),
    sp.GetService<TimeProvider>() ?? TimeProvider.System));
builder.Services.AddSingleton<ITesseraCheckValueProvider, DemoCheckValues>();
LoginThrottle.AddTo(builder.Services);

var app = builder.Build();
app.Services.GetRequiredService<DemoUsers>(); // creates the user table and the configured users now, not at the first request

app.Use(async (context, next) =>
{
    // No page of the demo may be framed (clickjacking); nothing is loaded from elsewhere.
    context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    context.Response.Headers.XFrameOptions = "DENY";
    context.Response.Headers.XContentTypeOptions = "nosniff";
    context.Response.Headers["Referrer-Policy"] = "same-origin";
    if (CrossSiteRequestCheck.Problem(context.Request) is { } problem)
    {
        await Refuse(context, StatusCodes.Status403Forbidden, $"cross-site request refused ({problem})").ExecuteAsync(context);
        return;
    }

    await next(context);
});
app.UseTessera();
app.UseAuthentication();
app.Use(async (context, next) =>
{
    // A page request from a browser that was signed out elsewhere: say why, once (before authorization sends it to sign in).
    if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/_authtkt")
        && await SessionEndNotice.EndedAsync(context, Users(context)) is { } ended)
    {
        context.Response.Redirect("/?m=" + ended);
        return;
    }

    await next(context);
});
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthChecks("/health").WithoutTesseraSession();
app.MapAuthTktRefresh();
app.MapAuthTktRemoval();
app.MapAuthTktLogin("/sso/login"); // the login service for other sites: AuthTkt:AllowedSites, AuthTkt:DefaultNext (docs/authentication.md)

// ---- HTML pages: every form posts to this group, which checks its antiforgery token ----
var forms = app.MapGroup("").DisableAntiforgery().AddEndpointFilter(async (invocation, next) =>
    await invocation.HttpContext.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(invocation.HttpContext)
        ? await next(invocation)
        : Refuse(invocation.HttpContext, StatusCodes.Status400BadRequest, "the form's antiforgery token is missing or stale: reload the page and try again"));

app.MapGet("/", (HttpContext context, IAntiforgery af, IOptions<DemoOptions> demo, string? m, string? returnUrl) =>
    Html(Pages.Home(context, af, UserOf(context), context.GetTesseraSession(), m ?? (returnUrl is null ? null : "sign-in-first"), returnUrl, demo.Value.ShowCredentials ? demo.Value.Users : null)));

forms.MapPost("/login", async (HttpContext context, [FromForm] string? user, [FromForm] string? password, [FromForm] string? returnUrl) =>
{
    var result = await DemoSignIn.SignInAsync(context, user, password);
    return result.Status switch
    {
        // Back where the browser was sent from, when that is a page of this site (never another site).
        DemoSignInStatus.SignedIn => Results.LocalRedirect(IsLocalPath(returnUrl) ? returnUrl! : "/?m=signed-in"),
        DemoSignInStatus.Throttled => LoginThrottle.TooManyAttempts(result.RetryAfter),
        DemoSignInStatus.RefusedIPv6 => Results.Redirect("/?m=ipv6-refused"),
        _ => Results.Redirect("/?m=wrong-password"),
    };
}).RequireRateLimiting(LoginThrottle.Policy);

forms.MapPost("/logout", async (HttpContext context) =>
{
    await DemoSignIn.SignOutAsync(context);
    return Results.Redirect("/?m=signed-out");
});

forms.MapPost("/logout-everywhere", async (HttpContext context) =>
{
    // In cookie mode there is no list to revoke (GetTesseraUserSessions is null): signing this browser out is all there is.
    if (UserOf(context) is not null && context.GetTesseraUserSessions() is { } users)
    {
        await users.RevokeAllAsync(context.RequestAborted);
    }

    await DemoSignIn.SignOutAsync(context);
    return Results.Redirect("/?m=signed-out-everywhere");
});

forms.MapPost("/data", (HttpContext context, [FromForm] string? key, [FromForm] string? value) =>
{
    if (string.IsNullOrEmpty(key))
    {
        return Results.Redirect("/?m=key-required");
    }

    context.GetTesseraSession().SetValue(key, JsonValue.Create(value ?? ""));
    return Results.Redirect("/?m=saved");
});

// ---- Pages and forms for a signed-in user only ----
var signedIn = app.MapGroup("").RequireAuthorization();
var signedInForms = forms.MapGroup("").RequireAuthorization();

signedIn.MapGet("/sessions", async (HttpContext context, IAntiforgery af, string? m) =>
    context.GetTesseraUserSessions() is { } users
        ? Html(Pages.Sessions(context, af, UserOf(context)!, await users.ListUserSessionsAsync(context.RequestAborted), m))
        : NoSessionList(context));

signedInForms.MapPost("/sessions/revoke", async (HttpContext context, [FromForm] string? id) =>
{
    if (context.GetTesseraUserSessions() is not { } users)
    {
        return NoSessionList(context);
    }

    var revoked = id is not null && await users.RevokeAsync(id, context.RequestAborted);
    return Results.Redirect(revoked ? "/sessions?m=revoked" : "/sessions?m=nothing-revoked");
});

signedInForms.MapPost("/sessions/revoke-others", async (HttpContext context) =>
{
    if (context.GetTesseraUserSessions() is not { } users)
    {
        return NoSessionList(context);
    }

    await users.RevokeOthersAsync(context.RequestAborted);
    return Results.Redirect("/sessions?m=revoked-others");
});

signedIn.MapGet("/password", (HttpContext context, IAntiforgery af, string? m) => Html(Pages.Password(context, af, UserOf(context)!, m)));

signedInForms.MapPost("/password", async (HttpContext context, [FromForm(Name = "old")] string? oldPassword, [FromForm(Name = "new")] string? newPassword) =>
    await DemoSignIn.ChangePasswordAsync(context, oldPassword, newPassword)
        ? Results.Redirect("/password?m=password-changed")
        : Results.Redirect("/password?m=password-refused"));

signedIn.MapGet("/ticket", async (HttpContext context) =>
{
    // The ticket's fields, never its value: the cookie is HttpOnly so that no page or script can leak it.
    var result = await context.AuthenticateAsync(AuthTktDefaults.AuthenticationScheme);
    return Html(Pages.Ticket(UserOf(context)!, result.Succeeded ? result.Principal : null));
});

// ---- JSON API (a contract for scripted checks: keep it stable); 401 {"error"} rather than a redirect ----
var deepJson = new System.Text.Json.JsonSerializerOptions { MaxDepth = Tessera.Cookies.JsonLimits.MaxDepth + 2 };
var api = app.MapGroup("/api").DisableCookieRedirect();
var signedInApi = api.MapGroup("").RequireAuthorization();

api.MapPost("/login", async (HttpContext context, LoginRequest body) =>
{
    var result = await DemoSignIn.SignInAsync(context, body.User, body.Password);
    return result.Status switch
    {
        DemoSignInStatus.SignedIn => Results.Ok(new JsonObject { ["user"] = body.User }),
        DemoSignInStatus.Throttled => LoginThrottle.TooManyAttempts(result.RetryAfter),
        DemoSignInStatus.RefusedIPv6 => Refuse(context, StatusCodes.Status403Forbidden, "sign-in over IPv6 is refused (AuthTkt:IPv6Policy)"),
        _ => Refuse(context, StatusCodes.Status401Unauthorized, "wrong user or password"),
    };
}).RequireRateLimiting(LoginThrottle.Policy);

api.MapPost("/logout", async (HttpContext context) =>
{
    await DemoSignIn.SignOutAsync(context);
    return Results.NoContent();
});

signedInApi.MapGet("/me", (HttpContext context) => Results.Ok(new JsonObject { ["user"] = UserOf(context) }));

api.MapGet("/session", (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    var data = new JsonObject();
    foreach (var key in session.Keys)
    {
        session.TryGetValue(key, out var value);
        data[key] = value?.DeepClone();
    }

    // Session values nest up to JsonLimits.MaxDepth levels, beyond the serializer's default of 64; this body adds two.
    var body = new JsonObject { ["user"] = UserOf(context), ["data"] = data };
    return Results.Text(body.ToJsonString(deepJson), "application/json");
});

api.MapPut("/session/data/{key}", async (HttpContext context, string key) =>
{
    JsonNode? value;
    try
    {
        value = await JsonNode.ParseAsync(context.Request.Body, documentOptions: new() { MaxDepth = Tessera.Cookies.JsonLimits.MaxDepth }, cancellationToken: context.RequestAborted);
    }
    catch (System.Text.Json.JsonException)
    {
        return Refuse(context, StatusCodes.Status400BadRequest, "the body must be a JSON value");
    }

    // Valid JSON can still be unstorable (a lone surrogate escape, a repeated name, too deep): refuse it here, with why.
    if (Tessera.Sessions.SessionJson.FindProblem(key, value) is { } problem)
    {
        return Refuse(context, StatusCodes.Status400BadRequest, $"not stored: {problem}");
    }

    context.GetTesseraSession().SetValue(key, value);
    return Results.NoContent();
});

signedInApi.MapGet("/sessions", async (HttpContext context) =>
{
    if (context.GetTesseraUserSessions() is not { } users)
    {
        return NoSessionList(context);
    }

    var list = new JsonArray();
    foreach (var s in await users.ListUserSessionsAsync(context.RequestAborted))
    {
        list.Add(new JsonObject
        {
            ["id"] = s.Id,
            ["current"] = s.Current,
            ["created"] = s.Created,
            ["last_seen"] = s.LastSeen,
            ["ip"] = s.Ip,
            ["user_agent"] = s.UserAgent,
            ["device"] = DeviceNames.Describe(s.UserAgent),
        });
    }

    return Results.Json(list);
});

signedInApi.MapPost("/sessions/revoke-others", async (HttpContext context) =>
{
    // A block body: an expression-bodied async lambda of HttpContext alone binds as a RequestDelegate and drops the result.
    if (context.GetTesseraUserSessions() is not { } users)
    {
        return NoSessionList(context);
    }

    var revoked = await users.RevokeOthersAsync(context.RequestAborted);
    return Results.Json(new JsonObject { ["revoked"] = revoked });
});

signedInApi.MapPost("/password", async (HttpContext context, PasswordRequest body) =>
    await DemoSignIn.ChangePasswordAsync(context, body.Old, body.New)
        ? Results.NoContent()
        : Refuse(context, StatusCodes.Status403Forbidden, "wrong current password or empty new one"));

app.Run();

static DemoUsers Users(HttpContext context) => context.RequestServices.GetRequiredService<DemoUsers>();

// The signed-in user, from the Tessera scheme's principal; null when anonymous.
static string? UserOf(HttpContext context) => context.User.FindFirstValue(ClaimTypes.NameIdentifier);

static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

// A path of this site ("/sessions"), never "//evil.example" or "/\\evil.example", which browsers read as another host.
static bool IsLocalPath(string? url) => url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

// An error answer: {"error": ...} under /api, a short page elsewhere.
static IResult Refuse(HttpContext context, int status, string message) => context.Request.Path.StartsWithSegments("/api")
    ? Results.Json(new JsonObject { ["error"] = message }, statusCode: status)
    : Results.Content(Pages.Plain("Refused", char.ToUpperInvariant(message[0]) + message[1..] + "."), "text/html; charset=utf-8", statusCode: status);

// Cookie mode (Tessera:Mode = Cookie) has no session list: a sealed cookie cannot be listed or revoked from the server.
static IResult NoSessionList(HttpContext context) =>
    Refuse(context, StatusCodes.Status404NotFound, "the session list needs server mode (Tessera:Mode = Server)");

/// <summary>The entry point, public so tests can start the demo with WebApplicationFactory.</summary>
public partial class Program;
