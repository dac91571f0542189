using System.Buffers.Text;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Cookies;
using Tessera.Diagnostics;

namespace Tessera.Legacy;

/// <summary>
/// Reads and writes pyramid_nacl_session cookies with Pyramid's JSON serializer (spec section 2):
/// <c>value = b64url-unpadded(nonce(24) || secretbox(JSON [accessed, created, state]))</c>, XSalsa20-Poly1305.
/// </summary>
/// <remarks>
/// Strict where Python is lenient (documented in docs/cookies.md): only the unpadded base64url alphabet, and an
/// envelope of exactly <c>[number, number, object]</c>.
/// </remarks>
public sealed class PyramidNaclCookieFormat : ICookieSessionFormat
{
    /// <summary>The format's name: <c>pyramid-nacl</c>.</summary>
    public const string FormatName = "pyramid-nacl";

    /// <summary>pyramid_nacl_session's limit on the cookie value, in characters.</summary>
    public const int ValueLimit = 4064;

    private const int MaxValueLength = 16 * 1024;

    private readonly PyramidNaclCookieOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TesseraMetrics _metrics;
    private readonly byte[] _secret;

    /// <summary>Creates the format.</summary>
    /// <param name="options">Keys, timeouts and cookie attributes.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives rejections (Debug, with the reason, never the cookie); none when null.</param>
    /// <param name="meterFactory">Where the <c>Tessera</c> meter comes from (the application's, with dependency injection); a process-wide meter when null.</param>
    /// <exception cref="ArgumentException">The secret is missing or not 32 bytes.</exception>
    public PyramidNaclCookieFormat(PyramidNaclCookieOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Secret is not { Length: SecretBox.KeySize })
        {
            throw new ArgumentException($"PyramidNaclCookieOptions.Secret must be the Python side's 32-byte secret (64 hex characters in its settings), not {options.Secret?.Length ?? 0} bytes.", nameof(options));
        }

        _secret = (byte[])options.Secret.Clone();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = TesseraMetrics.For(meterFactory);
    }

    /// <inheritdoc />
    public string Name => FormatName;

    /// <inheritdoc />
    public CookieReadResult Read(string cookieName, string? value) => Read(cookieName, value, _time.GetUtcNow());

    /// <inheritdoc />
    public CookieReadResult Read(string cookieName, string? value, DateTimeOffset now) => Read(value, CookieJson.ToUnixSeconds(now));

    /// <summary>Reads at an explicit Unix time in seconds (Pyramid compares float seconds).</summary>
    internal CookieReadResult Read(string? value, double now) => CookieMetrics.Record(_metrics, _logger, ReadCore(value, now));

    private CookieReadResult ReadCore(string? value, double now)
    {
        if (string.IsNullOrEmpty(value))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Absent);
        }

        if (value.Length > MaxValueLength || !CookieBase64.TryDecodeUrl(value, out var raw, out var rawLength))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Malformed);
        }

        if (rawLength < SecretBox.NonceSize + SecretBox.TagSize)
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Malformed);
        }

        var json = SecretBox.TryOpen(_secret, raw[..SecretBox.NonceSize], raw[SecretBox.NonceSize..rawLength]);
        if (json is null)
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.BadSignature);
        }

        if (!CookieJson.TryParse(json, out var node) || node is not JsonArray { Count: 3 } envelope ||
            !CookieJson.TryGetDouble(envelope[0], out var renewedSeconds) ||
            !CookieJson.TryGetDouble(envelope[1], out var createdSeconds) ||
            envelope[2] is not JsonObject state ||
            !CookieJson.TryFromUnixSeconds(renewedSeconds, out var renewed) ||
            !CookieJson.TryFromUnixSeconds(createdSeconds, out var created))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Corrupt);
        }

        // Pyramid: strictly greater than the timeout expires; the state is dropped but created is kept.
        if (_options.Timeout is { } timeout && now - renewedSeconds > timeout.TotalSeconds)
        {
            return CookieReadResult.Expired(FormatName, state, created, renewed);
        }

        // Reissue compares the integer second, as Pyramid's accessors do.
        var reissue = _options.ReissueTime is { } reissueTime && Math.Floor(now) - renewedSeconds > reissueTime.TotalSeconds;
        // Data and StoredData are one instance: Pyramid's state is the application dictionary.
        return CookieReadResult.Valid(FormatName, state, state, created, renewed, reissue);
    }

    /// <inheritdoc />
    /// <remarks>Writes <c>[int(renewed), created, state]</c> as Pyramid does after a setter.</remarks>
    /// <exception cref="CookieTooLargeException">The value exceeds pyramid_nacl_session's 4064 characters, or name=value exceeds 4096 bytes.</exception>
    /// <exception cref="ArgumentException">The data is nested more than 900 levels deep (see docs/cookies.md).</exception>
    public string Write(string cookieName, CookieSessionPayload payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        ArgumentNullException.ThrowIfNull(payload);
        var envelope = new JsonArray(
            (long)Math.Floor(CookieJson.ToUnixSeconds(payload.Renewed)),
            CookieJson.ToUnixSeconds(payload.Created),
            payload.Data.DeepClone());
        var value = Seal(Encoding.UTF8.GetBytes(PythonJson.Serialize(envelope, dataLevel: 2)), RandomNumberGenerator.GetBytes(SecretBox.NonceSize));
        if (value.Length > ValueLimit)
        {
            throw new CookieTooLargeException(value.Length, ValueLimit, "pyramid_nacl_session's cookie value (in characters; Pyramid refuses to write more)");
        }

        var size = cookieName.Length + 1 + value.Length;
        if (size > CookieChunker.BrowserLimit)
        {
            throw new CookieTooLargeException(size, CookieChunker.BrowserLimit, $"Pyramid cookie '{cookieName}' (name=value, in bytes; browsers drop larger cookies)");
        }

        return value;
    }

    /// <summary>Seals envelope JSON bytes with an explicit nonce (tests, vectors).</summary>
    internal string Seal(byte[] json, byte[] nonce) => Base64Url.EncodeToString([.. nonce, .. SecretBox.Seal(_secret, nonce, json)]);

}
