using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>Access to the Tessera session from an <see cref="HttpContext"/>.</summary>
public static class TesseraHttpContextExtensions
{
    /// <summary>The request's Tessera session.</summary>
    /// <exception cref="InvalidOperationException"><c>app.UseTessera()</c> did not run for this request.</exception>
    public static ITesseraSession GetTesseraSession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (context.Features.Get<ITesseraSessionFeature>()
            ?? throw new InvalidOperationException("No Tessera session: add app.UseTessera() before the endpoints that use it.")).Session;
    }

    /// <summary>
    /// The signed-in user's sessions (list and revoke), or <see langword="null"/> where they cannot be offered: in cookie
    /// mode, and in server mode on a store without a user index. The answer is the same for every request of an app.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>app.UseTessera()</c> did not run for this request.</exception>
    public static ITesseraUserSessions? GetTesseraUserSessions(this HttpContext context) =>
        GetTesseraSession(context) switch
        {
            RequestSession session => session.UserSessions,
            var other => other as ITesseraUserSessions,
        };
}
