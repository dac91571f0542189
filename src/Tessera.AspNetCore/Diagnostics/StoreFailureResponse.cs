using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>The one answer to a failing session store: logged, counted, 503 with Retry-After, nothing cached.</summary>
internal static class StoreFailureResponse
{
    public static async Task WriteAsync(HttpContext context, SessionStoreException exception, ILogger logger, TesseraHttpMetrics metrics)
    {
        Log.StoreFailed(logger, exception.StoreName, exception);
        metrics.StoreFailures.Add(1, new KeyValuePair<string, object?>("tessera.store.name", exception.StoreName));
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.RetryAfter = "5";
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Service unavailable: the session store is not answering. Try again shortly.", context.RequestAborted).ConfigureAwait(false);
    }
}
