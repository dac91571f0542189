namespace Tessera.Identity;

/// <summary>
/// Refuses state-changing requests (anything but GET, HEAD, OPTIONS) that a browser says come from another site: 403
/// when <c>Sec-Fetch-Site</c> is neither <c>same-origin</c> nor <c>none</c>, or, without it, when <c>Origin</c> is not
/// this site. The JSON endpoints take no antiforgery token, so this is their defence against cross-site requests
/// (the cookie is also SameSite=Lax). Requests without either header (curl, server-to-server) pass.
/// </summary>
public static class CrossSiteGuard
{
    public static bool IsCrossSite(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        string? site = request.Headers["Sec-Fetch-Site"];
        if (!string.IsNullOrEmpty(site))
        {
            return site is not ("same-origin" or "none");
        }

        string? origin = request.Headers.Origin;
        return !string.IsNullOrEmpty(origin)
            && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}
