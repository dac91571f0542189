using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore;

/// <summary><c>app.UseTessera()</c>.</summary>
public static class TesseraApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the session middleware: <c>HttpContext.Session</c> and <see cref="TesseraHttpContextExtensions.GetTesseraSession"/>
    /// work in everything after it. Put it before authentication and the endpoints. ASP.NET Core's own session
    /// (<c>AddSession()</c>/<c>UseSession()</c>) registered too is reported at start-up: both claim <c>HttpContext.Session</c>.
    /// </summary>
    /// <returns>The application builder, for chaining.</returns>
    public static IApplicationBuilder UseTessera(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<ISessionStore>() is not null)
        {
            Log.AspNetCoreSessionRegistered(app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<TesseraSessionMiddleware>());
        }

        return app.UseMiddleware<TesseraSessionMiddleware>();
    }
}
