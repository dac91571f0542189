using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Server mode: the cookie holds a random handle; the data lives, encrypted, in the store. Opens and creates request
/// sessions and gives each the shared <see cref="ServerSessionServices"/>, never itself.
/// </summary>
internal sealed class ServerModeEngine : ISessionEngine
{
    private readonly SessionManager _manager;
    private readonly ServerSessionServices _services;
    private readonly LegacyCookieReader? _legacy;

    public ServerModeEngine(SessionManager manager, UserSessionDirectory? users, IOptions<TesseraOptions> options, TimeProvider time, ILogger<TesseraSessionMiddleware> logger, TesseraHttpMetrics metrics, LegacyCookieReader? legacy = null, AuthTktCutoffs? cutoffs = null)
    {
        _manager = manager;
        _services = new ServerSessionServices(manager, users, options.Value, time, logger, metrics, cutoffs);
        _legacy = legacy;
    }

    public bool HasCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(_services.Cookie.Name) || (_legacy?.HasCookie(request) ?? false);

    /// <summary>
    /// Reads the cookie's record from the store (the only I/O, done here, before the endpoint) but leaves decrypting
    /// and parsing it to the session's first use (see <see cref="ServerRequestSession"/>): a request that never uses
    /// its session pays one store read and no cryptography (nor the client's IP and user agent, taken on first use too).
    /// </summary>
    public async ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.Cookies.TryGetValue(_services.Cookie.Name, out var value) && !string.IsNullOrEmpty(value))
        {
            // The manager logs and counts the verdict (once, when the record is opened).
            ServerSession session;
            if (SessionHandle.TryParse(value, out var handle) && handle is not null)
            {
                var record = await _manager.ReadAsync(handle, cancellationToken).ConfigureAwait(false);
                if (record is not null && _legacy is null)
                {
                    return new ServerRequestSession(_services, handle, record, context, requestCookie: value);
                }

                var client = ServerSessionServices.ClientOf(context);

                // Nothing stored, or a legacy cookie may have to take over if the record does not open: decide now.
                session = _manager.Open(handle, record, client);
            }
            else
            {
                var client = ServerSessionServices.ClientOf(context);
                session = await _manager.LoadAsync(value, client, cancellationToken).ConfigureAwait(false);
            }

            if (session.Verdict == SessionLoadVerdict.Loaded || _legacy is null)
            {
                return new ServerRequestSession(_services, session, hadCookie: true, requestCookie: value);
            }
        }

        var fresh = new ServerRequestSession(_services, await _manager.LoadAsync(null, ServerSessionServices.ClientOf(context), cancellationToken).ConfigureAwait(false), hadCookie: value is not null);
        _legacy?.MigrateInto(context, fresh);
        return fresh;
    }

    public RequestSession CreateNew(HttpContext context)
    {
        var pending = _manager.LoadAsync(null, ServerSessionServices.ClientOf(context), CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("SessionManager.LoadAsync(null) did I/O; a new session must be created without it.");
        }

        return new ServerRequestSession(_services, pending.Result, hadCookie: false);
    }
}
