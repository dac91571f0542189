using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Put in front of the whole pipeline by <c>AddTesseraTicketStore()</c> (a startup filter): a session store that fails
/// while cookie authentication reads a ticket (which authentication would report as "anonymous", so 401), or while an
/// endpoint lists or revokes sessions, answers 503 instead — never 500, never someone signed in.
/// </summary>
internal sealed class TicketStoreFailureMiddleware : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var logger = app.ApplicationServices.GetService(typeof(ILogger<TicketStoreFailureMiddleware>)) as ILogger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        app.Use(async (context, nextMiddleware) =>
        {
            try
            {
                await nextMiddleware(context).ConfigureAwait(false);
            }
            catch (SessionStoreException ex) when (!context.Response.HasStarted)
            {
                await StoreFailureResponse.WriteAsync(context, ex, logger).ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<TesseraTicketFeature>()?.Failure is { } failure && !context.Response.HasStarted)
            {
                await StoreFailureResponse.WriteAsync(context, failure, logger).ConfigureAwait(false);
            }
        });
        next(app);
    };
}
