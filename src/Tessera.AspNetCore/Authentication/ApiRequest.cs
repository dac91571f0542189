using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Tessera.AspNetCore;

/// <summary>
/// Whether a challenge or forbid answers with a status code (an API client) or a redirect (a browser page), by cookie
/// authentication's rules plus one: see <see cref="Is"/>.
/// </summary>
internal static class ApiRequest
{
    private const string XmlHttpRequest = "XMLHttpRequest";

    /// <summary>
    /// An API request is one that (1) says <c>X-Requested-With: XMLHttpRequest</c> (header or query, as cookie
    /// authentication), (2) reaches an endpoint marked <c>DisableCookieRedirect()</c> (<see cref="IDisableCookieRedirectMetadata"/>)
    /// and not <c>AllowCookieRedirect()</c>, or (3) sends an <c>Accept</c> header that names neither <c>text/html</c> nor
    /// <c>application/xhtml+xml</c> (<c>fetch()</c> and curl send <c>*/*</c>; a browser navigating always names
    /// <c>text/html</c>). A request without <c>Accept</c> is treated as a page, as cookie authentication does.
    /// </summary>
    public static bool Is(HttpContext context)
    {
        var request = context.Request;
        if (string.Equals(request.Headers.XRequestedWith, XmlHttpRequest, StringComparison.Ordinal)
            || string.Equals(request.Query["X-Requested-With"], XmlHttpRequest, StringComparison.Ordinal))
        {
            return true;
        }

        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<IDisableCookieRedirectMetadata>() is not null && metadata.GetMetadata<IAllowCookieRedirectMetadata>() is null)
        {
            return true;
        }

        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return false;
        }

        foreach (var value in accept)
        {
            if (value is not null
                && (value.Contains("text/html", StringComparison.OrdinalIgnoreCase) || value.Contains("application/xhtml+xml", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }
}
