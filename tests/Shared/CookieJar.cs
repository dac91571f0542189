using System.Net.Http.Headers;

namespace Tessera.TestSupport;

/// <summary>A minimal cookie jar that keeps raw values (no unescaping) so tests see exactly what the server sent.</summary>
public sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public string? this[string name] => _cookies.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, string> All => _cookies;

    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];

    public static string? SetCookie(HttpResponseMessage response, string name) =>
        SetCookies(response).FirstOrDefault(h => h.StartsWith(name + "=", StringComparison.Ordinal));

    public void Set(string name, string value) => _cookies[name] = value;

    public void Remove(string name) => _cookies.Remove(name);

    public void Update(HttpResponseMessage response)
    {
        foreach (var header in SetCookies(response))
        {
            var pair = header.Split(';')[0];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = pair[..eq];
            var value = pair[(eq + 1)..];
            var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || header.Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
            if (expired || value.Length == 0)
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }
    }

    public HttpRequestMessage Apply(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = Apply(new HttpRequestMessage(method, path) { Content = content });
        var response = await client.SendAsync(request);
        Update(response);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(HttpClient client, string path, HttpContent? content = null) => SendAsync(client, HttpMethod.Post, path, content);

    public static StringContent Json(string json) => new(json, new MediaTypeHeaderValue("application/json"));
}
