using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Per-user "tickets valid after" times, so auth_tkt tickets end with the user's sessions: a sign-out, a revocation or
/// a password change (check value) records "now" for the user, and the auth_tkt handler refuses that user's tickets
/// issued at or before it. Kept in the Tessera session store as an ordinary sealed <see cref="SessionRecord"/>, so it
/// works with every <see cref="ISessionStore"/> and every server of a fleet sees it at once (no cache: one store read
/// per ticket validation).
/// </summary>
/// <remarks>
/// Record key: HMAC-SHA256 of the UTF-8 user id under a key derived from the keyring (purpose
/// <c>tessera/authtkt-cutoff/v1</c>; written under the newest secret, read under all), so the store learns neither the
/// user id nor which records are cutoffs. Record data: <c>version (1 byte, 0x01) | nonce (12) | tag (16) | ciphertext (8)</c>,
/// AES-256-GCM under a second derived key (purpose <c>tessera/authtkt-cutoff-data/v1</c>) with the version byte and the
/// 32 record-key bytes as associated data; the plaintext is the cutoff in Unix milliseconds, big-endian. The record
/// expires when every ticket it refuses has timed out anyway (the longest auth_tkt <c>Timeout</c>).
/// Without a store (cookie mode with no <c>Tessera:Store:Provider</c>) there is nowhere to keep it: nothing is recorded.
/// </remarks>
internal sealed class AuthTktCutoffs
{
    private const string KeyPurpose = "tessera/authtkt-cutoff/v1";
    private const string DataPurpose = "tessera/authtkt-cutoff-data/v1";
    private const byte Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int MaxAttempts = 5;
    private static readonly long MinUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<State?> _state;
    private TimeSpan? _retention;

    public AuthTktCutoffs(IServiceProvider services, TimeProvider time, ILogger<AuthTktCutoffs> logger)
    {
        _services = services;
        _time = time;
        _logger = logger;
        _state = new Lazy<State?>(Open);
    }

    /// <summary>The user's cutoff: tickets issued at or before it are refused. <see langword="null"/> when none is recorded.</summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask<DateTimeOffset?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        if (_state.Value is not { } state)
        {
            return null;
        }

        long? latest = null;
        for (var i = 0; i < state.RecordKeys.Length; i++)
        {
            var key = RecordKey(state.RecordKeys[i], userId);
            var record = await state.Store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
            if (record is not null && OpenCutoff(state.DataKeys, key, record.Data.Span) is { } ms && ms > (latest ?? long.MinValue))
            {
                latest = ms;
            }
        }

        return latest is { } value ? TimeOf(value) : null;
    }

    /// <summary>
    /// A stored cutoff as a time. One outside the dates a <see cref="DateTimeOffset"/> holds (only a writer's bug could seal
    /// it) is clamped, not thrown: past the last date it still refuses every ticket of the user, before the first it refuses none.
    /// </summary>
    internal static DateTimeOffset TimeOf(long unixMilliseconds) =>
        unixMilliseconds >= MaxUnixMilliseconds ? DateTimeOffset.MaxValue
        : unixMilliseconds <= MinUnixMilliseconds ? DateTimeOffset.MinValue
        : DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    /// <summary>Records "now" as the user's cutoff (never moving an existing one back).</summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask EndTicketsAsync(string userId, CancellationToken cancellationToken)
    {
        if (_state.Value is not { } state)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var key = RecordKey(state.RecordKeys[0], userId);
        var retention = await RetentionAsync().ConfigureAwait(false);
        var expires = retention >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + retention;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await state.Store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
            var ms = Math.Max(now.ToUnixTimeMilliseconds(), current is null ? 0 : OpenCutoff(state.DataKeys, key, current.Data.Span) ?? 0);
            var record = new SessionRecord(key, (current?.Version ?? 0) + 1, SealCutoff(state.DataKeys[0], key, ms), expires);
            if (await state.Store.SaveAsync(record, current?.Version ?? 0, cancellationToken).ConfigureAwait(false) == SaveResult.Saved)
            {
                AuthTktLog.TicketsEnded(_logger);
                return;
            }
        }

        // Every attempt lost a race with another writer of the same user's cutoff, which recorded a time as recent.
    }

    /// <summary>Whether a ticket issued at <paramref name="issuedAt"/> is still accepted under <paramref name="cutoff"/>.</summary>
    public static bool IsAfter(DateTimeOffset? issuedAt, DateTimeOffset cutoff) => issuedAt is { } issued && issued > cutoff;

    /// <summary>
    /// The issue time of a new ticket: <paramref name="now"/> in whole seconds (as tickets carry it), or the first second
    /// after <paramref name="cutoff"/> when that is later (at most a second ahead), so the ticket is accepted. A cutoff in
    /// the last second a <see cref="DateTimeOffset"/> holds (see <see cref="TimeOf"/>) has no second after it: the ticket
    /// keeps <paramref name="now"/>, and the cutoff refuses it.
    /// </summary>
    public static DateTimeOffset IssueTime(DateTimeOffset now, DateTimeOffset? cutoff)
    {
        var second = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return cutoff is { } at && !IsAfter(second, at) && at.ToUnixTimeSeconds() < MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds() + 1)
            : second;
    }

    private static SessionKey RecordKey(byte[] key, string userId) =>
        SessionKey.FromBytes(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId)));

    private static byte[] SealCutoff(byte[] dataKey, SessionKey key, long ms)
    {
        Span<byte> plaintext = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, ms);
        var output = new byte[1 + NonceLength + TagLength + plaintext.Length];
        output[0] = Version;
        RandomNumberGenerator.Fill(output.AsSpan(1, NonceLength));
        using var aes = new AesGcm(dataKey, TagLength);
        aes.Encrypt(output.AsSpan(1, NonceLength), plaintext, output.AsSpan(1 + NonceLength + TagLength), output.AsSpan(1 + NonceLength, TagLength), Aad(key));
        return output;
    }

    private static long? OpenCutoff(byte[][] dataKeys, SessionKey key, ReadOnlySpan<byte> data)
    {
        if (data.Length != 1 + NonceLength + TagLength + sizeof(long) || data[0] != Version)
        {
            return null;
        }

        Span<byte> plaintext = stackalloc byte[sizeof(long)];
        foreach (var dataKey in dataKeys)
        {
            using var aes = new AesGcm(dataKey, TagLength);
            try
            {
                aes.Decrypt(data.Slice(1, NonceLength), data[(1 + NonceLength + TagLength)..], data.Slice(1 + NonceLength, TagLength), plaintext, Aad(key));
                return BinaryPrimitives.ReadInt64BigEndian(plaintext);
            }
            catch (AuthenticationTagMismatchException)
            {
                // Sealed under another secret of the keyring, or not a cutoff: try the next.
            }
        }

        return null;
    }

    private static byte[] Aad(SessionKey key) => [Version, .. key.Bytes];

    private State? Open()
    {
        var options = _services.GetService<IOptions<TesseraOptions>>()?.Value;
        var keyring = _services.GetService<TesseraKeyring>();
        if (options is null || keyring is null)
        {
            return null; // Tessera is not registered: an auth_tkt-only application, tickets work as in mod_auth_tkt.
        }

        if (options.Mode == TesseraMode.Cookie && string.IsNullOrWhiteSpace(options.Store.Provider))
        {
            AuthTktLog.CutoffsWithoutStore(_logger);
            return null;
        }

        var secrets = keyring.Keyring.Secrets.Count;
        return new State(
            _services.GetRequiredService<ISessionStore>(),
            [.. Enumerable.Range(0, secrets).Select(i => keyring.Keyring.DeriveKey(i, KeyPurpose))],
            [.. Enumerable.Range(0, secrets).Select(i => keyring.Keyring.DeriveKey(i, DataPurpose))]);
    }

    // The longest auth_tkt Timeout among the registered schemes: after it, every ticket the cutoff refuses has expired.
    private async ValueTask<TimeSpan> RetentionAsync()
    {
        if (_retention is { } known)
        {
            return known;
        }

        var longest = TimeSpan.Zero;
        var monitor = _services.GetRequiredService<IOptionsMonitor<AuthTktOptions>>();
        foreach (var scheme in await _services.GetRequiredService<IAuthenticationSchemeProvider>().GetAllSchemesAsync().ConfigureAwait(false))
        {
            if (scheme.HandlerType == typeof(AuthTktHandler))
            {
                var timeout = monitor.Get(scheme.Name).Timeout;
                longest = timeout == TimeSpan.Zero ? TimeSpan.MaxValue : timeout > longest ? timeout : longest;
                if (longest == TimeSpan.MaxValue)
                {
                    break;
                }
            }
        }

        _retention = longest;
        return longest;
    }

    private sealed record State(ISessionStore Store, byte[][] RecordKeys, byte[][] DataKeys);
}
