using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>An application exercising the session through <c>HttpContext.Session</c> and <see cref="ITesseraSession"/>.</summary>
public static class SessionApp
{
    public static Task<TestApp> StartAsync(
        Dictionary<string, string?> settings, Action<IServiceCollection>? services = null, Action<TesseraBuilder>? tessera = null,
        string url = "http://127.0.0.1:0", string? environment = null) =>
        TestApp.StartAsync(
            b =>
            {
                services?.Invoke(b.Services);
                var builder = b.Services.AddTessera();
                tessera?.Invoke(builder);
            },
            app =>
            {
                app.UseTessera();
                app.MapGet("/plain", () => "plain");
                app.MapGet("/skipped", (HttpContext c) => c.Features.Get<ITesseraSessionFeature>() is null ? "no session" : "session").WithoutTesseraSession();
                app.MapGet("/get/{key}", (HttpContext c, string key) => c.Session.GetString(key) ?? "(none)");
                app.MapPost("/set/{key}/{value}", (HttpContext c, string key, string value) =>
                {
                    c.Session.SetString(key, value);
                    return "ok";
                });
                app.MapPost("/bytes/{key}", (HttpContext c, string key) =>
                {
                    c.Session.Set(key, [0xFF, 0x00, 0x80]);
                    return "ok";
                });
                app.MapPost("/bytes/{key}/{hex}", (HttpContext c, string key, string hex) =>
                {
                    c.Session.Set(key, Convert.FromHexString(hex == "-" ? string.Empty : hex));
                    return c.Session.TryGetValue(key, out var v) ? Convert.ToHexString(v) : "(none)"; // read back in the same request
                });
                app.MapGet("/bytes/{key}", (HttpContext c, string key) => c.Session.TryGetValue(key, out var v) ? Convert.ToHexString(v) : "(none)");
                app.MapGet("/json/{key}", (HttpContext c, string key) =>
                    c.GetTesseraSession().TryGetValue(key, out var v) ? v?.ToJsonString() ?? "null" : "(none)");
                app.MapPost("/json/{key}", async (HttpContext c, string key) =>
                {
                    c.GetTesseraSession().SetValue(key, await JsonNode.ParseAsync(c.Request.Body));
                    return "ok";
                });
                app.MapPost("/signin/{user}", async (HttpContext c, string user) =>
                {
                    await c.GetTesseraSession().SignInAsync(user, c.Request.Query["check"].FirstOrDefault() ?? "v1");
                    return "ok";
                });
                app.MapPost("/signout", async (HttpContext c) =>
                {
                    await c.GetTesseraSession().SignOutAsync();
                    return "ok";
                });
                app.MapPost("/remember", (HttpContext c) =>
                {
                    if (c.GetTesseraSession() is not ITesseraSessionLifetime lifetime)
                    {
                        return "no per-session lifetime";
                    }

                    lifetime.SetLifetime(TimeSpan.FromDays(30), TimeSpan.FromDays(90));
                    return "ok";
                });
                app.MapPost("/rotate", async (HttpContext c) =>
                {
                    await c.GetTesseraSession().RotateAsync();
                    return "ok";
                });
                app.MapPost("/late/{key}/{value}", async (HttpContext c, string key, string value) =>
                {
                    // Changes the session after the response has started: the change cannot reach the client.
                    await c.Response.WriteAsync("started");
                    await c.Response.Body.FlushAsync();
                    c.Session.SetString(key, value);
                });
                app.MapPost("/catch-too-large/{key}/{length:int}", (HttpContext c, string key, int length) =>
                {
                    try
                    {
                        c.Session.SetString(key, new string('x', length));
                        return "stored";
                    }
                    catch (SessionTooLargeException e)
                    {
                        return $"{e.Size}|{e.Limit}|{e.OptionName}|{e.Message}";
                    }
                });
                app.MapPost("/size-of-bytes/{hex}", (HttpContext c, string hex) =>
                {
                    // The size a byte value is counted at, set through ISession and set as the same JSON node.
                    var bytes = Convert.FromHexString(hex);
                    return Counted(() => c.Session.Set("b", bytes)) + "|" + Counted(() => c.GetTesseraSession().SetValue("b", SessionValueCodec.ToJson(bytes)));

                    static string Counted(Action set)
                    {
                        try
                        {
                            set();
                            return "stored";
                        }
                        catch (SessionTooLargeException e)
                        {
                            return e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        }
                    }
                });
                app.MapGet("/capabilities", (HttpContext c) =>
                    (c.GetTesseraUserSessions() is null ? "no user sessions" : "user sessions") + "|"
                    + (c.GetTesseraSession() is ITesseraSessionLifetime ? "lifetime" : "no lifetime"));
                // Async lambdas of HttpContext alone would bind as RequestDelegate and drop the result: these take a token too.
                app.MapGet("/user-sessions", async (HttpContext c, CancellationToken ct) =>
                    string.Join(",", (await c.GetTesseraUserSessions()!.ListUserSessionsAsync(ct)).Select(s => s.Current ? s.Id + "*" : s.Id)));
                app.MapPost("/user-sessions/revoke/{id}", async (HttpContext c, string id) => (await c.GetTesseraUserSessions()!.RevokeAsync(id)).ToString());
                app.MapPost("/user-sessions/revoke-others", async (HttpContext c, CancellationToken ct) =>
                    (await c.GetTesseraUserSessions()!.RevokeOthersAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                app.MapPost("/user-sessions/revoke-all", async (HttpContext c, CancellationToken ct) =>
                    (await c.GetTesseraUserSessions()!.RevokeAllAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                app.MapPost("/every-member", async (HttpContext c) =>
                {
                    // Every member of ITesseraSession, in order: none may throw, in either mode.
                    var session = c.GetTesseraSession();
                    session.SetValue("a", 1);
                    await session.SignInAsync("alice", "v1");
                    await session.KeepLoginAsync("v2");
                    await session.RotateAsync();
                    var seen = $"{session.UserId}|{string.Join(",", session.Keys)}|{session.TryGetValue("a", out var a) && a!.GetValue<int>() == 1}";
                    session.Remove("a");
                    session.Clear();
                    await session.SignOutAsync();
                    return $"{seen}|{session.UserId ?? "(anonymous)"}";
                });
                app.MapGet("/whoami", (HttpContext c) => c.GetTesseraSession().UserId ?? "(anonymous)");
                app.MapPost("/throw", (HttpContext c) =>
                {
                    c.Session.SetString("before-throw", "yes");
                    throw new InvalidOperationException("endpoint failed");
                });
            },
            settings,
            url,
            environment);
}
