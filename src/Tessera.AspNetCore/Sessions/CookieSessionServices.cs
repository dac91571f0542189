using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>
/// What every cookie-mode request session uses, built once at start-up and shared: the sealed cookie (read, size check,
/// write in chunks, delete), the clock, the auth_tkt cutoffs and the logger. The engine makes request sessions and
/// hands them this; neither calls back into the engine, so the request path runs one way: middleware → engine →
/// request session → these services.
/// </summary>
internal sealed class CookieSessionServices
{
    private readonly SealedCookieFormat _format;
    private readonly CookieChunker _chunker;
    private readonly int _maxChunks;
    private readonly TimeProvider _time;
    private readonly TesseraHttpMetrics _metrics;
    private readonly TimeSpan _absoluteLifetime;

    public CookieSessionServices(Keyring keyring, TesseraOptions options, TimeProvider time, ILogger logger, TesseraHttpMetrics metrics, IMeterFactory meterFactory, AuthTktCutoffs? cutoffs)
    {
        _metrics = metrics;
        _time = time;
        Logger = logger;
        Cutoffs = cutoffs;
        _absoluteLifetime = options.AbsoluteLifetime;
        Cookie = new SessionCookie(options.Cookie, time);
        _maxChunks = options.MaxCookieChunks;
        _chunker = new CookieChunker(enableChunking: true, CookieChunker.DefaultChunkSize, options.MaxCookieChunks);
        Capacity = Math.Min(_chunker.Capacity(Cookie.LongestHeader(string.Empty)), SealedCookieFormat.MaxValueLength);
        _format = new SealedCookieFormat(
            new SealedCookieOptions
            {
                Keyring = keyring,
                IdleTimeout = options.IdleTimeout,
                AbsoluteLifetime = options.AbsoluteLifetime,
                ReissueTime = options.ReissueTime,
                EnableChunking = true, // the chunker below holds the browser limit
            },
            time,
            logger,
            meterFactory);
    }

    public ILogger Logger { get; }

    /// <summary>Where a sign-out, revocation or password change ends the user's auth_tkt tickets; <see langword="null"/> without the auth_tkt scheme.</summary>
    public AuthTktCutoffs? Cutoffs { get; }

    public SessionCookie Cookie { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The longest sealed value that fits in the allowed chunks with this cookie's attributes.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Reads the session cookie of a request that has one, joining its chunks; the verdict is logged and counted by the
    /// format. A chunk marker whose chunks are missing, empty or too many is a verdict (Malformed) too, never an exception.
    /// </summary>
    public CookieReadResult? Read(IRequestCookieCollection cookies)
    {
        var value = _chunker.ReadValue(Cookie.Name, name => cookies[name]);
        if (value is null)
        {
            _format.RejectMalformed();
            return null;
        }

        return _format.Read(Cookie.Name, value, _time.GetUtcNow());
    }

    /// <summary>Throws <see cref="SessionTooLargeException"/> (logged and counted) when <paramref name="payload"/> does not fit in the allowed chunks.</summary>
    public void EnsureFits(CookieSessionPayload payload)
    {
        var length = SealedCookieFormat.SealedLength(payload);
        if (length <= Capacity)
        {
            return;
        }

        const string Option = "Tessera:MaxCookieChunks";
        SessionLimits.Refused(Logger, _metrics, "cookie", length, Capacity, Option);
        var chunks = _maxChunks.ToString(CultureInfo.InvariantCulture);
        throw new SessionTooLargeException(
            length,
            Capacity,
            Option,
            $"The session cookie would be {length} bytes, more than the {Capacity} bytes that fit in {Option} = {chunks} cookies. "
            + $"Nothing was stored. Store less in the session, raise {Option} (at most {TesseraOptionsValidator.MaxCookieChunksLimit}) or use server mode (Tessera:Mode = Server).");
    }

    /// <summary>Writes the sealed cookie (in chunks when needed); a <paramref name="persistent"/> sign-in's cookie lives until the session's absolute end.</summary>
    public void WriteCookie(HttpResponse response, CookieSessionPayload payload, bool persistent = false)
    {
        var request = response.HttpContext.Request;
        TimeSpan? maxAge = persistent ? payload.Created + _absoluteLifetime - _time.GetUtcNow() : null;
        IReadOnlyList<string> headers;
        try
        {
            headers = _chunker.BuildSetCookieHeaders(Cookie.Header(request, _format.Write(Cookie.Name, payload), maxAge), name => request.Cookies[name]);
        }
        catch (CookieTooLargeException ex)
        {
            // EnsureFits refuses such values when they are set; this is the last line, never a silently dropped cookie.
            Log.CookieNotWritten(Logger, ex.Message);
            _metrics.SessionsTooLarge.Add(1, new KeyValuePair<string, object?>("tessera.session.mode", "cookie"));
            return;
        }

        foreach (var header in headers)
        {
            CookieHeader.Append(response, header);
        }

        _metrics.CookieSet();
    }

    public void DeleteCookie(HttpResponse response)
    {
        var request = response.HttpContext.Request;
        foreach (var header in _chunker.BuildDeleteHeaders(Cookie.Header(request, string.Empty), name => request.Cookies[name]))
        {
            CookieHeader.Append(response, header);
        }

        _metrics.CookieCleared();
    }
}
