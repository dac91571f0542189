using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
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
builder.Services.AddAntiforgery(options => options.SuppressXFrameOptionsHeader = true); // frame-ancestors below says more
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
app.UseAuthorization();
app.UseRateLimiter();
app.Use(async (context, next) =>
{
    // A page request from a browser that was signed out elsewhere: say why, once.
    if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/_authtkt")
        && await SessionEndNotice.EndedAsync(context, Users(context)) is { } ended)
    {
        context.Response.Redirect("/?m=" + ended);
        return;
    }

    await next(context);
});

app.MapHealthChecks("/health").WithoutTesseraSession();
app.MapAuthTktRefresh();
app.MapAuthTktRemoval();

// ---- HTML pages: every form posts to this group, which checks its antiforgery token ----
var forms = app.MapGroup("").DisableAntiforgery().AddEndpointFilter(async (invocation, next) =>
    await invocation.HttpContext.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(invocation.HttpContext)
        ? await next(invocation)
        : Refuse(invocation.HttpContext, StatusCodes.Status400BadRequest, "the form's antiforgery token is missing or stale: reload the page and try again"));

app.MapGet("/", (HttpContext context, IAntiforgery af, IOptions<DemoOptions> demo, string? m) =>
    Html(Pages.Home(context, af, context.GetTesseraSession(), m, demo.Value.ShowCredentials ? demo.Value.Users : null)));

forms.MapPost("/login", async (HttpContext context, [FromForm] string? user, [FromForm] string? password) =>
{
    var result = await DemoSignIn.SignInAsync(context, user, password);
    return result.Status switch
    {
        DemoSignInStatus.SignedIn => Results.Redirect("/?m=signed-in"),
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
    var session = context.GetTesseraSession();
    if (session.UserId is not null)
    {
        await session.RevokeAllAsync(context.RequestAborted);
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

app.MapGet("/sessions", async (HttpContext context, IAntiforgery af, string? m) =>
{
    var session = context.GetTesseraSession();
    return session.UserId is { } user
        ? Html(Pages.Sessions(context, af, user, await session.ListUserSessionsAsync(context.RequestAborted), m))
        : SignInFirst();
});

forms.MapPost("/sessions/revoke", async (HttpContext context, [FromForm] string? id) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is null)
    {
        return SignInFirst();
    }

    var revoked = id is not null && await session.RevokeAsync(id, context.RequestAborted);
    return Results.Redirect(revoked ? "/sessions?m=revoked" : "/sessions?m=nothing-revoked");
});

forms.MapPost("/sessions/revoke-others", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    if (session.UserId is null)
    {
        return SignInFirst();
    }

    await session.RevokeOthersAsync(context.RequestAborted);
    return Results.Redirect("/sessions?m=revoked-others");
});

app.MapGet("/password", (HttpContext context, IAntiforgery af, string? m) =>
    context.GetTesseraSession().UserId is { } user ? Html(Pages.Password(context, af, user, m)) : SignInFirst());

forms.MapPost("/password", async (HttpContext context, [FromForm(Name = "old")] string? oldPassword, [FromForm(Name = "new")] string? newPassword) =>
    await DemoSignIn.ChangePasswordAsync(context, oldPassword, newPassword) switch
    {
        StatusCodes.Status204NoContent => Results.Redirect("/password?m=password-changed"),
        StatusCodes.Status401Unauthorized => SignInFirst(),
        _ => Results.Redirect("/password?m=password-refused"),
    });

app.MapGet("/ticket", async (HttpContext context) =>
{
    if (context.GetTesseraSession().UserId is not { } user)
    {
        return SignInFirst();
    }

    // The ticket's fields, never its value: the cookie is HttpOnly so that no page or script can leak it.
    var result = await context.AuthenticateAsync(AuthTktDefaults.AuthenticationScheme);
    return Html(Pages.Ticket(user, result.Succeeded ? result.Principal : null));
});

// ---- JSON API (a contract for scripted checks: keep it stable) ----
var deepJson = new System.Text.Json.JsonSerializerOptions { MaxDepth = Tessera.Cookies.JsonLimits.MaxDepth + 2 };
app.MapPost("/api/login", async (HttpContext context, LoginRequest body) =>
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

app.MapPost("/api/logout", async (HttpContext context) =>
{
    await DemoSignIn.SignOutAsync(context);
    return Results.NoContent();
});

app.MapGet("/api/me", (HttpContext context) =>
    context.GetTesseraSession().UserId is { } user ? Results.Ok(new JsonObject { ["user"] = user }) : NotSignedIn());

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
        return NotSignedIn();
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
            ["device"] = DeviceNames.Describe(s.UserAgent),
        });
    }

    return Results.Json(list);
});

app.MapPost("/api/sessions/revoke-others", async (HttpContext context) =>
{
    var session = context.GetTesseraSession();
    return session.UserId is null
        ? NotSignedIn()
        : Results.Json(new JsonObject { ["revoked"] = await session.RevokeOthersAsync(context.RequestAborted) });
});

app.MapPost("/api/password", async (HttpContext context, PasswordRequest body) =>
    await DemoSignIn.ChangePasswordAsync(context, body.Old, body.New) switch
    {
        StatusCodes.Status204NoContent => Results.NoContent(),
        StatusCodes.Status401Unauthorized => NotSignedIn(),
        _ => Refuse(context, StatusCodes.Status403Forbidden, "wrong current password or empty new one"),
    });

app.Run();

static DemoUsers Users(HttpContext context) => context.RequestServices.GetRequiredService<DemoUsers>();

static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

static IResult SignInFirst() => Results.Redirect("/?m=sign-in-first");

static IResult NotSignedIn() => Results.Json(new JsonObject { ["error"] = "not signed in" }, statusCode: StatusCodes.Status401Unauthorized);

// An error answer: {"error": ...} under /api, a short page elsewhere.
static IResult Refuse(HttpContext context, int status, string message) => context.Request.Path.StartsWithSegments("/api")
    ? Results.Json(new JsonObject { ["error"] = message }, statusCode: status)
    : Results.Content(Pages.Plain("Refused", char.ToUpperInvariant(message[0]) + message[1..] + "."), "text/html; charset=utf-8", statusCode: status);

/// <summary>The entry point, public so tests can start the demo with WebApplicationFactory.</summary>
public partial class Program;
