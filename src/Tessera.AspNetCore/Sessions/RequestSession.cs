using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>The session of one request, in either mode; the middleware loads and commits it.</summary>
internal abstract class RequestSession : ITesseraSession
{
    public abstract string Id { get; }

    public abstract bool IsNew { get; }

    public abstract string? UserId { get; }

    public abstract IReadOnlyCollection<string> Keys { get; }

    /// <summary>
    /// Whether the session was read but not yet opened, and needs no commit unless something uses it (no idle-expiry
    /// touch is due): the middleware registers its before-the-response commit callback only on first use.
    /// </summary>
    public virtual bool IsDeferred => false;

    /// <summary>Whether a commit would write anything (data, sign-in state, cookie).</summary>
    public abstract bool HasPendingChanges { get; }

    public abstract bool TryGetValue(string key, out JsonNode? value);

    public abstract void SetValue(string key, JsonNode? value);

    /// <summary><c>ISession.Set</c>: the bytes as the JSON value <see cref="SessionValueCodec"/> maps them to.</summary>
    public virtual void SetBytes(string key, byte[] value) => SetValue(key, SessionValueCodec.ToJson(value));

    /// <summary><c>ISession.TryGetValue</c>: the value's bytes as <see cref="SessionValueCodec"/> maps them.</summary>
    public virtual bool TryGetBytes(string key, [NotNullWhen(true)] out byte[]? value)
    {
        if (TryGetValue(key, out var node))
        {
            value = SessionValueCodec.ToBytes(node);
            return true;
        }

        value = null;
        return false;
    }

    public abstract bool Remove(string key);

    public abstract void Clear();

    /// <summary>The principal the Tessera scheme stored at sign-in (see <see cref="TesseraClaims"/>), or <see langword="null"/>.</summary>
    public abstract JsonObject? SignedInPrincipal { get; }

    public Task SignInAsync(string userId, string? checkValue = null, CancellationToken cancellationToken = default) =>
        SignInAsync(new SessionSignIn(userId, checkValue), cancellationToken);

    /// <summary>The one sign-in both paths use: <see cref="ITesseraSession.SignInAsync"/> and the Tessera authentication scheme.</summary>
    public abstract Task SignInAsync(SessionSignIn signIn, CancellationToken cancellationToken);

    public abstract Task SignOutAsync(CancellationToken cancellationToken = default);

    public abstract Task KeepLoginAsync(string checkValue, CancellationToken cancellationToken = default);

    public abstract Task RotateAsync(CancellationToken cancellationToken = default);

    /// <summary>The signed-in user's sessions, where this mode and store offer them (see <see cref="TesseraHttpContextExtensions.GetTesseraUserSessions"/>).</summary>
    public virtual ITesseraUserSessions? UserSessions => null;

    /// <summary>Signs the session out when its stored check value no longer matches the user's (server mode checks in the store).</summary>
    public abstract ValueTask CheckAsync(ITesseraCheckValueProvider provider, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the user's earlier auth_tkt tickets (a no-op without the auth_tkt scheme or a user). Called before the
    /// session itself changes (sign-out, revocation, password change), so a store failure leaves both as they were.
    /// </summary>
    internal static ValueTask EndTicketsAsync(AuthTktCutoffs? cutoffs, string? user, CancellationToken cancellationToken) =>
        user is not null && cutoffs is not null ? cutoffs.EndTicketsAsync(user, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Saves the session and writes (or clears) its cookie on <paramref name="response"/>.</summary>
    public abstract ValueTask CommitAsync(HttpResponse response, CancellationToken cancellationToken);
}
