using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// What every server-mode request session uses, built once at start-up and shared: the manager, the session cookie,
/// the size limit and its refusal, the auth_tkt cutoffs and the logger. The engine makes request sessions and hands
/// them this; neither calls back into the engine, so the request path runs one way: middleware → engine → request
/// session → these services.
/// </summary>
internal sealed class ServerSessionServices
{
    private const int MaxUserAgentLength = 256;

    private readonly TesseraHttpMetrics _metrics;

    public ServerSessionServices(SessionManager manager, UserSessionDirectory? users, TesseraOptions options, TimeProvider time, ILogger logger, TesseraHttpMetrics metrics, AuthTktCutoffs? cutoffs)
    {
        Manager = manager;
        Logger = logger;
        _metrics = metrics;
        Cutoffs = cutoffs;
        Cookie = new SessionCookie(options.Cookie, time);
        CookieHasMaxAge = options.Cookie.MaxAge is not null;
        MaxSessionSize = options.MaxSessionSize;
        Users = users;
    }

    public SessionManager Manager { get; }

    public ILogger Logger { get; }

    /// <summary>Where a sign-out, revocation or password change ends the user's auth_tkt tickets; <see langword="null"/> without the auth_tkt scheme.</summary>
    public AuthTktCutoffs? Cutoffs { get; }

    public SessionCookie Cookie { get; }

    public bool CookieHasMaxAge { get; }

    /// <summary>The largest session, in bytes of its JSON (<see cref="TesseraOptions.MaxSessionSize"/>).</summary>
    public int MaxSessionSize { get; }

    /// <summary>Lists and revokes a user's sessions; <see langword="null"/> when the store has no user index (then request sessions offer no <see cref="ITesseraUserSessions"/>).</summary>
    public UserSessionDirectory? Users { get; }

    /// <summary>Writes the session cookie; <paramref name="persistentMaxAge"/> replaces the configured Max-Age for a persistent sign-in.</summary>
    public void WriteCookie(HttpResponse response, string value, TimeSpan? persistentMaxAge = null)
    {
        Cookie.Append(response, value, persistentMaxAge);
        _metrics.CookieSet();
    }

    public void DeleteCookie(HttpResponse response)
    {
        Cookie.Delete(response);
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

    /// <summary>The client of <paramref name="context"/>: its IP (IPv4-mapped addresses as IPv4) and its user agent, cut to 256 characters.</summary>
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
