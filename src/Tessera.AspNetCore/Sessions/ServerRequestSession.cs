using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Cookies;
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

    // The session's JSON size per key, built on the first write (reads never pay for it).
    private Dictionary<string, int>? _sizes;
    private long _size;

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

    public override void SetValue(string key, JsonNode? value)
    {
        SessionJson.ThrowIfNotStorable(key, value); // before measuring: the writer would refuse such a value less clearly
        var sizes = Sizes();
        var entry = EntrySize(key, value);
        var size = _size - sizes.GetValueOrDefault(key) + entry;
        if (size > _engine.MaxSessionSize)
        {
            _engine.RefuseTooLarge(size);
        }

        _session.Set(key, value?.Parent is null ? value : value.DeepClone());
        sizes[key] = entry;
        _size = size;
    }

    public override bool Remove(string key)
    {
        var removed = _session.Remove(key);
        if (removed && _sizes is not null && _sizes.Remove(key, out var entry))
        {
            _size -= entry;
        }

        return removed;
    }

    public override void Clear()
    {
        _session.Clear();
        _sizes = null;
    }

    public override async Task SignInAsync(string userId, string? checkValue = null, CancellationToken cancellationToken = default) =>
        await _manager.SignInAsync(_session, userId, checkValue ?? string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);

    public override async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        await _manager.SignOutAsync(_session, cancellationToken).ConfigureAwait(false);
        _sizes = null;
    }

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
        await SignOutAsync(cancellationToken).ConfigureAwait(false);
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
                await SignOutAsync(cancellationToken).ConfigureAwait(false);
            }

            Log.CheckValueChanged(_engine.Logger, fingerprint);
        }
    }

    /// <summary>The per-key sizes and <see cref="_size"/>, computed from the session's current data when first needed.</summary>
    private Dictionary<string, int> Sizes()
    {
        if (_sizes is null)
        {
            _sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            _size = 2; // {}
            foreach (var key in _session.Keys)
            {
                _session.TryGetValue(key, out var value);
                var entry = EntrySize(key, value);
                _sizes[key] = entry;
                _size += entry;
            }
        }

        return _sizes;
    }

    /// <summary>The bytes <c>"key":value,</c> takes in the session's compact UTF-8 JSON.</summary>
    private static int EntrySize(string key, JsonNode? value)
    {
        var json = JsonScratch.Rent(out var writer);
        try
        {
            writer.WriteStartObject();
            writer.WritePropertyName(key);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }

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

            _engine.WriteCookie(response, value);
        }
        else if (result.ClearCookie && _hadCookie)
        {
            _engine.DeleteCookie(response);
        }
    }
}
