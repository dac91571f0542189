using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>ISession and ITesseraSession setters refuse at once what could not be saved and read back, in both modes.</summary>
public sealed class SessionSetterValidationTests
{
    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Setters_UnstorableKeyOrValue_ThrowArgumentExceptionAndTheRequestStillSaves(string mode)
    {
        await using var app = await TestApp.StartAsync(
            b => b.Services.AddTessera(),
            web =>
            {
                web.UseTessera();
                web.MapPost("/try", (HttpContext c) =>
                {
                    var session = c.GetTesseraSession();
                    string Refusal(Action set)
                    {
                        try
                        {
                            set();
                            return "stored";
                        }
                        catch (ArgumentException e)
                        {
                            return e.Message;
                        }
                    }

                    // Lone surrogates are built here: they must not pass through any text encoding first.
                    var results = new JsonArray(
                        Refusal(() => c.Session.Set("k\udc00", [1])),
                        Refusal(() => session.SetValue("k", "x\ud800")),
                        Refusal(() => session.SetValue("k", new JsonObject { ["\udc00"] = 1 })),
                        Refusal(() => session.SetValue("k", double.NaN)),
                        Refusal(() => session.SetValue("k", JsonNode.Parse(new string('[', 1000) + new string(']', 1000), documentOptions: new() { MaxDepth = 1000 }))));
                    session.SetValue("good", "😀");
                    return results.ToJsonString();
                });
                web.MapGet("/good", (HttpContext c) => c.GetTesseraSession().TryGetValue("good", out var v) ? v!.GetValue<string>() : "(none)");
                web.MapGet("/keys", (HttpContext c) => string.Join(",", c.GetTesseraSession().Keys));
            },
            TestApp.Settings(("Tessera:Mode", mode)));

        var jar = new CookieJar();
        using var response = await jar.PostAsync(app.Client, "/try");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains("key contains a lone UTF-16 surrogate", results[0], StringComparison.Ordinal);
        Assert.Contains("the value of 'k' has a string with a lone UTF-16 surrogate", results[1], StringComparison.Ordinal);
        Assert.Contains("property name with a lone UTF-16 surrogate", results[2], StringComparison.Ordinal);
        Assert.Contains("not finite", results[3], StringComparison.Ordinal);
        Assert.Contains("deeper than 999 levels", results[4], StringComparison.Ordinal);

        using var good = await jar.GetAsync(app.Client, "/good");
        Assert.Equal("😀", await good.Content.ReadAsStringAsync());
        using var keys = await jar.GetAsync(app.Client, "/keys");
        Assert.Equal("good", await keys.Content.ReadAsStringAsync());
    }
}
