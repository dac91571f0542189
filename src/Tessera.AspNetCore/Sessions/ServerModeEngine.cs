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
    private readonly SessionCookie _cookie;
    private readonly LegacyCookieReader? _legacy;
    private readonly TesseraHttpMetrics _metrics;

    public ServerModeEngine(SessionManager manager, UserSessionDirectory? users, IOptions<TesseraOptions> options, TimeProvider time, ILogger<TesseraSessionMiddleware> logger, TesseraHttpMetrics metrics, LegacyCookieReader? legacy = null, AuthTktCutoffs? cutoffs = null)
    {
        _metrics = metrics;
        _manager = manager;
        var o = options.Value;
        Logger = logger;
        _legacy = legacy;
        Cutoffs = cutoffs;
        Users = users;
        _cookie = new SessionCookie(o.Cookie, time);
        CookieHasMaxAge = o.Cookie.MaxAge is not null;
        MaxSessionSize = o.MaxSessionSize;
    }

    public ILogger Logger { get; }

    /// <summary>Where a sign-out, revocation or password change ends the user's auth_tkt tickets; <see langword="null"/> without the auth_tkt scheme.</summary>
    public AuthTktCutoffs? Cutoffs { get; }

    /// <summary>Lists and revokes a user's sessions; <see langword="null"/> when the store has no user index.</summary>
    public UserSessionDirectory? Users { get; }

    public bool CookieHasMaxAge { get; }

    /// <summary>The largest session, in bytes of its JSON (<see cref="TesseraOptions.MaxSessionSize"/>).</summary>
    public int MaxSessionSize { get; }

    public bool HasCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(_cookie.Name) || (_legacy?.HasCookie(request) ?? false);

    /// <summary>
    /// Reads the cookie's record from the store (the only I/O, done here, before the endpoint) but leaves decrypting
    /// and parsing it to the session's first use (see <see cref="ServerRequestSession"/>): a request that never uses
    /// its session pays one store read and no cryptography.
    /// </summary>
    public async ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var client = ClientOf(context);
        if (context.Request.Cookies.TryGetValue(_cookie.Name, out var value) && !string.IsNullOrEmpty(value))
        {
            // The manager logs and counts the verdict (once, when the record is opened).
            ServerSession session;
            if (SessionHandle.TryParse(value, out var handle) && handle is not null)
            {
                var record = await _manager.ReadAsync(handle, cancellationToken).ConfigureAwait(false);
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
        _cookie.Append(response, value, persistentMaxAge);
        _metrics.CookieSet();
    }

    public void DeleteCookie(HttpResponse response)
    {
        _cookie.Delete(response);
        _metrics.CookieCleared();
    }

    /// <summary>Logs, counts and throws the refusal of a session that would grow to <paramref name="size"/> bytes.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void RefuseTooLarge(long size)
    {
        const string Option = "Tessera:MaxSessionSize";
        var reported = (int)Math.Min(size, int.MaxValue);
        SessionLimits.Refused(Logger, _metrics, "server", reported, MaxSessionSize, Option);
        throw new SessionTooLargeException(
            reported,
            MaxSessionSize,
            Option,
            $"The session would hold {size} bytes of JSON, over the limit of {MaxSessionSize} bytes ({Option}) by {size - MaxSessionSize}. "
            + $"Nothing was stored and the session is unchanged. Store less in the session or raise {Option}.");
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
