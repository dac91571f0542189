using System.Globalization;

namespace Tessera.Cookies;

/// <summary>
/// Writes and reads a session cookie that may be split across several cookies, in the shape of ASP.NET Core's
/// ChunkingCookieManager: <c>Name=chunks-N</c> plus <c>NameC1</c> … <c>NameCN</c>, each with the same attributes.
/// Framework-free: input is the request's cookies as a name→value lookup, output is Set-Cookie header strings
/// (including deletions of chunks that a shrinking session no longer needs). The Python peers cannot read chunked
/// cookies; use it for Tessera's own format.
/// </summary>
internal sealed class CookieChunker
{
    /// <summary>The browser limit on one cookie's <c>name=value</c>, in bytes.</summary>
    public const int BrowserLimit = 4096;

    /// <summary>ASP.NET Core's default chunk size: the whole Set-Cookie string of one chunk, in characters.</summary>
    public const int DefaultChunkSize = 4050;

    private const string ChunkMarker = "chunks-";

    /// <summary>Creates a chunker.</summary>
    /// <param name="enableChunking">False: a cookie over the browser limit throws <see cref="CookieTooLargeException"/>.</param>
    /// <param name="chunkSize">The largest Set-Cookie string of one chunk.</param>
    /// <param name="maxChunks">The most chunks one session may use (browsers keep about 50 cookies per domain).</param>
    public CookieChunker(bool enableChunking = false, int chunkSize = DefaultChunkSize, int maxChunks = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 512);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, BrowserLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunks, 1);
        EnableChunking = enableChunking;
        ChunkSize = chunkSize;
        MaxChunks = maxChunks;
    }

    /// <summary>Whether large cookies are split.</summary>
    public bool EnableChunking { get; }

    /// <summary>The largest Set-Cookie string of one chunk.</summary>
    public int ChunkSize { get; }

    /// <summary>The most chunks one session may use.</summary>
    public int MaxChunks { get; }

    /// <summary>
    /// The longest cookie value that fits, with <paramref name="template"/>'s name and attributes, in one cookie or (with
    /// chunking) in at most <see cref="MaxChunks"/> chunks: what <see cref="BuildSetCookieHeaders"/> writes without throwing.
    /// </summary>
    public int Capacity(SetCookieHeader template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!EnableChunking)
        {
            return BrowserLimit - template.Name.Length - 1;
        }

        var single = ChunkSize - template.With(template.Name, string.Empty, template.MaxAge).ToString().Length;
        return Math.Max(single, MaxChunks * (single - 3));
    }

    /// <summary>
    /// The request's cookie value for <paramref name="name"/>, reassembled from its chunks when it is chunked. Null
    /// when absent, or when a chunk is missing or the marker is malformed (a verdict: the session is not readable).
    /// </summary>
    public string? ReadValue(string name, Func<string, string?> requestCookies)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(requestCookies);
        var value = requestCookies(name);
        if (value is null || !value.StartsWith(ChunkMarker, StringComparison.Ordinal))
        {
            return value;
        }

        var count = ChunkCount(value);
        if (count <= 0 || count > MaxChunks)
        {
            return null;
        }

        var parts = new string[count];
        for (var i = 1; i <= count; i++)
        {
            var part = requestCookies(name + "C" + i.ToString(CultureInfo.InvariantCulture));
            if (string.IsNullOrEmpty(part))
            {
                return null;
            }

            parts[i - 1] = part;
        }

        return string.Concat(parts);
    }

    /// <summary>
    /// The Set-Cookie headers that store <paramref name="cookie"/>: one header, or a marker plus chunks; plus deletions
    /// of chunks the request had that are no longer used.
    /// </summary>
    /// <exception cref="CookieTooLargeException">Over the browser limit with chunking off, or more than <see cref="MaxChunks"/> chunks.</exception>
    public IReadOnlyList<string> BuildSetCookieHeaders(SetCookieHeader cookie, Func<string, string?> requestCookies)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        ArgumentNullException.ThrowIfNull(requestCookies);
        var previousChunks = PreviousChunkCount(cookie.Name, requestCookies);
        var headers = new List<string>();
        var whole = cookie.ToString();
        int used;
        if (!EnableChunking)
        {
            if (cookie.NameValueLength > BrowserLimit)
            {
                throw new CookieTooLargeException(cookie.NameValueLength, BrowserLimit, $"Cookie '{cookie.Name}' (name=value, in bytes)");
            }

            headers.Add(whole);
            used = 0;
        }
        else if (whole.Length <= ChunkSize)
        {
            headers.Add(whole);
            used = 0;
        }
        else
        {
            // Budget three characters for the chunk suffix ("C10"), as ASP.NET Core does.
            var template = cookie.With(cookie.Name, string.Empty, cookie.MaxAge).ToString().Length;
            var perChunk = ChunkSize - template - 3;
            var count = (cookie.Value.Length + perChunk - 1) / perChunk;
            if (count > MaxChunks)
            {
                throw new CookieTooLargeException(count, MaxChunks, $"Cookie '{cookie.Name}' (number of {ChunkSize}-character chunks)");
            }

            headers.Add(cookie.With(cookie.Name, ChunkMarker + count.ToString(CultureInfo.InvariantCulture), cookie.MaxAge).ToString());
            for (var i = 1; i <= count; i++)
            {
                var start = (i - 1) * perChunk;
                var part = cookie.Value.Substring(start, Math.Min(perChunk, cookie.Value.Length - start));
                headers.Add(cookie.With(cookie.Name + "C" + i.ToString(CultureInfo.InvariantCulture), part, cookie.MaxAge).ToString());
            }

            used = count;
        }

        for (var i = used + 1; i <= previousChunks; i++)
        {
            headers.Add(SetCookieHeader.Delete(cookie.Name + "C" + i.ToString(CultureInfo.InvariantCulture), cookie).ToString());
        }

        return headers;
    }

    /// <summary>Headers that delete the cookie and every chunk the request had.</summary>
    public IReadOnlyList<string> BuildDeleteHeaders(SetCookieHeader template, Func<string, string?> requestCookies)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(requestCookies);
        var headers = new List<string> { SetCookieHeader.Delete(template.Name, template).ToString() };
        var previous = PreviousChunkCount(template.Name, requestCookies);
        for (var i = 1; i <= previous; i++)
        {
            headers.Add(SetCookieHeader.Delete(template.Name + "C" + i.ToString(CultureInfo.InvariantCulture), template).ToString());
        }

        return headers;
    }

    private int PreviousChunkCount(string name, Func<string, string?> requestCookies)
    {
        var value = requestCookies(name);
        if (value is null || !value.StartsWith(ChunkMarker, StringComparison.Ordinal))
        {
            return 0;
        }

        // Delete what the marker claims, but never loop over a hostile count.
        return Math.Clamp(ChunkCount(value), 0, Math.Max(MaxChunks, 50));
    }

    private static int ChunkCount(string marker) =>
        int.TryParse(marker.AsSpan(ChunkMarker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
