using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Cookies;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// A request's server-side session: a <see cref="ServerSession"/> driven by the shared <see cref="SessionManager"/>.
/// </summary>
/// <remarks>
/// Made from a record the store already returned (the middleware awaits that read before the endpoint), it opens the
/// record (derive the key, decrypt, parse, check expiry and IP) on first use, whatever the member, so
/// <c>HttpContext.Session</c> stays synchronous without ever doing I/O, and a request that never uses the session
/// pays no cryptography. Unused, it is committed only when <see cref="SessionManager.MayNeedTouch"/> says its idle
/// expiry may be due to slide.
/// </remarks>
internal sealed class ServerRequestSession : RequestSession, ITesseraSessionLifetime
{
    private readonly SessionManager _manager;
    private readonly ServerSessionServices _services;
    private readonly bool _hadCookie;
    private readonly string? _requestCookie;
    private readonly bool _mayNeedTouch;
    private ServerSession? _opened;
    private SessionHandle? _pendingHandle;
    private SessionRecord? _pendingRecord;
    private HttpContext? _pendingContext;

    // The session's JSON size per key, built on the first write (reads never pay for it).
    private Dictionary<string, int>? _sizes;
    private long _size;
    private ServerUserSessions? _userSessions;

    public ServerRequestSession(ServerSessionServices services, ServerSession session, bool hadCookie, string? requestCookie = null)
    {
        _services = services;
        _manager = services.Manager;
        _opened = session;
        _hadCookie = hadCookie;
        _requestCookie = requestCookie;
    }

    /// <summary>
    /// A session whose record was read but is opened only when first used, within <paramref name="context"/>'s request
    /// (the client's IP and user agent are taken from it then).
    /// </summary>
    public ServerRequestSession(ServerSessionServices services, SessionHandle handle, SessionRecord record, HttpContext context, string requestCookie)
    {
        _services = services;
        _manager = services.Manager;
        _pendingHandle = handle;
        _pendingRecord = record;
        _pendingContext = context;
        _mayNeedTouch = _manager.MayNeedTouch(record);
        _hadCookie = true;
        _requestCookie = requestCookie;
    }

    /// <summary>Whether the record is still unopened (the request has not used the session) and needs no touch.</summary>
    public override bool IsDeferred => _opened is null && !_mayNeedTouch;

    /// <summary>The session, opened on first use.</summary>
    internal ServerSession Session => _opened ?? OpenPending();

    public override string Id => Session.IsNew ? string.Empty : Session.Fingerprint;

    public override bool IsNew => Session.IsNew;

    public override string? UserId => Session.UserId;

    public override IReadOnlyCollection<string> Keys => [.. Session.Keys];

    public override bool HasPendingChanges => _opened?.IsModified ?? false;

    public override bool TryGetValue(string key, out JsonNode? value) => Session.TryGetValue(key, out value);

    public override void SetValue(string key, JsonNode? value)
    {
        SessionJson.ThrowIfNotStorable(key, value); // once, before measuring: an unstorable value gets the clearer error
        var stored = SessionValue.FromNode(value?.Parent is null ? value : value.DeepClone());
        Store(key, stored, EntrySize(key, stored));
    }

    /// <summary>
    /// Bytes that are not UTF-8 go straight to their stored JSON text (<see cref="SessionValueCodec.ToBase64Json"/>):
    /// no node to build, check and write.
    /// </summary>
    public override void SetBytes(string key, byte[] value)
    {
        if (Utf8.IsValid(value))
        {
            base.SetBytes(key, value);
            return;
        }

        SessionJson.ThrowIfNotStorable(key, null); // the key: the value is JSON by construction
        var json = SessionValueCodec.ToBase64Json(value);

        // Counted as the same value set as a node is: EntrySize's relaxed writer leaves '+' unescaped.
        var stored = SessionValue.FromRaw(json);
        Store(key, stored, EntrySize(key, stored) - (("\\u002B"u8.Length - 1) * json.AsSpan().Count("\\u002B"u8)));
    }

    /// <summary>A value nothing materialised is read from its stored JSON text; the rest as nodes.</summary>
    public override bool TryGetBytes(string key, [NotNullWhen(true)] out byte[]? value)
    {
        if (!Session.State.Values.TryGetValue(key, out var stored))
        {
            value = null;
            return false;
        }

        value = (stored.TryGetRaw(out var raw) ? SessionValueCodec.TryToBytes(raw.Span) : null) ?? SessionValueCodec.ToBytes(stored.Node);
        return true;
    }

    private void Store(string key, SessionValue value, int entry)
    {
        var sizes = Sizes();
        var size = _size - sizes.GetValueOrDefault(key) + entry;
        if (size > _services.MaxSessionSize)
        {
            _services.RefuseTooLarge(size);
        }

        Session.SetChecked(key, value);
        sizes[key] = entry;
        _size = size;
    }

    public override bool Remove(string key)
    {
        var removed = Session.Remove(key);
        if (removed && _sizes is not null && _sizes.Remove(key, out var entry))
        {
            _size -= entry;
        }

        return removed;
    }

    public override void Clear()
    {
        Session.Clear();
        _sizes = null;
    }

    public override JsonObject? SignedInPrincipal => Session.UserExtras;

    public override async Task SignInAsync(SessionSignIn signIn, CancellationToken cancellationToken)
    {
        if (signIn.ExpiresAt is { } expires)
        {
            // ExpiresUtc is an absolute end; the session's lifetime counts from its creation (kept across the rotation).
            var lifetime = expires - Session.CreatedAt;
            if (expires <= Session.LastAccessedAt || lifetime <= TimeSpan.Zero)
            {
                throw new ArgumentException("AuthenticationProperties.ExpiresUtc is in the past: set a future time or leave it unset for the configured lifetime.", nameof(signIn));
            }

            Session.Lifetime = lifetime;
            if (_manager.Options.IdleTimeout > lifetime)
            {
                Session.IdleTimeout = lifetime;
            }
        }

        await _manager.SignInAsync(Session, signIn.UserId, signIn.CheckValue ?? string.Empty, signIn.Principal, cancellationToken).ConfigureAwait(false);
    }

    public override async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        await EndTicketsAsync(_services.Cutoffs, Session.UserId, cancellationToken).ConfigureAwait(false);
        await SignOutKeepingTicketsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the stored session and clears the cookie; for callers that already ended the user's tickets.</summary>
    internal async Task SignOutKeepingTicketsAsync(CancellationToken cancellationToken)
    {
        await _manager.SignOutAsync(Session, cancellationToken).ConfigureAwait(false);
        _sizes = null;
    }

    public override async Task KeepLoginAsync(string checkValue, CancellationToken cancellationToken = default)
    {
        await EndTicketsAsync(_services.Cutoffs, Session.UserId, cancellationToken).ConfigureAwait(false);
        await _manager.KeepLoginAsync(Session, checkValue, cancellationToken).ConfigureAwait(false);
    }

    public override async Task RotateAsync(CancellationToken cancellationToken = default) =>
        await _manager.RotateAsync(Session, cancellationToken).ConfigureAwait(false);

    public void SetLifetime(TimeSpan idleTimeout, TimeSpan absoluteLifetime)
    {
        Session.IdleTimeout = idleTimeout;
        Session.Lifetime = absoluteLifetime;
    }

    public override ITesseraUserSessions? UserSessions =>
        _services.Users is { } users ? _userSessions ??= new ServerUserSessions(this, users, _services) : null;

    public override async ValueTask CheckAsync(ITesseraCheckValueProvider provider, CancellationToken cancellationToken)
    {
        if (Session.UserId is not { } user)
        {
            return;
        }

        var current = await provider.GetCheckValueAsync(user, cancellationToken).ConfigureAwait(false);
        var fingerprint = Session.Fingerprint;
        var ok = current is null
            ? false
            : await _manager.CheckAsync(Session, current, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            if (current is null)
            {
                await _manager.SignOutAsync(Session, cancellationToken).ConfigureAwait(false);
            }

            Log.CheckValueChanged(_services.Logger, fingerprint);
            await EndTicketsAsync(_services.Cutoffs, user, cancellationToken).ConfigureAwait(false);
        }
    }

    // A persistent sign-in's cookie lives until the session's absolute end (the server still enforces the idle
    // timeout). The session was just saved, so its last access time is the manager's "now".
    private TimeSpan? PersistentMaxAge() =>
        TesseraClaims.IsPersistent(Session.UserExtras)
            ? Session.CreatedAt + (Session.Lifetime ?? _manager.Options.AbsoluteLifetime) - Session.LastAccessedAt
            : null;

    /// <summary>The per-key sizes and <see cref="_size"/>, computed from the session's current data when first needed.</summary>
    private Dictionary<string, int> Sizes()
    {
        if (_sizes is null)
        {
            _sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            _size = 2; // {}
            foreach (var (key, value) in Session.State.Values)
            {
                var entry = value.TryGetRaw(out var raw) ? RawEntrySize(key, raw) : EntrySize(key, value);
                _sizes[key] = entry;
                _size += entry;
            }
        }

        return _sizes;
    }

    /// <summary>
    /// <see cref="EntrySize"/> of a value still in its loaded bytes, without parsing it when the answer is its
    /// length: printable ASCII, no escape and no whitespace between tokens (what Tessera's serializer writes for such
    /// values) comes out of the measuring writer byte for byte. Anything else is parsed (into a copy: the stored value
    /// stays unread) and measured as before.
    /// </summary>
    private static int RawEntrySize(string key, ReadOnlyMemory<byte> raw)
    {
        var json = JsonScratch.Rent(out var writer);
        try
        {
            writer.WriteStartObject();
            writer.WritePropertyName(key);
            writer.Flush();
            var start = json.WrittenCount;
            writer.WriteRawValue(raw.Span, skipInputValidation: true); // the loaded bytes as they are
            writer.WriteEndObject();
            writer.Flush();
            if (WritesBackUnchanged(json.WrittenSpan[start..^1]))
            {
                return json.WrittenCount - 1; // as in EntrySize
            }
        }
        finally
        {
            JsonScratch.Return(json);
        }

        return EntrySize(key, SessionValue.FromNode(SessionJson.ParseValidated(raw.Span)));
    }

    /// <summary>Whether re-serializing <paramref name="raw"/> (valid JSON) with relaxed escaping gives the same bytes.</summary>
    private static bool WritesBackUnchanged(ReadOnlySpan<byte> raw)
    {
        var inString = false;
        foreach (var b in raw)
        {
            if (b is < 0x20 or >= 0x7F or (byte)'\\' || (b == ' ' && !inString))
            {
                return false;
            }

            inString ^= b == '"';
        }

        return true;
    }

    /// <summary>The bytes <c>"key":value,</c> takes in the session's compact UTF-8 JSON.</summary>
    private static int EntrySize(string key, SessionValue value)
    {
        var json = JsonScratch.Rent(out var writer);
        try
        {
            writer.WriteStartObject();
            writer.WritePropertyName(key);
            value.WriteTo(writer);

            writer.WriteEndObject();
            writer.Flush();
            return json.WrittenCount - 1; // the braces, less the comma that separates entries
        }
        finally
        {
            JsonScratch.Return(json);
        }
    }

    public override async ValueTask CommitAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        SessionCommitResult result;
        try
        {
            result = await _manager.CommitAsync(Session, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionConflictException ex)
        {
            // The changes could not be merged with a concurrent save (or the session was signed out or revoked
            // meanwhile): they are not stored, and the client is told so (409) rather than losing them silently.
            // The cookie is left alone; if the record is gone, the next request clears it.
            _services.LogConflict(ex);
            throw;
        }

        if (result.CookieValue is { } value)
        {
            // The same handle as the request's cookie needs no Set-Cookie unless Max-Age has to slide.
            if (!_services.CookieHasMaxAge && string.Equals(value, _requestCookie, StringComparison.Ordinal))
            {
                return;
            }

            _services.WriteCookie(response, value, PersistentMaxAge());
        }
        else if (result.ClearCookie && _hadCookie)
        {
            _services.DeleteCookie(response);
        }
    }

    private ServerSession OpenPending()
    {
        // The manager logs and counts the verdict.
        var session = _manager.Open(_pendingHandle!, _pendingRecord, ServerSessionServices.ClientOf(_pendingContext!));
        _opened = session;
        _pendingHandle = null;
        _pendingRecord = null;
        _pendingContext = null;
        return session;
    }
}
