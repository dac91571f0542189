using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// The signed-in user's devices under the Tessera ticket store: list them, revoke one, revoke all but this one.
/// Injectable (registered by <c>AddTesseraTicketStore()</c>). A revoked device's next request is anonymous (401).
/// </summary>
public sealed class TesseraTicketSessions
{
    private readonly UserSessionDirectory _directory;
    private readonly IOptionsMonitor<TesseraTicketStoreOptions> _options;

    /// <summary>Created by dependency injection.</summary>
    public TesseraTicketSessions(UserSessionDirectory directory, IOptionsMonitor<TesseraTicketStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        _directory = directory;
        _options = options;
    }

    /// <summary>The signed-in user's live sessions, most recently seen first; the one of this request is marked current.</summary>
    /// <exception cref="InvalidOperationException">No user is signed in (protect the endpoint with authorization).</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public ValueTask<IReadOnlyList<UserSessionInfo>> ListAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        _directory.ListAsync(UserIdOf(context), Current(context), cancellationToken);

    /// <summary>Revokes one of the signed-in user's sessions by its <see cref="UserSessionInfo.Fingerprint"/>; false when the user has none such.</summary>
    /// <exception cref="InvalidOperationException">No user is signed in.</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public ValueTask<bool> RevokeAsync(HttpContext context, string fingerprint, CancellationToken cancellationToken = default) =>
        _directory.RevokeAsync(UserIdOf(context), fingerprint, cancellationToken);

    /// <summary>Revokes every session of the signed-in user except this request's; returns how many.</summary>
    /// <exception cref="InvalidOperationException">No user is signed in.</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public ValueTask<int> RevokeOthersAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        _directory.RevokeAllAsync(UserIdOf(context), Current(context), cancellationToken);

    /// <summary>Revokes every session of a user (an administrator's "sign out everywhere"); returns how many.</summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public ValueTask<int> RevokeAllAsync(string userId, CancellationToken cancellationToken = default) =>
        _directory.RevokeAllAsync(userId, null, cancellationToken);

    /// <summary>The ticket session this request was authenticated with, or null.</summary>
    internal static ServerSession? Current(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<TesseraTicketFeature>()?.Session;
    }

    private string UserIdOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var claimType = _options.CurrentValue.UserIdClaimType;
        return context.User.FindFirstValue(claimType)
            ?? throw new InvalidOperationException($"No signed-in user (no '{claimType}' claim): require authorization on the endpoint that lists or revokes sessions.");
    }
}
