using System.Net;
using System.Text.Json;
using Tessera.TestSupport;

namespace Tessera.Identity.Tests.Support;

/// <summary>One browser of a user: its own cookie jar against the sample's JSON API, sending Origin as a browser's fetch does.</summary>
public sealed class Device(SampleServer server, string userAgent)
{
    public const string CookieName = ".AspNetCore.Identity.Application";

    public CookieJar Jar { get; } = new();

    public static async Task RegisterAsync(SampleServer server, string email, string password)
    {
        using var response = await new Device(server, "register").PostAsync("/register", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        await PostAsync("/login?useCookies=true", new { email, password });

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = Jar.Apply(new HttpRequestMessage(HttpMethod.Get, path));
        request.Headers.UserAgent.ParseAdd(userAgent);
        var response = await server.Client.SendAsync(request);
        Jar.Update(response);
        return response;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? origin = null)
    {
        using var request = Jar.Apply(new HttpRequestMessage(HttpMethod.Post, path) { Content = CookieJar.Json(JsonSerializer.Serialize(body ?? new { })) });
        request.Headers.UserAgent.ParseAdd(userAgent);
        request.Headers.Add("Origin", origin ?? server.Address.GetLeftPart(UriPartial.Authority));
        var response = await server.Client.SendAsync(request);
        Jar.Update(response);
        return response;
    }

    public async Task<JsonElement> DevicesAsync()
    {
        using var response = await GetAsync("/api/devices");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public async Task<HttpStatusCode> MeAsync()
    {
        using var response = await GetAsync("/api/me");
        return response.StatusCode;
    }
}
