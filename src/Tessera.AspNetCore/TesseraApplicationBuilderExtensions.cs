using Microsoft.AspNetCore.Builder;

namespace Tessera.AspNetCore;

/// <summary><c>app.UseTessera()</c>.</summary>
public static class TesseraApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the session middleware: <c>HttpContext.Session</c> and <see cref="TesseraHttpContextExtensions.GetTesseraSession"/>
    /// work in everything after it. Put it before authentication and the endpoints.
    /// </summary>
    /// <returns>The application builder, for chaining.</returns>
    public static IApplicationBuilder UseTessera(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<TesseraSessionMiddleware>();
    }
}
