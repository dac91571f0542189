using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>Server mode: the cookie holds a random handle; the data lives, encrypted, in the store.</summary>
internal sealed class ServerModeEngine : ISessionEngine
{
    private const int MaxUserAgentLength = 256;

    private readonly SessionManager _manager;
    private readonly TesseraOptions _options;
    private readonly CookieSettings _cookie;
    private readonly string _cookieAttributes;
    private readonly LegacyCookieReader? _legacy;
    private readonly TesseraHttpMetrics _metrics;

    public ServerModeEngine(SessionManager manager, IOptions<TesseraOptions> options, ILogger<TesseraSessionMiddleware> logger, TesseraHttpMetrics metrics, LegacyCookieReader? legacy = null, AuthTktCutoffs? cutoffs = null)
    {
        _metrics = metrics;
        _manager = manager;
        _options = options.Value;
        Logger = logger;
        _legacy = legacy;
        Cutoffs = cutoffs;
        _cookie = new CookieSettings(_options.CookiePath, _options.CookieDomain, _options.Secure, _options.HttpOnly, _options.SameSite);
        _cookieAttributes = CookieHeader.Attributes(_cookie, _options.MaxAge);
    }

    public ILogger Logger { get; }

    /// <summary>Where a sign-out, revocation or password change ends the user's auth_tkt tickets; <see langword="null"/> without the auth_tkt scheme.</summary>
    public AuthTktCutoffs? Cutoffs { get; }

    public bool CookieHasMaxAge => _options.MaxAge is not null;

    public bool HasCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(_options.CookieName) || (_legacy?.HasCookie(request) ?? false);

    /// <summary>
    /// Reads the cookie's record from the store (the only I/O, done here, before the endpoint) but leaves decrypting
    /// and parsing it to the session's first use (see <see cref="ServerRequestSession"/>): a request that never uses
    /// its session pays one store read and no cryptography.
    /// </summary>
    public async ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var client = ClientOf(context);
        if (context.Request.Cookies.TryGetValue(_options.CookieName, out var value) && !string.IsNullOrEmpty(value))
        {
            // The manager logs and counts the verdict (once, when the record is opened).
            ServerSession session;
            if (SessionHandle.TryParse(value, out var handle))
            {
                var record = await _manager.Store.LoadAsync(handle!.Key, cancellationToken).ConfigureAwait(false);
                if (record is not null && _legacy is null)
                {
                    return new ServerRequestSession(_manager, this, handle, record, client, requestCookie: value);
                }

                // Nothing stored, or a legacy cookie may have to take over if the record does not open: decide now.
                session = _manager.Open(handle, record, client);
            }
            else
            {
                session = await _manager.LoadAsync(value, client, cancellationToken).ConfigureAwait(false);
            }

            if (session.Verdict == SessionLoadVerdict.Loaded || _legacy is null)
            {
                return new ServerRequestSession(_manager, this, session, hadCookie: true, requestCookie: value);
            }
        }

        var fresh = new ServerRequestSession(_manager, this, await _manager.LoadAsync(null, client, cancellationToken).ConfigureAwait(false), hadCookie: value is not null);
        _legacy?.MigrateInto(context, fresh);
        return fresh;
    }

    public RequestSession CreateNew(HttpContext context)
    {
        var pending = _manager.LoadAsync(null, ClientOf(context), CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("SessionManager.LoadAsync(null) did I/O; a new session must be created without it.");
        }

        return new ServerRequestSession(_manager, this, pending.Result, hadCookie: false);
    }

    /// <summary>Writes the session cookie; <paramref name="persistentMaxAge"/> replaces the configured Max-Age for a persistent sign-in.</summary>
    public void WriteCookie(HttpResponse response, string value, TimeSpan? persistentMaxAge = null)
    {
        if (persistentMaxAge is { } maxAge)
        {
            CookieHeader.Append(response, _options.CookieName, value, _cookie, maxAge);
        }
        else
        {
            CookieHeader.Append(response, _options.CookieName, value, _cookieAttributes);
        }

        _metrics.CookieSet();
    }

    public void DeleteCookie(HttpResponse response)
    {
        CookieHeader.Delete(response, _options.CookieName, _cookie);
        _metrics.CookieCleared();
    }

    public void LogConflict(SessionConflictException exception) => Log.CommitConflict(Logger, exception.Message);

    internal static SessionClientInfo ClientOf(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true })
        {
            ip = ip.MapToIPv4();
        }

        string? agent = context.Request.Headers.UserAgent;
        if (agent is { Length: > MaxUserAgentLength })
        {
            agent = agent[..MaxUserAgentLength];
        }

        return new SessionClientInfo(ip?.ToString(), agent);
    }
}
