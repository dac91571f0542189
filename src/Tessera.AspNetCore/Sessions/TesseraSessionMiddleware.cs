using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Loads the request's session before the endpoint (reading the store only when a session cookie is present) and
/// saves it after (before the response starts), writing a cookie only when the session was created, changed or is due
/// for renewal. A store failure answers 503 and signs no one in; a session over its size limit answers 413 and saves nothing.
/// </summary>
internal sealed class TesseraSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ISessionEngine _engine;
    private readonly TesseraOptions _options;
    private readonly ITesseraCheckValueProvider? _checkValues;
    private readonly ILogger _logger;
    private readonly TesseraHttpMetrics _metrics;
    private int _replacedReported;

    /// <summary>Created by <c>app.UseTessera()</c>.</summary>
    public TesseraSessionMiddleware(RequestDelegate next, IServiceProvider services, IOptions<TesseraOptions> options, ILogger<TesseraSessionMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        _next = next ?? throw new ArgumentNullException(nameof(next));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
        _engine = (ISessionEngine)(services.GetService(typeof(ISessionEngine))
            ?? throw new InvalidOperationException("Tessera's services are missing: call builder.Services.AddTessera() before app.UseTessera()."));
        _checkValues = (ITesseraCheckValueProvider?)services.GetService(typeof(ITesseraCheckValueProvider));
        _logger = logger;
        _metrics = (TesseraHttpMetrics)services.GetService(typeof(TesseraHttpMetrics))!;
    }

    /// <summary>Runs the request with its session.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<SkipTesseraSessionAttribute>() is not null)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var feature = new TesseraSessionFeature(context, _engine, _metrics);
        context.Features.Set<ISessionFeature>(feature);
        context.Features.Set<ITesseraSessionFeature>(feature);

        if (_engine.HasCookie(context.Request))
        {
            try
            {
                var session = await _engine.OpenAsync(context, context.RequestAborted).ConfigureAwait(false);
                if (_checkValues is not null && session.UserId is not null)
                {
                    await session.CheckAsync(_checkValues, context.RequestAborted).ConfigureAwait(false);
                }

                feature.Attach(session);
            }
            catch (SessionStoreException ex)
            {
                await FailAsync(context, feature, ex).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (SessionTooLargeException ex) when (!context.Response.HasStarted)
        {
            // Refused at the setter (already logged and counted there): nothing of this request is saved.
            feature.Discard();
            await TooLargeAsync(context, ex).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is not SessionStoreException)
        {
            if (!_options.SetOnException)
            {
                feature.Discard();
                Log.NotSavedOnException(_logger);
            }
            else if (!context.Response.HasStarted)
            {
                try
                {
                    await feature.CommitAsync().ConfigureAwait(false);
                }
                catch (SessionStoreException storeEx)
                {
                    Log.StoreFailed(_logger, storeEx.StoreName, storeEx);
                }
            }

            throw;
        }
        catch (SessionStoreException ex)
        {
            // The endpoint's own session call (sign-in, revoke, list...) reached a failing store.
            if (!context.Response.HasStarted)
            {
                await FailAsync(context, feature, ex).ConfigureAwait(false);
                return;
            }

            throw;
        }

        // UseSession() after UseTessera() replaces the feature (and clears it on its way out): say so, once.
        if (!ReferenceEquals(context.Features.Get<ISessionFeature>(), feature) && Interlocked.Exchange(ref _replacedReported, 1) == 0)
        {
            Log.SessionFeatureReplaced(_logger);
        }

        if (!context.Response.HasStarted)
        {
            try
            {
                await feature.CommitAsync().ConfigureAwait(false);
            }
            catch (SessionStoreException ex)
            {
                await FailAsync(context, feature, ex).ConfigureAwait(false);
            }
        }
        else if (feature.IsMaterialized && feature.Current.HasPendingChanges)
        {
            Log.ChangedAfterResponseStarted(_logger);
        }
    }

    private static async Task TooLargeAsync(HttpContext context, SessionTooLargeException exception)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.Headers.CacheControl = "no-store";
        const string Title = "The session is too large.";
        var detail = $"This change would make the session {exception.Size} bytes, over its limit of {exception.Limit} bytes. Nothing was saved; the session is as it was.";
        if (context.RequestServices?.GetService(typeof(IProblemDetailsService)) is IProblemDetailsService problems
            && await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = Title, Detail = detail },
            }).ConfigureAwait(false))
        {
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(Title + " " + detail, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task FailAsync(HttpContext context, TesseraSessionFeature feature, SessionStoreException exception)
    {
        feature.Discard();
        await StoreFailureResponse.WriteAsync(context, exception, _logger, _metrics).ConfigureAwait(false);
    }
}
