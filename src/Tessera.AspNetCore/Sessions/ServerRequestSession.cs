using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>A request's server-side session: a <see cref="ServerSession"/> driven by the shared <see cref="SessionManager"/>.</summary>
internal sealed class ServerRequestSession : RequestSession
{
    private readonly SessionManager _manager;
    private readonly ServerModeEngine _engine;
    private readonly bool _hadCookie;
    private readonly string? _requestCookie;
    private ServerSession _session;

    public ServerRequestSession(SessionManager manager, ServerModeEngine engine, ServerSession session, bool hadCookie, string? requestCookie = null)
    {
        _manager = manager;
        _engine = engine;
        _session = session;
        _hadCookie = hadCookie;
        _requestCookie = requestCookie;
    }

    public ServerSession Inner => _session;

    public override string Id => _session.IsNew ? string.Empty : _session.Fingerprint;

    public override bool IsNew => _session.IsNew;

    public override string? UserId => _session.UserId;

    public override IReadOnlyCollection<string> Keys => [.. _session.Keys];

    public override bool HasPendingChanges => _session.IsModified;

    public override bool TryGetValue(string key, out JsonNode? value) => _session.TryGetValue(key, out value);

    public override void SetValue(string key, JsonNode? value) => _session.Set(key, value?.Parent is null ? value : value.DeepClone());

    public override bool Remove(string key) => _session.Remove(key);

    public override void Clear() => _session.Clear();

    public override JsonObject? SignedInPrincipal => _session.UserExtras;

    public override async Task SignInAsync(SessionSignIn signIn, CancellationToken cancellationToken)
    {
        if (signIn.ExpiresAt is { } expires)
        {
            // ExpiresUtc is an absolute end; the session's lifetime counts from its creation (kept across the rotation).
            var lifetime = expires - _session.CreatedAt;
            if (expires <= _session.LastAccessedAt || lifetime <= TimeSpan.Zero)
            {
                throw new ArgumentException("AuthenticationProperties.ExpiresUtc is in the past: set a future time or leave it unset for the configured lifetime.", nameof(signIn));
            }

            _session.Lifetime = lifetime;
            if (_manager.Options.IdleTimeout > lifetime)
            {
                _session.IdleTimeout = lifetime;
            }
        }

        await _manager.SignInAsync(_session, signIn.UserId, signIn.CheckValue ?? string.Empty, signIn.Principal, cancellationToken).ConfigureAwait(false);
    }

    public override async Task SignOutAsync(CancellationToken cancellationToken = default) =>
        await _manager.SignOutAsync(_session, cancellationToken).ConfigureAwait(false);

    public override async Task KeepLoginAsync(string checkValue, CancellationToken cancellationToken = default) =>
        await _manager.KeepLoginAsync(_session, checkValue, cancellationToken).ConfigureAwait(false);

    public override async Task RotateAsync(CancellationToken cancellationToken = default) =>
        await _manager.RotateAsync(_session, cancellationToken).ConfigureAwait(false);

    public override void SetLifetime(TimeSpan idleTimeout, TimeSpan absoluteLifetime)
    {
        _session.IdleTimeout = idleTimeout;
        _session.Lifetime = absoluteLifetime;
    }

    public override async Task<IReadOnlyList<TesseraSessionInfo>> ListUserSessionsAsync(CancellationToken cancellationToken = default)
    {
        if (_session.UserId is not { } user)
        {
            return [];
        }

        var list = await _manager.ListUserSessionsAsync(user, _session, cancellationToken).ConfigureAwait(false);
        return [.. list.Select(s => new TesseraSessionInfo(s.Fingerprint, s.IsCurrent, s.CreatedAt, s.LastSeenAt, s.ClientIp, s.UserAgent))];
    }

    public override async Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (_session.UserId is not { } user || string.IsNullOrEmpty(sessionId))
        {
            return false;
        }

        if (!_session.IsNew && string.Equals(sessionId, _session.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            await SignOutAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await _manager.RevokeAsync(user, sessionId, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<int> RevokeOthersAsync(CancellationToken cancellationToken = default) =>
        _session.UserId is { } user ? await _manager.RevokeAllAsync(user, _session, cancellationToken).ConfigureAwait(false) : 0;

    public override async Task<int> RevokeAllAsync(CancellationToken cancellationToken = default)
    {
        if (_session.UserId is not { } user)
        {
            return 0;
        }

        var count = await _manager.RevokeAllAsync(user, null, cancellationToken).ConfigureAwait(false);
        await _manager.SignOutAsync(_session, cancellationToken).ConfigureAwait(false);
        return count;
    }

    public override async ValueTask CheckAsync(ITesseraCheckValueProvider provider, CancellationToken cancellationToken)
    {
        if (_session.UserId is not { } user)
        {
            return;
        }

        var current = await provider.GetCheckValueAsync(user, cancellationToken).ConfigureAwait(false);
        var fingerprint = _session.Fingerprint;
        var ok = current is null
            ? false
            : await _manager.CheckAsync(_session, current, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            if (current is null)
            {
                await _manager.SignOutAsync(_session, cancellationToken).ConfigureAwait(false);
            }

            Log.CheckValueChanged(_engine.Logger, fingerprint);
        }
    }

    // A persistent sign-in's cookie lives until the session's absolute end (the server still enforces the idle
    // timeout). The session was just saved, so its last access time is the manager's "now".
    private TimeSpan? PersistentMaxAge() =>
        TesseraClaims.IsPersistent(_session.UserExtras)
            ? _session.CreatedAt + (_session.Lifetime ?? _manager.Options.AbsoluteLifetime) - _session.LastAccessedAt
            : null;

    public override async ValueTask CommitAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        SessionCommitResult result;
        try
        {
            result = await _manager.CommitAsync(_session, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionConflictException ex)
        {
            // The changes could not be merged with a concurrent save (or the session was signed out or revoked
            // meanwhile): they are not stored, and the client is told so (409) rather than losing them silently.
            // The cookie is left alone; if the record is gone, the next request clears it.
            _engine.LogConflict(ex);
            throw;
        }

        if (result.CookieValue is { } value)
        {
            // The same handle as the request's cookie needs no Set-Cookie unless Max-Age has to slide.
            if (!_engine.CookieHasMaxAge && string.Equals(value, _requestCookie, StringComparison.Ordinal))
            {
                return;
            }

            _engine.WriteCookie(response, value, PersistentMaxAge());
        }
        else if (result.ClearCookie && _hadCookie)
        {
            _engine.DeleteCookie(response);
        }
    }
}
