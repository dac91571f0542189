using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tessera.Cookies;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// A request's cookie-mode session: the whole session sealed into the cookie. The sign-in state lives under reserved
/// keys (<c>$tessera.user</c>, <c>$tessera.check</c>, <c>$tessera.principal</c>, and <c>$tessera.end</c> for a sign-in's
/// <c>ExpiresUtc</c>) that the value API hides. A cookie cannot be revoked from the server and its lifetimes are the
/// configured ones (a sign-in may only end it sooner), so it offers neither <see cref="ITesseraUserSessions"/> nor
/// <see cref="ITesseraSessionLifetime"/>.
/// </summary>
/// <remarks>
/// Made from a cookie value it has not opened yet, it opens it (authenticate, decrypt, parse: no I/O) on first use,
/// whatever the member, or at commit, where the re-issue decision needs the cookie's times. Made from a verdict the
/// engine already has (a cached cookie), it is deferred while unused and no re-issue is due: such a request commits nothing.
/// </remarks>
internal sealed class CookieRequestSession : RequestSession
{
    private const string UserKey = "$tessera.user";
    private const string CheckKey = "$tessera.check";
    private const string PrincipalKey = "$tessera.principal";
    private const string EndKey = "$tessera.end"; // unix milliseconds
    private const string ReservedPrefix = "$tessera.";
    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private readonly CookieSessionServices _services;
    private readonly bool _hadCookie;
    private bool _needsReissue;
    private JsonObject? _data;
    private DateTimeOffset? _created;
    private string? _pendingValue;
    private HttpContext? _pendingContext;
    private LegacyCookieReader? _pendingLegacy;
    private bool _modified;
    private bool _signedOut;

    /// <summary>A new, empty session; <paramref name="hadCookie"/> when the request brought a cookie that did not open (it is cleared at commit).</summary>
    public CookieRequestSession(CookieSessionServices services, bool hadCookie)
    {
        _services = services;
        _data = [];
        _hadCookie = hadCookie;
    }

    /// <summary>The session of a cookie whose <paramref name="verdict"/> (valid) the engine already has: a cached cookie.</summary>
    public CookieRequestSession(CookieSessionServices services, CookieReadResult verdict)
    {
        _services = services;
        _hadCookie = true;
        Accept(verdict);
    }

    /// <summary>
    /// A session whose cookie <paramref name="value"/> (chunks joined) is opened on first use; if it does not open, a
    /// registered <paramref name="legacy"/> cookie of <paramref name="context"/>'s request is migrated then.
    /// </summary>
    public CookieRequestSession(CookieSessionServices services, string value, HttpContext context, LegacyCookieReader? legacy)
    {
        _services = services;
        _hadCookie = true;
        _pendingValue = value;
        _pendingContext = context;
        _pendingLegacy = legacy;
    }

    /// <summary>Whether the session holds a valid cookie's data that nothing has used or changed, and no re-issue is due.</summary>
    public override bool IsDeferred => _data is not null && _created is not null && !_needsReissue && !_modified;

    /// <summary>The session's dictionary, the cookie opened on first use.</summary>
    private JsonObject Data => _data ?? OpenPending();

    public override string Id => Opened()._created is { } c ? "c" + c.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    public override bool IsNew => Opened()._created is null;

    public override string? UserId => Data[UserKey]?.GetValue<string>();

    public override IReadOnlyCollection<string> Keys => [.. Data.Select(p => p.Key).Where(k => !k.StartsWith(ReservedPrefix, StringComparison.Ordinal))];

    public override bool HasPendingChanges => _modified;

    public override bool TryGetValue(string key, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            value = null;
            return false;
        }

        return Data.TryGetPropertyValue(key, out value);
    }

    public override void SetValue(string key, JsonNode? value)
    {
        ThrowIfReserved(key);
        SessionJson.ThrowIfNotStorable(key, value);
        SetChecked(key, value?.Parent is null ? value : value.DeepClone());
        _modified = true;
    }

    public override bool Remove(string key)
    {
        ThrowIfReserved(key);
        var removed = Data.Remove(key);
        _modified |= removed;
        return removed;
    }

    public override void Clear()
    {
        foreach (var key in Keys.ToList())
        {
            Data.Remove(key);
        }

        _modified = true;
    }

    public override JsonObject? SignedInPrincipal => Data[PrincipalKey] as JsonObject;

    public override Task SignInAsync(SessionSignIn signIn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(signIn.UserId);
        var end = signIn.ExpiresAt is { } expires ? _services.SignInEnd(expires) : (DateTimeOffset?)null;
        SessionJson.ThrowIfNotStorable(UserKey, signIn.UserId);
        SetChecked(UserKey, signIn.UserId);
        if (end is { } e)
        {
            SetChecked(EndKey, e.ToUnixTimeMilliseconds());
        }
        else
        {
            Data.Remove(EndKey);
        }

        Data[CheckKey] = signIn.CheckValue is null ? null : HashCheck(signIn.CheckValue); // a fixed-size hash
        if (signIn.Principal is { } principal)
        {
            SessionJson.ThrowIfNotStorable(PrincipalKey, principal);
            SetChecked(PrincipalKey, principal.Parent is null ? principal : principal.DeepClone());
        }
        else
        {
            Data.Remove(PrincipalKey);
        }

        _created = null; // a new session: the sealed cookie is fresh (new salt, new created time)
        _modified = true;
        return Task.CompletedTask;
    }

    public override async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        await EndTicketsAsync(_services.Cutoffs, UserId, cancellationToken).ConfigureAwait(false);
        _data = [];
        _created = null;
        _signedOut = true;
        _modified = false;
    }

    public override async Task KeepLoginAsync(string checkValue, CancellationToken cancellationToken = default)
    {
        if (UserId is null)
        {
            throw new InvalidOperationException("KeepLoginAsync needs a signed-in session; call SignInAsync first.");
        }

        await EndTicketsAsync(_services.Cutoffs, UserId, cancellationToken).ConfigureAwait(false);
        Data[CheckKey] = HashCheck(checkValue);
        _modified = true;
    }

    public override Task RotateAsync(CancellationToken cancellationToken = default)
    {
        _modified = true;
        return Task.CompletedTask;
    }

    public override async ValueTask CheckAsync(ITesseraCheckValueProvider provider, CancellationToken cancellationToken)
    {
        if (UserId is not { } user)
        {
            return;
        }

        var current = await provider.GetCheckValueAsync(user, cancellationToken).ConfigureAwait(false);
        var stored = Data[CheckKey]?.GetValue<string>();
        if (current is null || stored is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(HashCheck(current))))
        {
            await SignOutAsync(cancellationToken).ConfigureAwait(false);
            Log.CheckValueChanged(_services.Logger, "cookie");
        }
    }

    public override ValueTask CommitAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        Opened(); // an unused cookie is opened here: whether it is due for re-issue (or must be cleared) is inside it
        if (_modified || (_needsReissue && _created is not null))
        {
            if (Data.Count == 0 && _created is null)
            {
                if (_hadCookie)
                {
                    _services.DeleteCookie(response);
                }
            }
            else
            {
                var now = _services.Now;
                var payload = new CookieSessionPayload(Data, _created ?? now, now);
                _services.WriteCookie(response, payload, TesseraClaims.IsPersistent(SignedInPrincipal), SignInEndsAt);
            }
        }
        else if (_hadCookie && (_signedOut || _created is null))
        {
            _services.DeleteCookie(response);
        }

        // Saved: only a change made from now on would be lost (and reported as such by the middleware).
        _modified = false;
        return ValueTask.CompletedTask;
    }

    /// <summary>Sets <paramref name="key"/>, unless the sealed session would no longer fit in its cookies: then the value is put back and the setter throws.</summary>
    private void SetChecked(string key, JsonNode? value)
    {
        var had = Data.TryGetPropertyValue(key, out var previous);
        Data[key] = value;
        try
        {
            var now = _services.Now;
            _services.EnsureFits(new CookieSessionPayload(Data, _created ?? now, now));
        }
        catch (SessionTooLargeException)
        {
            if (had)
            {
                Data[key] = previous?.Parent is null ? previous : previous.DeepClone();
            }
            else
            {
                Data.Remove(key);
            }

            throw;
        }
    }

    /// <summary>This session, its cookie opened.</summary>
    private CookieRequestSession Opened()
    {
        _ = Data;
        return this;
    }

    /// <summary>Opens the pending cookie (the verdict is logged and counted once, by the format); one that does not open leaves a new session, into which a legacy cookie may migrate.</summary>
    private JsonObject OpenPending()
    {
        var result = _services.Read(_pendingValue!);
        var (context, legacy) = (_pendingContext!, _pendingLegacy);
        (_pendingValue, _pendingContext, _pendingLegacy) = (null, null, null);
        if (result.IsValid)
        {
            Accept(result);
        }
        else
        {
            _data = [];
            legacy?.MigrateInto(context, this);
        }

        return _data!;
    }

    /// <summary>
    /// Takes a valid cookie's data and times, the one place they become this session's: a cookie past its sign-in's
    /// end holds a session that has ended, so this request starts a new one and the commit clears the cookie (as for a
    /// cookie past its absolute lifetime).
    /// </summary>
    private void Accept(CookieReadResult verdict)
    {
        _data = verdict.Data!;
        _created = verdict.Created;
        _needsReissue = verdict.NeedsReissue;
        if (SignInEndsAt is { } end && end <= _services.Now)
        {
            _data = [];
            _created = null;
            _needsReissue = false;
            Log.SignInEnded(_services.Logger);
        }
    }

    /// <summary>When the sign-in's <c>ExpiresUtc</c> ends this session; <see langword="null"/> when it set none. An
    /// end that is not a number (only a keyring secret could seal one) reads as the earliest time: it has passed.</summary>
    private DateTimeOffset? SignInEndsAt => Data.TryGetPropertyValue(EndKey, out var end)
        ? end is JsonValue value && value.TryGetValue<long>(out var ms) && ms >= MinUnixMs && ms <= MaxUnixMs
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MinValue
        : null;

    private static string HashCheck(string checkValue) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(checkValue)));

    private static void ThrowIfReserved(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Session keys starting with '{ReservedPrefix}' are reserved for Tessera.", nameof(key));
        }
    }
}
