using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>Opens and creates request sessions in one mode (server or cookie).</summary>
internal interface ISessionEngine
{
    /// <summary>Whether the request carries a cookie this engine reads (Tessera's or a configured legacy one).</summary>
    bool HasCookie(HttpRequest request);

    /// <summary>Opens the request's session from its cookie; may read the store.</summary>
    ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken);

    /// <summary>A new, empty session, for a request without a cookie; never does I/O.</summary>
    RequestSession CreateNew(HttpContext context);
}
