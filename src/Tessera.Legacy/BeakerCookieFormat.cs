using System.Buffers.Text;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Cookies;
using Tessera.Diagnostics;

namespace Tessera.Legacy;

/// <summary>
/// Reads and writes Beaker 1.11 cookie sessions with the JSON serializer (spec section 1):
/// <c>value = hex(HMAC-SHA1(validate_key, P)) || P</c>, <c>P = nonce-text || b64(AES(PBKDF2-SHA1×1(encrypt_key,
/// validate_key || nonce-text), zlib(JSON)))</c> or, signed only, <c>P = b64(zlib(JSON))</c>.
/// </summary>
/// <remarks>
/// Strict where Python is lenient (documented in docs/cookies.md): non-alphabet characters in base64, arrays of pairs,
/// NaN/Infinity and lone surrogates are Corrupt. A value wrapped in double quotes is accepted, as Beaker strips them.
/// </remarks>
public sealed class BeakerCookieFormat : ICookieSessionFormat
{
    /// <summary>The format's name: <c>beaker</c>.</summary>
    public const string FormatName = "beaker";

    /// <summary>Beaker's own limit on the payload (the value without its 40-character signature).</summary>
    public const int PayloadLimit = 4064;

    /// <summary>Beaker's bookkeeping keys inside the session dictionary.</summary>
    public static readonly IReadOnlySet<string> InternalKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "_domain", "_path", "_id", "_creation_time", "_accessed_time", "_expires",
    };

    private const int SignatureLength = 40;
    private const int GcmIvSize = 12;
    private const int GcmTagSize = 16;

    /// <summary>
    /// The most JSON a Beaker cookie may inflate to, in bytes (4 MiB). Above anything a cookie Beaker writes can hold
    /// (its 4064-character payload is at most 3048 bytes of zlib, and deflate expands at most 1032:1, about 3.1 MB), so
    /// every cookie Beaker writes is read; the writer refuses more before it emits, and the reader stops inflating past
    /// it, so a zip bomb behind a valid signature costs at most this much memory.
    /// </summary>
    public const int MaxInflatedBytes = 4 * 1024 * 1024;

    private const int MaxValueLength = 16 * 1024;

    private readonly BeakerCookieOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TesseraMetrics _metrics;
    private readonly byte[] _validateKey;
    private readonly byte[]? _encryptKey;
    private readonly int _nonceTextLength;

    /// <summary>Creates the format.</summary>
    /// <param name="options">Keys, timeouts and cookie attributes.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives rejections (Debug, with the reason, never the cookie); none when null.</param>
    /// <param name="meterFactory">Where the <c>Tessera</c> meter comes from (the application's, with dependency injection); a process-wide meter when null.</param>
    /// <exception cref="ArgumentException">No validate key, non-ASCII keys with encryption, or nonce bits not a multiple of 8.</exception>
    public BeakerCookieFormat(BeakerCookieOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.ValidateKey))
        {
            throw new ArgumentException("BeakerCookieOptions.ValidateKey is required: use the Python side's session.validate_key.", nameof(options));
        }

        if (options.NonceBits is < 8 or > 1024 || options.NonceBits % 8 != 0)
        {
            throw new ArgumentException($"BeakerCookieOptions.NonceBits must be a multiple of 8 (Beaker's encrypt_nonce_bits, default 128), not {options.NonceBits}.", nameof(options));
        }

        if (options.EncryptKey is not null)
        {
            if (options.EncryptKey.Length == 0)
            {
                throw new ArgumentException("BeakerCookieOptions.EncryptKey is empty: set Beaker's session.encrypt_key, or null for signed-only cookies.", nameof(options));
            }

            if (!Ascii.IsValid(options.EncryptKey) || !Ascii.IsValid(options.ValidateKey))
            {
                throw new ArgumentException("Beaker encodes encrypt_key and validate_key as ASCII when encrypting; a non-ASCII key makes Beaker itself fail.", nameof(options));
            }

            _encryptKey = Encoding.ASCII.GetBytes(options.EncryptKey);
        }

        _validateKey = Encoding.UTF8.GetBytes(options.ValidateKey);
        var nonceBytes = options.NonceBits / 8;
        _nonceTextLength = ((4 * nonceBytes / 3) + 3) & ~3;
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
    public CookieReadResult Read(string cookieName, string? value, DateTimeOffset now) =>
        Read(value, CookieJson.ToUnixSeconds(now));

    /// <summary>Reads at an explicit Unix time in seconds (vectors compare float seconds, as Beaker does).</summary>
    internal CookieReadResult Read(string? value, double now) => CookieMetrics.Record(_metrics, _logger, ReadCore(value, now));

    private CookieReadResult ReadCore(string? value, double now)
    {
        if (string.IsNullOrEmpty(value) || value == "\"\"")
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Absent);
        }

        // Beaker's cookie parser strips one pair of wrapping quotes and drops a value with any other quote (an
        // unbalanced one at either end included): that session is new there, Malformed here.
        var text = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
        if (text.Contains('"', StringComparison.Ordinal) || text.Length > MaxValueLength || !Ascii.IsValid(text))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Malformed);
        }

        if (text.Length < SignatureLength || !VerifySignature(text.AsSpan(0, SignatureLength), text.AsSpan(SignatureLength)))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.BadSignature);
        }

        var serialized = Decrypt(text.AsSpan(SignatureLength));
        if (serialized is null || !TryInflate(serialized, out var json) ||
            !CookieJson.TryParse(json, out var node) || node is not JsonObject stored)
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Corrupt);
        }

        DateTimeOffset? created = null, renewed = null;
        double? accessedSeconds = null;
        if (stored.TryGetPropertyValue("_creation_time", out var c))
        {
            if (!CookieJson.TryGetDouble(c, out var cs) || !CookieJson.TryFromUnixSeconds(cs, out var ct))
            {
                return CookieReadResult.Rejected(FormatName, CookieRejection.Corrupt);
            }

            created = ct;
        }

        if (stored.TryGetPropertyValue("_accessed_time", out var a))
        {
            if (!CookieJson.TryGetDouble(a, out var accessed) || !CookieJson.TryFromUnixSeconds(accessed, out var at))
            {
                return CookieReadResult.Rejected(FormatName, CookieRejection.Corrupt);
            }

            accessedSeconds = accessed;
            renewed = at;
        }

        // Beaker: a missing _accessed_time never expires; strictly greater than the timeout expires.
        if (_options.Timeout is { } timeout && accessedSeconds is { } last && now - last > timeout.TotalSeconds)
        {
            return CookieReadResult.Expired(FormatName, stored, created, renewed);
        }

        var data = new JsonObject();
        foreach (var (key, item) in stored)
        {
            if (!InternalKeys.Contains(key))
            {
                data[key] = item?.DeepClone();
            }
        }

        var reissue = _options.ReissueTime is { } reissueTime && (accessedSeconds is not { } acc || now - acc > reissueTime.TotalSeconds);
        return CookieReadResult.Valid(FormatName, data, stored, created, renewed, reissue);
    }

    /// <inheritdoc />
    /// <exception cref="CookieTooLargeException">The payload exceeds Beaker's 4064 characters, or name=value exceeds 4096 bytes.</exception>
    /// <exception cref="ArgumentException">The data is nested more than 900 levels deep (see docs/cookies.md).</exception>
    public string Write(string cookieName, CookieSessionPayload payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        ArgumentNullException.ThrowIfNull(payload);
        var stored = new JsonObject
        {
            ["_domain"] = _options.Domain,
            ["_path"] = _options.Path,
            ["_id"] = payload.Data["_id"] is JsonValue id && id.TryGetValue(out string? idText) && idText.Length == 32 && idText.All(char.IsAsciiHexDigitLower)
                ? idText
                : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        };
        foreach (var (key, item) in payload.Data)
        {
            if (!InternalKeys.Contains(key))
            {
                stored[key] = item?.DeepClone();
            }
        }

        stored["_creation_time"] = CookieJson.ToUnixSeconds(payload.Created);
        stored["_accessed_time"] = CookieJson.ToUnixSeconds(payload.Renewed);
        return WriteStored(cookieName, stored);
    }

    /// <summary>Writes a dictionary exactly as Beaker stores it (underscore keys included), e.g. for the CLI.</summary>
    public string WriteStored(string cookieName, JsonObject stored)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        ArgumentNullException.ThrowIfNull(stored);
        var serialized = Serialize(stored);
        var nonceText = _encryptKey is null ? string.Empty : Convert.ToBase64String(RandomNumberGenerator.GetBytes(_options.NonceBits / 8));
        var iv = _options.Crypto == BeakerCrypto.Gcm ? RandomNumberGenerator.GetBytes(GcmIvSize) : [];
        var value = Seal(serialized, nonceText, iv);
        var payloadLength = value.Length - SignatureLength;
        if (payloadLength > PayloadLimit)
        {
            throw new CookieTooLargeException(payloadLength, PayloadLimit, "Beaker's payload (the value without its 40-character signature, in characters; Beaker refuses to write more)");
        }

        var size = cookieName.Length + 1 + value.Length;
        if (size > CookieChunker.BrowserLimit)
        {
            throw new CookieTooLargeException(size, CookieChunker.BrowserLimit, $"Beaker cookie '{cookieName}' (name=value, in bytes; browsers drop larger cookies)");
        }

        return value;
    }

    /// <summary>Beaker's JSON serializer: Python-style JSON text, UTF-8, zlib (RFC 1950).</summary>
    /// <exception cref="ArgumentException">The data is nested deeper than <see cref="PythonJson.MaxDepth"/>.</exception>
    /// <exception cref="CookieTooLargeException">The JSON exceeds <see cref="MaxInflatedBytes"/>.</exception>
    internal static byte[] Serialize(JsonObject stored)
    {
        var json = Encoding.UTF8.GetBytes(PythonJson.Serialize(stored));
        if (json.Length > MaxInflatedBytes)
        {
            throw new CookieTooLargeException(json.Length, MaxInflatedBytes, "Beaker's session JSON before compression (in bytes; the reader inflates no more)");
        }

        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json);
        }

        return buffer.ToArray();
    }

    /// <summary>Encrypts (when configured) and signs serialized bytes with an explicit nonce text and GCM IV.</summary>
    internal string Seal(ReadOnlySpan<byte> serialized, string nonceText, ReadOnlySpan<byte> gcmIv)
    {
        string payload;
        if (_encryptKey is null)
        {
            payload = Convert.ToBase64String(serialized);
        }
        else
        {
            var key = DeriveKey(nonceText);
            byte[] cipher;
            if (_options.Crypto == BeakerCrypto.Ctr)
            {
                cipher = AesCtr.Transform(key, serialized);
            }
            else
            {
                cipher = new byte[GcmIvSize + GcmTagSize + serialized.Length];
                gcmIv.CopyTo(cipher);
                using var gcm = new AesGcm(key, GcmTagSize);
                gcm.Encrypt(gcmIv, serialized, cipher.AsSpan(GcmIvSize + GcmTagSize), cipher.AsSpan(GcmIvSize, GcmTagSize));
            }

            CryptographicOperations.ZeroMemory(key);
            payload = nonceText + Convert.ToBase64String(cipher);
        }

        return Sign(payload) + payload;
    }

    /// <summary>PBKDF2-HMAC-SHA1, one iteration, 32 bytes; salt = validate_key || nonce text (ASCII).</summary>
    internal byte[] DeriveKey(string nonceText)
    {
        var salt = Encoding.ASCII.GetBytes(_options.ValidateKey + nonceText);
        return Rfc2898DeriveBytes.Pbkdf2(_encryptKey!, salt, 1, HashAlgorithmName.SHA1, 32);
    }

#pragma warning disable CA5350 // Beaker's wire format is HMAC-SHA1: interoperability requires it.
    private string Sign(string payload) =>
        Convert.ToHexStringLower(HMACSHA1.HashData(_validateKey, Encoding.ASCII.GetBytes(payload)));

    private bool VerifySignature(ReadOnlySpan<char> signature, ReadOnlySpan<char> payload)
    {
        Span<byte> mac = stackalloc byte[20];
        HMACSHA1.HashData(_validateKey, Encoding.ASCII.GetBytes(payload.ToArray()), mac);
        Span<byte> expected = stackalloc byte[SignatureLength];
        Span<byte> given = stackalloc byte[SignatureLength];
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(mac), expected);
        Encoding.ASCII.GetBytes(signature, given);

        // Beaker compares the hex text case-sensitively: upper-case hex is a bad signature.
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

#pragma warning restore CA5350

    private byte[]? Decrypt(ReadOnlySpan<char> payload)
    {
        if (_encryptKey is null)
        {
            return TryDecodeBase64(payload);
        }

        if (payload.Length < _nonceTextLength)
        {
            return null;
        }

        var nonceText = payload[.._nonceTextLength].ToString();
        var cipher = TryDecodeBase64(payload[_nonceTextLength..]);
        if (cipher is null)
        {
            return null;
        }

        var key = DeriveKey(nonceText);
        try
        {
            if (_options.Crypto == BeakerCrypto.Ctr)
            {
                return AesCtr.Transform(key, cipher);
            }

            if (cipher.Length < GcmIvSize + GcmTagSize)
            {
                return null;
            }

            var result = new byte[cipher.Length - GcmIvSize - GcmTagSize];
            using var gcm = new AesGcm(key, GcmTagSize);
            gcm.Decrypt(cipher.AsSpan(0, GcmIvSize), cipher.AsSpan(GcmIvSize + GcmTagSize), cipher.AsSpan(GcmIvSize, GcmTagSize), result);
            return result;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Strict standard base64 with padding; Python's silent dropping of other characters is not copied.</summary>
    private static byte[]? TryDecodeBase64(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 != 0)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/' || c == '='))
            {
                return null;
            }
        }

        var buffer = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64Chars(text, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Inflates in bounded steps: never more than <see cref="MaxInflatedBytes"/> in memory; false on any bad stream.</summary>
    private static bool TryInflate(byte[] serialized, out byte[] json)
    {
        json = [];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(serialized), CompressionMode.Decompress);
            var buffer = new byte[Math.Min(MaxInflatedBytes + 1, Math.Max(4096, serialized.Length * 8))];
            var length = 0;
            int n;
            while ((n = zlib.Read(buffer.AsSpan(length))) > 0)
            {
                length += n;
                if (length > MaxInflatedBytes)
                {
                    return false;
                }

                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Min(MaxInflatedBytes + 1, buffer.Length * 2));
                }
            }

            json = buffer[..length];
            return true;
        }
        catch (InvalidDataException)
        {
            return false; // not a zlib stream, or a damaged one
        }
        catch (IOException)
        {
            return false; // ZLibException (e.g. a preset-dictionary stream), which zlib reports through IOException
        }
    }
}
