using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>
/// Cookie mode: the session is sealed into the cookie with <see cref="SealedCookieFormat"/>; no store. A session over
/// one cookie is split into chunks (<c>name=chunks-N</c>, <c>nameC1</c>…, as ASP.NET's chunking cookie manager does),
/// at most <see cref="TesseraOptions.MaxCookieChunks"/>; a value that would need more is refused when it is set.
/// </summary>
internal sealed class CookieModeEngine : ISessionEngine
{
    private readonly SealedCookieFormat _format;
    private readonly SessionCookie _cookie;
    private readonly CookieChunker _chunker;
    private readonly int _maxChunks;
    private readonly LegacyCookieReader? _legacy;
    private readonly TimeProvider _time;
    private readonly TesseraHttpMetrics _metrics;
    private readonly TimeSpan _absoluteLifetime;

    public CookieModeEngine(Keyring keyring, IOptions<TesseraOptions> options, TimeProvider time, ILogger<TesseraSessionMiddleware> logger, TesseraHttpMetrics metrics, IMeterFactory meterFactory, LegacyCookieReader? legacy = null, AuthTktCutoffs? cutoffs = null)
    {
        _metrics = metrics;
        Cutoffs = cutoffs;
        var o = options.Value;
        _time = time;
        Logger = logger;
        _legacy = legacy;
        _absoluteLifetime = o.AbsoluteLifetime;
        _cookie = new SessionCookie(o.Cookie, time);
        _maxChunks = o.MaxCookieChunks;
        _chunker = new CookieChunker(enableChunking: true, CookieChunker.DefaultChunkSize, o.MaxCookieChunks);
        Capacity = Math.Min(_chunker.Capacity(_cookie.LongestHeader(string.Empty)), SealedCookieFormat.MaxValueLength);
        _format = new SealedCookieFormat(
            new SealedCookieOptions
            {
                Keyring = keyring,
                IdleTimeout = o.IdleTimeout,
                AbsoluteLifetime = o.AbsoluteLifetime,
                ReissueTime = o.ReissueTime,
                EnableChunking = true, // the chunker below holds the browser limit
            },
            time,
            logger,
            meterFactory);
    }

    public ILogger Logger { get; }

    /// <summary>Where a sign-out, revocation or password change ends the user's auth_tkt tickets; <see langword="null"/> without the auth_tkt scheme.</summary>
    public AuthTktCutoffs? Cutoffs { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The longest sealed value that fits in the allowed chunks with this cookie's attributes.</summary>
    public int Capacity { get; }

    public bool HasCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(_cookie.Name) || (_legacy?.HasCookie(request) ?? false);

    public ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var cookies = context.Request.Cookies;
        var hadCookie = cookies.ContainsKey(_cookie.Name);
        if (hadCookie)
        {
            var value = _chunker.ReadValue(_cookie.Name, name => cookies[name]);
            if (value is null)
            {
                // A chunk marker whose chunks are missing, empty or too many: a verdict (Malformed), not an exception.
                _format.RejectMalformed();
            }
            else
            {
                var result = _format.Read(_cookie.Name, value, _time.GetUtcNow());
                if (result.IsValid)
                {
                    return ValueTask.FromResult<RequestSession>(new CookieRequestSession(this, result.Data, result.Created, hadCookie: true, result.NeedsReissue));
                }
            }
        }

        var fresh = new CookieRequestSession(this, null, null, hadCookie, needsReissue: false);
        _legacy?.MigrateInto(context, fresh);
        return ValueTask.FromResult<RequestSession>(fresh);
    }

    public RequestSession CreateNew(HttpContext context) => new CookieRequestSession(this, null, null, hadCookie: false, needsReissue: false);

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
            headers = _chunker.BuildSetCookieHeaders(_cookie.Header(request, _format.Write(_cookie.Name, payload), maxAge), name => request.Cookies[name]);
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
        foreach (var header in _chunker.BuildDeleteHeaders(_cookie.Header(request, string.Empty), name => request.Cookies[name]))
        {
            CookieHeader.Append(response, header);
        }

        _metrics.CookieCleared();
    }
}
