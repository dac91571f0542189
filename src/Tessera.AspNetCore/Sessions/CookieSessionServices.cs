using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>
/// What every cookie-mode request session uses, built once at start-up and shared: the sealed cookie (read, size check,
/// write in chunks, delete), the cache of recently opened cookies, the clock, the auth_tkt cutoffs and the logger. The
/// engine makes request sessions and hands them this; neither calls back into the engine, so the request path runs one
/// way: middleware → engine → request session → these services.
/// </summary>
internal sealed class CookieSessionServices
{
    private readonly SealedCookieFormat _format;
    private readonly CookieChunker _chunker;
    private readonly int _maxChunks;
    private readonly TimeProvider _time;
    private readonly TesseraHttpMetrics _metrics;
    private readonly TimeSpan _absoluteLifetime;
    private readonly OpenedCookieCache? _cache;
    private int _expiresCappedReported;

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
        _cache = options.CookieCacheSize > 0 ? new OpenedCookieCache(options.CookieCacheSize) : null;
    }

    public ILogger Logger { get; }

    /// <summary>Where a sign-out, revocation or password change ends the user's auth_tkt tickets; <see langword="null"/> without the auth_tkt scheme.</summary>
    public AuthTktCutoffs? Cutoffs { get; }

    public SessionCookie Cookie { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// When a session signed in now ends: <paramref name="requested"/> (<c>AuthenticationProperties.ExpiresUtc</c>), but
    /// no later than the sealed cookie's absolute lifetime allows, which the format judges for every cookie (said once
    /// in the log when it cuts the request short). Throws when <paramref name="requested"/> is not in the future.
    /// </summary>
    public DateTimeOffset SignInEnd(DateTimeOffset requested)
    {
        var now = Now;
        if (requested <= now)
        {
            throw new ArgumentException("AuthenticationProperties.ExpiresUtc is in the past: set a future time or leave it unset for the configured lifetime.", nameof(requested));
        }

        var latest = now + _absoluteLifetime;
        if (requested <= latest)
        {
            return requested;
        }

        if (Interlocked.Exchange(ref _expiresCappedReported, 1) == 0)
        {
            Log.ExpiresCapped(Logger, requested, latest);
        }

        return latest;
    }

    /// <summary>How many opened cookies the cache holds (0 when it is off); for tests.</summary>
    internal int CachedCookies => _cache?.Count ?? 0;

    /// <summary>The longest sealed value that fits in the allowed chunks with this cookie's attributes.</summary>
    public int Capacity { get; }

    /// <summary>
    /// The session cookie's value, its chunks joined; <see langword="null"/>, logged and counted as Malformed, when a chunk
    /// marker's chunks are missing, empty or too many (a verdict, never an exception).
    /// </summary>
    public string? ReadValue(IRequestCookieCollection cookies)
    {
        var value = _chunker.ReadValue(Cookie.Name, name => cookies[name]);
        if (value is null)
        {
            _format.RejectMalformed();
        }

        return value;
    }

    /// <summary>
    /// The verdict on <paramref name="value"/> if the cache knows it (judged now, logged and counted like a fresh open);
    /// <see langword="null"/> when it does not, without opening anything.
    /// </summary>
    public CookieReadResult? TryReadCached(string value)
    {
        if (_cache is null || !_cache.TryGet(value, out var opened))
        {
            return null;
        }

        var result = _format.Judge(opened, _time.GetUtcNow());
        if (result.Reason == CookieRejection.Expired)
        {
            _cache.Remove(value); // expiry only moves closer: this value will not be valid again
        }

        return result;
    }

    /// <summary>The verdict on <paramref name="value"/> (logged and counted by the format): from the cache, or opened and then cached when valid.</summary>
    public CookieReadResult Read(string value)
    {
        if (TryReadCached(value) is { } cached)
        {
            return cached;
        }

        var now = _time.GetUtcNow();
        if (_format.Open(Cookie.Name, value, out var rejection) is not { } opened)
        {
            return _format.Reject(rejection);
        }

        var result = _format.Judge(opened, now);
        if (result.IsValid)
        {
            _cache?.Add(value, opened);
        }

        return result;
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

    /// <summary>
    /// Writes the sealed cookie (in chunks when needed); a <paramref name="persistent"/> sign-in's cookie lives until the
    /// session's absolute end, or its sign-in's <paramref name="end"/> when that comes first.
    /// </summary>
    public void WriteCookie(HttpResponse response, CookieSessionPayload payload, bool persistent = false, DateTimeOffset? end = null)
    {
        var request = response.HttpContext.Request;
        var absoluteEnd = payload.Created + _absoluteLifetime;
        TimeSpan? maxAge = persistent ? (end < absoluteEnd ? end.Value : absoluteEnd) - _time.GetUtcNow() : null;
        IReadOnlyList<string> headers;
        string value;
        OpenedCookie? written;
        try
        {
            value = _format.Write(Cookie.Name, payload, snapshot: _cache is not null, out written);
            headers = _chunker.BuildSetCookieHeaders(Cookie.Header(request, value, maxAge), name => request.Cookies[name]);
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

        // The client sends this value next: cached now, its first read opens nothing.
        if (written is not null)
        {
            _cache?.Add(value, written);
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
