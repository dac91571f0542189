using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Diagnostics;
using Tessera.Keys;
using Tessera.Sessions;

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

    /// <summary>Keys must be at least this many bytes (<see cref="SecretRule.MinimumLength"/>); longer keys work too, as HKDF input.</summary>
    public const int KeySize = SecretRule.MinimumLength;

    internal const int KeyIdSize = 4;
    internal const int SaltSize = 16;
    internal const int HeaderSize = 1 + KeyIdSize + SaltSize;
    internal const int TagSize = 16;

    /// <summary>
    /// The longest cookie value this format reads (chunked sessions joined) and so the longest it writes, whatever the
    /// chunking: larger input is Malformed, not work, and <see cref="Write(string, CookieSessionPayload)"/> refuses to emit it.
    /// </summary>
    public const int MaxValueLength = 64 * 1024;

    // The payload document is one level deeper than the session dictionary it carries.
    internal const int PayloadDepth = JsonLimits.MaxDepth + 1;

    private static readonly byte[] HkdfInfo = "tessera cookie v1"u8.ToArray();
    private static readonly byte[] KeyIdLabel = "tessera cookie key id"u8.ToArray();
    // Cookie names longer than this (in UTF-8 bytes) take a heap buffer for the associated data.
    private const int MaxStackName = 256;

    private readonly SealedCookieOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TesseraMetrics _metrics;
    private readonly byte[][] _keys;
    private readonly uint[] _keyIds;
    private readonly byte[][] _prks;

    /// <summary>Creates the format.</summary>
    /// <param name="options">Keys, timeouts and cookie attributes.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives rejections (Debug, with the reason, never the cookie); none when null.</param>
    /// <param name="meterFactory">Where the <c>Tessera</c> meter comes from (the application's, with dependency injection); a process-wide meter when null.</param>
    /// <exception cref="ArgumentException">No keyring, a key shorter than 32 bytes, or inconsistent timeouts.</exception>
    public SealedCookieFormat(SealedCookieOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keyring is null)
        {
            throw new ArgumentException("SealedCookieOptions.Keyring is required: configure at least one secret of 32 or more bytes (generate one with 'tessera secret').", nameof(options));
        }

        _keys = [.. options.Keyring.Secrets];
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i].Length < KeySize)
            {
                throw new ArgumentException(
                    $"Tessera's sealed cookies need keys of at least {KeySize} bytes; secret #{i + 1} is {_keys[i].Length} bytes. Generate one with 'tessera secret'. (Short legacy keys are accepted only by the Beaker format.)",
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
        _metrics = TesseraMetrics.For(meterFactory);
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
        return Open(cookieName, value, out var rejection) is { } opened ? Judge(opened, now) : Reject(rejection);
    }

    /// <summary>Logs and counts, as <see cref="CookieRejection.Malformed"/>, a cookie refused before it reached this format (incomplete chunks).</summary>
    internal CookieReadResult RejectMalformed() => Reject(CookieRejection.Malformed);

    /// <summary>A rejection, logged and counted (an absent cookie is not a verdict: neither).</summary>
    internal CookieReadResult Reject(CookieRejection reason) =>
        CookieMetrics.Record(_metrics, _logger, CookieReadResult.Rejected(FormatName, reason));

    /// <summary>
    /// The verdict at <paramref name="now"/> on a cookie this format opened (or wrote), logged and counted: expiry, re-issue
    /// and the old-key note are judged here and only here, so a cookie opened once and judged again later gets the verdict
    /// a fresh open would. Each call makes a new <see cref="JsonObject"/> over the shared, read-only data.
    /// </summary>
    internal CookieReadResult Judge(OpenedCookie opened, DateTimeOffset now)
    {
        var data = JsonObject.Create(opened.Data)!;
        CookieReadResult result;
        if ((_options.IdleTimeout is { } idle && now - opened.Renewed > idle) ||
            (_options.AbsoluteLifetime is { } lifetime && now - opened.Created > lifetime))
        {
            result = CookieReadResult.Expired(FormatName, data, opened.Created, opened.Renewed);
        }
        else
        {
            var reissue = _options.ReissueTime is { } reissueTime && now - opened.Renewed > reissueTime;
            if (opened.KeyIndex > 0)
            {
                CookieLog.OpenedWithOldKey(_logger, opened.KeyId);
            }

            // Data and StoredData are one instance here: the format has no bookkeeping keys inside the dictionary.
            result = CookieReadResult.Valid(FormatName, data, data, opened.Created, opened.Renewed, reissue, openedWithOldKey: opened.KeyIndex > 0);
        }

        return CookieMetrics.Record(_metrics, _logger, result);
    }

    /// <summary>
    /// Authenticates, decrypts and parses <paramref name="value"/> without judging its times; null, with the reason in
    /// <paramref name="rejection"/>, when it is absent, malformed, under an unknown key, forged or corrupt. Nothing is
    /// logged or counted here.
    /// </summary>
    internal OpenedCookie? Open(string cookieName, string? value, out CookieRejection rejection)
    {
        rejection = CookieRejection.Malformed;
        if (string.IsNullOrEmpty(value))
        {
            rejection = CookieRejection.Absent;
            return null;
        }

        if (value.Length > MaxValueLength)
        {
            return null;
        }

        // Pooled buffers: the decoded cookie and its plaintext live only for this call (the JSON parse copies).
        var raw = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(value.Length));
        byte[]? plaintext = null;
        try
        {
            if (!CookieBase64.TryDecodeUrl(value, raw, out var rawLength) || rawLength < HeaderSize + TagSize || raw[0] != Version)
            {
                return null;
            }

            var sealedBytes = raw.AsSpan(0, rawLength);
            var keyId = BinaryPrimitives.ReadUInt32BigEndian(sealedBytes[1..]);
            var plaintextLength = rawLength - HeaderSize - TagSize;
            plaintext = ArrayPool<byte>.Shared.Rent(plaintextLength);
            var opened = -1;
            var anyKey = false;
            for (var i = 0; i < _keys.Length && opened < 0; i++)
            {
                if (_keyIds[i] != keyId)
                {
                    continue;
                }

                anyKey = true;
                if (TryOpen(_prks[i], cookieName, sealedBytes, plaintext.AsSpan(0, plaintextLength)))
                {
                    opened = i;
                }
            }

            if (!anyKey)
            {
                rejection = CookieRejection.UnknownKey;
                return null;
            }

            if (opened < 0)
            {
                rejection = CookieRejection.BadSignature;
                return null;
            }

            if (!TryParsePayload(plaintext.AsSpan(0, plaintextLength), out var data, out var created, out var renewed))
            {
                rejection = CookieRejection.Corrupt;
                return null;
            }

            rejection = CookieRejection.None;
            return new OpenedCookie(data, created, renewed, opened, keyId, plaintextLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            if (plaintext is not null)
            {
                ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="CookieTooLargeException">
    /// Over 4096 bytes of <c>name=value</c> while chunking is off, or a value over <see cref="MaxValueLength"/>.
    /// </exception>
    /// <exception cref="ArgumentException">A value the reader would refuse (see <see cref="SessionJson.FindProblem"/>).</exception>
    public string Write(string cookieName, CookieSessionPayload payload) => Write(cookieName, payload, snapshot: false, out _);

    /// <summary>
    /// <see cref="Write(string, CookieSessionPayload)"/>, and with <paramref name="snapshot"/> also what opening the
    /// returned value would produce (parsed from the very bytes that were sealed, under the newest key), or null where
    /// that open would find the payload corrupt.
    /// </summary>
    internal string Write(string cookieName, CookieSessionPayload payload, bool snapshot, out OpenedCookie? written)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        written = null;
        ArgumentNullException.ThrowIfNull(payload);
        SessionJson.ThrowIfNotStorable(payload.Data);
        // Salt from the per-thread CSPRNG pool: one OS call per 4 KiB instead of one per cookie.
        Span<byte> salt = stackalloc byte[SaltSize];
        RandomPool.Fill(salt);
        var json = JsonScratch.Rent(out var writer);
        string value;
        try
        {
            WritePayload(writer, payload);
            value = Seal(_prks[0], _keyIds[0], cookieName, json.WrittenSpan, salt);
            if (snapshot && TryParsePayload(json.WrittenSpan, out var data, out var created, out var renewed))
            {
                written = new OpenedCookie(data, created, renewed, keyIndex: 0, _keyIds[0], json.WrittenCount);
            }
        }
        finally
        {
            JsonScratch.Return(json);
        }

        var size = cookieName.Length + 1 + value.Length;
        if (!_options.EnableChunking && size > CookieChunker.BrowserLimit)
        {
            throw new CookieTooLargeException(size, CookieChunker.BrowserLimit, $"Sealed cookie '{cookieName}' (name=value, in bytes)");
        }

        if (value.Length > MaxValueLength)
        {
            throw new CookieTooLargeException(value.Length, MaxValueLength, $"Sealed cookie '{cookieName}' (value, chunks joined, in bytes)");
        }

        return value;
    }

    /// <summary>The HKDF pseudo-random key of a keyring key (the extract step, done once per key).</summary>
    internal static byte[] Prk(byte[] key) => HKDF.Extract(HashAlgorithmName.SHA256, key, HkdfInfo);

    /// <summary>Seals serialized payload bytes with an explicit salt (tests and benchmarks).</summary>
    internal static string Seal(byte[] prk, uint keyId, string cookieName, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> salt)
    {
        var rawLength = HeaderSize + plaintext.Length + TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(rawLength);
        try
        {
            var raw = buffer.AsSpan(0, rawLength);
            raw[0] = Version;
            BinaryPrimitives.WriteUInt32BigEndian(raw[1..], keyId);
            salt.CopyTo(raw[(1 + KeyIdSize)..]);
            Span<byte> messageKey = stackalloc byte[32];
            DeriveMessageKey(prk, salt, messageKey);
            var nameLength = Encoding.UTF8.GetByteCount(cookieName);
            var aad = nameLength <= MaxStackName ? stackalloc byte[HeaderSize + nameLength] : new byte[HeaderSize + nameLength];
            WriteAssociatedData(raw[..HeaderSize], cookieName, aad);
            using (var gcm = new AesGcm(messageKey, TagSize))
            {
                gcm.Encrypt(stackalloc byte[12], plaintext, raw.Slice(HeaderSize, plaintext.Length), raw[(HeaderSize + plaintext.Length)..], aad);
            }

            CryptographicOperations.ZeroMemory(messageKey);
            return Base64Url.EncodeToString(raw);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>HKDF-Expand(PRK, info || salt, 32): with L = 32 that is the single HMAC-SHA256(PRK, info || salt || 0x01).</summary>
    private static void DeriveMessageKey(byte[] prk, ReadOnlySpan<byte> salt, Span<byte> messageKey)
    {
        Span<byte> block = stackalloc byte[HkdfInfo.Length + SaltSize + 1];
        HkdfInfo.CopyTo(block);
        salt.CopyTo(block[HkdfInfo.Length..]);
        block[^1] = 0x01;
        HmacSha256.ComputeWithServerKey(prk, block, messageKey);
    }

    private static bool TryOpen(byte[] prk, string cookieName, ReadOnlySpan<byte> sealedBytes, Span<byte> plaintext)
    {
        Span<byte> messageKey = stackalloc byte[32];
        DeriveMessageKey(prk, sealedBytes.Slice(1 + KeyIdSize, SaltSize), messageKey);
        var nameLength = Encoding.UTF8.GetByteCount(cookieName);
        var aad = nameLength <= MaxStackName ? stackalloc byte[HeaderSize + nameLength] : new byte[HeaderSize + nameLength];
        WriteAssociatedData(sealedBytes[..HeaderSize], cookieName, aad);
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

    private static void WriteAssociatedData(ReadOnlySpan<byte> header, string cookieName, Span<byte> aad)
    {
        header.CopyTo(aad);
        Encoding.UTF8.GetBytes(cookieName, aad[header.Length..]);
    }

    /// <summary>
    /// The length of the value <see cref="Write(string, CookieSessionPayload)"/> would return for <paramref name="payload"/>, without sealing it: size
    /// limits are checked when a value is set, before anything is written.
    /// </summary>
    internal static int SealedLength(CookieSessionPayload payload)
    {
        var json = JsonScratch.Rent(out var writer);
        try
        {
            WritePayload(writer, payload);
            return Base64Url.GetEncodedLength(HeaderSize + json.WrittenCount + TagSize);
        }
        finally
        {
            JsonScratch.Return(json);
        }
    }

    /// <summary>The payload JSON as a new array (tests and benchmarks; <see cref="Write(string, CookieSessionPayload)"/> serializes into a reused buffer).</summary>
    internal static byte[] SerializePayload(CookieSessionPayload payload)
    {
        var json = JsonScratch.Rent(out var writer);
        try
        {
            WritePayload(writer, payload);
            return json.WrittenSpan.ToArray();
        }
        finally
        {
            JsonScratch.Return(json);
        }
    }

    private static void WritePayload(Utf8JsonWriter writer, CookieSessionPayload payload)
    {
        writer.WriteStartObject();
        writer.WriteNumber("c"u8, payload.Created.ToUnixTimeMilliseconds());
        writer.WriteNumber("r"u8, payload.Renewed.ToUnixTimeMilliseconds());
        writer.WritePropertyName("d"u8);
        payload.Data.WriteTo(writer);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>
    /// Reads <c>{"c": ms, "r": ms, "d": {...}}</c>; the dictionary is an element of a parsed document of its own (a
    /// <see cref="JsonObject"/> over it materialises lazily). Authentic is not the same as well-formed (a leaked key, a bug): one allocation-free
    /// scan first refuses whatever would throw on materialisation (lone surrogates, duplicate keys, bad UTF-8, depth).
    /// </summary>
    private static bool TryParsePayload(ReadOnlySpan<byte> json, out JsonElement data, out DateTimeOffset created, out DateTimeOffset renewed)
    {
        data = default;
        created = renewed = default;
        if (!SessionJson.IsReadable(json, PayloadDepth))
        {
            return false;
        }

        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = PayloadDepth });
            // ParseValue copies the bytes (the pooled plaintext is wiped after this call) and rents nothing, so the
            // document needs no disposal; the element keeps it alive and is safe to read from several threads.
            root = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                return false; // content after the object
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("d"u8, out var d) || d.ValueKind != JsonValueKind.Object ||
            !TryGetMilliseconds(root, "c"u8, out created) || !TryGetMilliseconds(root, "r"u8, out renewed))
        {
            return false;
        }

        data = d;
        return true;
    }

    private static bool TryGetMilliseconds(JsonElement root, ReadOnlySpan<byte> name, out DateTimeOffset time)
    {
        time = default;
        if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var ms) &&
            ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return false;
    }
}
