using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Start-up of <c>AddTesseraTicketStore()</c> (a startup filter): refuses a store without a user index (the device list
/// and stamp-change revocation need one), and puts a guard in front of the whole pipeline: a session store that fails
/// while cookie authentication reads a ticket (which authentication would report as "anonymous", so 401), or while an
/// endpoint lists or revokes sessions, is answered with 503 — never 500, never someone signed in.
/// </summary>
internal sealed class TesseraTicketStoreStartup(SessionManager manager) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var store = manager.Store;
        if (store is not IUserSessionIndex)
        {
            throw new InvalidOperationException($"AddTesseraTicketStore() lists and revokes a user's sessions: session store '{store.Name}' has no user index. Use the SQLite, PostgreSQL, Redis, file or memory store.");
        }

        var logger = app.ApplicationServices.GetService(typeof(ILogger<TesseraTicketStoreStartup>)) as ILogger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var metrics = (TesseraHttpMetrics)app.ApplicationServices.GetService(typeof(TesseraHttpMetrics))!;
        app.Use(async (context, nextMiddleware) =>
        {
            try
            {
                await nextMiddleware(context).ConfigureAwait(false);
            }
            catch (SessionStoreException ex) when (!context.Response.HasStarted)
            {
                await StoreFailureResponse.WriteAsync(context, ex, logger, metrics).ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<TesseraTicketFeature>()?.Failure is { } failure && !context.Response.HasStarted)
            {
                await StoreFailureResponse.WriteAsync(context, failure, logger, metrics).ConfigureAwait(false);
            }
        });
        next(app);
    };
}
