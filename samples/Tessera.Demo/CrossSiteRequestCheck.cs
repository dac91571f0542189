namespace Tessera.Demo;

/// <summary>
/// Refuses state-changing requests (anything but GET, HEAD, OPTIONS, TRACE) that a browser marks as coming from another
/// site, with 403, as Go's <c>http.CrossOriginProtection</c> does: <c>Sec-Fetch-Site</c> must be <c>same-origin</c> or
/// <c>none</c> when sent; without it, an <c>Origin</c> header must name this host. Requests with neither header (curl,
/// scripts, old browsers) pass: they are not a browser acting on a user's cookies from another site, and HTML forms
/// are checked by antiforgery tokens besides.
/// </summary>
public static class CrossSiteRequestCheck
{
    /// <summary>Why the request is refused, or <see langword="null"/> when it may proceed.</summary>
    public static string? Problem(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return null;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none" ? null : $"Sec-Fetch-Site: {site}";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        // The scheme is not compared: behind a TLS-terminating proxy the request itself arrives over http.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : "Origin is another site";
    }
}
