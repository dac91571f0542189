using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Tessera.Fleet.Tests;

/// <summary>A browser of sorts: one cookie jar, used against any instance of the fleet (cookies ignore the port).</summary>
public sealed class FleetClient : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Dictionary<string, string> _cookies = [];

    /// <summary>A client holding the same cookies as this one (another tab of the same browser).</summary>
    public FleetClient Clone()
    {
        var clone = new FleetClient();
        lock (_cookies)
        {
            foreach (var (name, value) in _cookies)
            {
                clone._cookies[name] = value;
            }
        }

        return clone;
    }

    /// <summary>The cookies held, for checks that they survive.</summary>
    public IReadOnlyDictionary<string, string> Cookies
    {
        get
        {
            lock (_cookies)
            {
                return new Dictionary<string, string>(_cookies);
            }
        }
    }

    /// <summary><c>POST /api/login</c>.</summary>
    public async Task<HttpStatusCode> LoginAsync(DemoInstance on, string user, string password)
    {
        using var response = await SendAsync(HttpMethod.Post, on, "api/login", JsonContent.Create(new { user, password }));
        return response.StatusCode;
    }

    /// <summary><c>POST /api/password</c>.</summary>
    public async Task<HttpStatusCode> ChangePasswordAsync(DemoInstance on, string oldPassword, string newPassword)
    {
        using var response = await SendAsync(HttpMethod.Post, on, "api/password", JsonContent.Create(new { old = oldPassword, @new = newPassword }));
        return response.StatusCode;
    }

    /// <summary><c>POST /api/logout</c>.</summary>
    public async Task<HttpStatusCode> LogoutAsync(DemoInstance on)
    {
        using var response = await SendAsync(HttpMethod.Post, on, "api/logout", null);
        return response.StatusCode;
    }

    /// <summary><c>PUT /api/session/data/{key}</c> with a JSON value.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PutAsync(DemoInstance on, string key, JsonNode value)
    {
        using var response = await SendAsync(HttpMethod.Put, on, "api/session/data/" + Uri.EscapeDataString(key), new StringContent(value.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary><c>GET /api/session</c>: the status, and on 200 the user (null when anonymous) and data.</summary>
    public async Task<SessionView> GetSessionAsync(DemoInstance on)
    {
        using var response = await SendAsync(HttpMethod.Get, on, "api/session", null);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new SessionView(response.StatusCode, null, null, body);
        }

        var json = JsonNode.Parse(body)!.AsObject();
        return new SessionView(response.StatusCode, json["user"]?.GetValue<string>(), json["data"]?.AsObject(), body);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient is shared; nothing to release per client.
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, DemoInstance on, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, new Uri(on.BaseAddress, path)) { Content = content };
        lock (_cookies)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
        }

        var response = await Http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            lock (_cookies)
            {
                foreach (var header in setCookies)
                {
                    var pair = header.Split(';')[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    var name = pair[..eq].Trim();
                    var value = pair[(eq + 1)..].Trim();
                    var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || header.Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
                    if (value.Length == 0 || expired)
                    {
                        _cookies.Remove(name);
                    }
                    else
                    {
                        _cookies[name] = value;
                    }
                }
            }
        }

        return response;
    }
}

/// <summary>What <c>GET /api/session</c> answered.</summary>
public sealed record SessionView(HttpStatusCode Status, string? User, JsonObject? Data, string Body);
