using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tessera.Cookies;

/// <summary>
/// Tessera's own cookie-session format: the whole session sealed with AES-256-GCM under a per-message key.
/// </summary>
/// <remarks>
/// Binary layout (version 1), then base64url without padding:
/// <code>
/// offset  size  field
///      0     1  version = 0x01
///      1     4  key id   = SHA-256("tessera cookie key id" || key)[0..4]  (derived, never configured)
///      5    16  salt     random per cookie
///     21     n  ciphertext of the UTF-8 JSON payload
///   21+n    16  GCM tag
/// </code>
/// Message key = HKDF-SHA256 with the keyring key as input keying material: PRK = HKDF-Extract(salt = "tessera cookie
/// v1", key), computed once per key; message key = HKDF-Expand(PRK, info = "tessera cookie v1" || cookie salt, 32).
/// (RFC 5869 puts per-message context in info and allows a fixed extract salt; this saves one HMAC per cookie.)
/// The GCM nonce is zero because each message key is used once, so no per-key nonce limit binds a busy site. Associated data =
/// the 21-byte header || UTF-8(cookie name): a value copied to another cookie name or version does not open.
/// Payload JSON: <c>{"c": created (Unix ms), "r": renewed (Unix ms), "d": { session dictionary }}</c>.
/// </remarks>
public sealed class SealedCookieFormat : ICookieSessionFormat
{
    /// <summary>The format's name: <c>tessera</c>.</summary>
    public const string FormatName = "tessera";

    /// <summary>The version byte this code writes.</summary>
    public const byte Version = 1;

    /// <summary>Keys must be exactly this many bytes.</summary>
    public const int KeySize = 32;

    internal const int KeyIdSize = 4;
    internal const int SaltSize = 16;
    internal const int HeaderSize = 1 + KeyIdSize + SaltSize;
    internal const int TagSize = 16;

    // Generous bound on what is decoded at all (chunked sessions included); larger input is Malformed, not work.
    private const int MaxValueLength = 64 * 1024;

    private static readonly byte[] HkdfInfo = "tessera cookie v1"u8.ToArray();
    private static readonly byte[] KeyIdLabel = "tessera cookie key id"u8.ToArray();
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SealedCookieOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[][] _keys;
    private readonly uint[] _keyIds;
    private readonly byte[][] _prks;

    /// <summary>Creates the format.</summary>
    /// <exception cref="ArgumentException">No keyring, a key that is not 32 bytes, or inconsistent timeouts.</exception>
    public SealedCookieFormat(SealedCookieOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keyring is null)
        {
            throw new ArgumentException("SealedCookieOptions.Keyring is required: configure at least one 32-byte secret (generate one with 'tessera secret').", nameof(options));
        }

        _keys = [.. options.Keyring.Secrets];
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i].Length != KeySize)
            {
                throw new ArgumentException(
                    $"Tessera's sealed cookies need 32-byte keys; secret #{i + 1} is {_keys[i].Length} bytes. Generate one with 'tessera secret --bytes 32'. (Short legacy keys are accepted only by the Beaker format.)",
                    nameof(options));
            }
        }

        if (options.ReissueTime is { } reissue && options.IdleTimeout is { } idle && reissue >= idle)
        {
            throw new ArgumentException($"ReissueTime ({reissue}) must be shorter than IdleTimeout ({idle}), or active sessions expire.", nameof(options));
        }

        _keyIds = [.. _keys.Select(KeyId)];
        _prks = [.. _keys.Select(Prk)];
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => FormatName;

    /// <summary>The options this format was built with.</summary>
    public SealedCookieOptions Options => _options;

    /// <summary>The key id of a key: the first 4 bytes of SHA-256("tessera cookie key id" || key), big-endian.</summary>
    public static uint KeyId(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        var input = new byte[KeyIdLabel.Length + key.Length];
        KeyIdLabel.CopyTo(input, 0);
        key.CopyTo(input, KeyIdLabel.Length);
        SHA256.HashData(input, hash);
        CryptographicOperations.ZeroMemory(input);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <inheritdoc />
    public CookieReadResult Read(string cookieName, string? value) => Read(cookieName, value, _time.GetUtcNow());

    /// <inheritdoc />
    public CookieReadResult Read(string cookieName, string? value, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        return CookieMetrics.Record(_logger, ReadCore(cookieName, value, now));
    }

    private CookieReadResult ReadCore(string cookieName, string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(value))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Absent);
        }

        if (value.Length > MaxValueLength || !CookieBase64.TryDecodeUrl(value, out var raw, out var rawLength))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Malformed);
        }

        if (rawLength < HeaderSize + TagSize || raw[0] != Version)
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Malformed);
        }

        var sealedBytes = raw.AsSpan(0, rawLength);
        var keyId = BinaryPrimitives.ReadUInt32BigEndian(sealedBytes[1..]);
        var plaintext = new byte[rawLength - HeaderSize - TagSize];
        var opened = -1;
        var anyKey = false;
        for (var i = 0; i < _keys.Length && opened < 0; i++)
        {
            if (_keyIds[i] != keyId)
            {
                continue;
            }

            anyKey = true;
            if (TryOpen(_prks[i], cookieName, sealedBytes, plaintext))
            {
                opened = i;
            }
        }

        if (!anyKey)
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.UnknownKey);
        }

        if (opened < 0)
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.BadSignature);
        }

        if (!TryParsePayload(plaintext, out var data, out var created, out var renewed))
        {
            return CookieReadResult.Rejected(FormatName, CookieRejection.Corrupt);
        }

        if ((_options.IdleTimeout is { } idle && now - renewed > idle) ||
            (_options.AbsoluteLifetime is { } lifetime && now - created > lifetime))
        {
            return CookieReadResult.Expired(FormatName, data, created, renewed);
        }

        var reissue = _options.ReissueTime is { } reissueTime && now - renewed > reissueTime;
        if (opened > 0)
        {
            CookieLog.OpenedWithOldKey(_logger, keyId);
        }

        // Data and StoredData are one instance here: the format has no bookkeeping keys inside the dictionary.
        return CookieReadResult.Valid(FormatName, data, data, created, renewed, reissue, openedWithOldKey: opened > 0);
    }

    /// <inheritdoc />
    /// <exception cref="CookieTooLargeException">Over 4096 bytes of <c>name=value</c> while chunking is off.</exception>
    public string Write(string cookieName, CookieSessionPayload payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        ArgumentNullException.ThrowIfNull(payload);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var value = Seal(_prks[0], _keyIds[0], cookieName, SerializePayload(payload), salt);
        var size = cookieName.Length + 1 + value.Length;
        if (!_options.EnableChunking && size > CookieChunker.BrowserLimit)
        {
            throw new CookieTooLargeException(size, CookieChunker.BrowserLimit, $"Sealed cookie '{cookieName}' (name=value, in bytes)");
        }

        return value;
    }

    /// <summary>The Set-Cookie header for a value this format wrote, with the configured attributes and max age.</summary>
    public SetCookieHeader CreateSetCookieHeader(string cookieName, string value) =>
        new(cookieName, value)
        {
            Path = _options.Path,
            Domain = _options.Domain,
            MaxAge = _options.MaxAge,
            IssuedAt = _time.GetUtcNow(),
            Secure = _options.Secure,
            HttpOnly = _options.HttpOnly,
            SameSite = _options.SameSite,
        };

    /// <summary>The HKDF pseudo-random key of a keyring key (the extract step, done once per key).</summary>
    internal static byte[] Prk(byte[] key) => HKDF.Extract(HashAlgorithmName.SHA256, key, HkdfInfo);

    /// <summary>Seals serialized payload bytes with an explicit salt (tests and benchmarks).</summary>
    internal static string Seal(byte[] prk, uint keyId, string cookieName, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> salt)
    {
        var raw = new byte[HeaderSize + plaintext.Length + TagSize];
        raw[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(1), keyId);
        salt.CopyTo(raw.AsSpan(1 + KeyIdSize));
        Span<byte> messageKey = stackalloc byte[32];
        DeriveMessageKey(prk, salt, messageKey);
        var aad = AssociatedData(raw.AsSpan(0, HeaderSize), cookieName);
        using (var gcm = new AesGcm(messageKey, TagSize))
        {
            gcm.Encrypt(stackalloc byte[12], plaintext, raw.AsSpan(HeaderSize, plaintext.Length), raw.AsSpan(HeaderSize + plaintext.Length), aad);
        }

        CryptographicOperations.ZeroMemory(messageKey);
        return Base64Url.EncodeToString(raw);
    }

    private static void DeriveMessageKey(byte[] prk, ReadOnlySpan<byte> salt, Span<byte> messageKey)
    {
        Span<byte> info = stackalloc byte[HkdfInfo.Length + SaltSize];
        HkdfInfo.CopyTo(info);
        salt.CopyTo(info[HkdfInfo.Length..]);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, messageKey, info);
    }

    private static bool TryOpen(byte[] prk, string cookieName, ReadOnlySpan<byte> sealedBytes, Span<byte> plaintext)
    {
        Span<byte> messageKey = stackalloc byte[32];
        DeriveMessageKey(prk, sealedBytes.Slice(1 + KeyIdSize, SaltSize), messageKey);
        var aad = AssociatedData(sealedBytes[..HeaderSize], cookieName);
        try
        {
            using var gcm = new AesGcm(messageKey, TagSize);
            gcm.Decrypt(stackalloc byte[12], sealedBytes.Slice(HeaderSize, plaintext.Length), sealedBytes[^TagSize..], plaintext, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string cookieName)
    {
        var aad = new byte[header.Length + Encoding.UTF8.GetByteCount(cookieName)];
        header.CopyTo(aad);
        Encoding.UTF8.GetBytes(cookieName, aad.AsSpan(header.Length));
        return aad;
    }

    internal static byte[] SerializePayload(CookieSessionPayload payload)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("c", payload.Created.ToUnixTimeMilliseconds());
            writer.WriteNumber("r", payload.Renewed.ToUnixTimeMilliseconds());
            writer.WritePropertyName("d");
            payload.Data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool TryParsePayload(ReadOnlySpan<byte> json, out JsonObject data, out DateTimeOffset created, out DateTimeOffset renewed)
    {
        data = null!;
        created = renewed = default;
        // The payload is authenticated and was written by this class, so the lazy parse is enough: nothing hostile
        // can be inside. (The peers' formats materialise every node to surface lone surrogates and the like.)
        if (!CookieJson.TryParseLazy(json, out var node) || node is not JsonObject root ||
            root["d"] is not JsonObject d ||
            !TryGetMilliseconds(root["c"], out created) || !TryGetMilliseconds(root["r"], out renewed))
        {
            return false;
        }

        data = d;
        return true;
    }

    private static bool TryGetMilliseconds(JsonNode? node, out DateTimeOffset time)
    {
        time = default;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long ms) &&
            ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return false;
    }

}
