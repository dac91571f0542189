using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Hooks ASP.NET Core Identity's user updates (every stamp change — password change or reset,
/// <c>UpdateSecurityStampAsync</c>, e-mail or login changes — goes through the user validators): when the user's
/// security stamp differs from the one recorded at sign-in, every other session of the user is revoked at once, and the
/// session of the request that made the change gets the new stamp in its ticket, so it stays signed in (also past
/// Identity's periodic stamp validation). Validates nothing itself: it always succeeds.
/// </summary>
/// <remarks>
/// Cost: nothing per request; one store read per user update, plus the revocation when the stamp changed.
/// It runs just before Identity writes the user: should that write fail, the other devices were signed out anyway.
/// </remarks>
internal sealed class TesseraSecurityStampValidator<TUser> : IUserValidator<TUser>
    where TUser : class
{
    private readonly SecurityStampMarkers _stamps;
    private readonly TesseraTicketStore _store;
    private readonly UserSessionDirectory _directory;
    private readonly IHttpContextAccessor _http;
    private readonly ILogger _logger;

    public TesseraSecurityStampValidator(SecurityStampMarkers stamps, TesseraTicketStore store, UserSessionDirectory directory, IHttpContextAccessor http, ILogger<TesseraTicketStore> logger)
    {
        _stamps = stamps;
        _store = store;
        _directory = directory;
        _http = http;
        _logger = logger;
    }

    public async Task<IdentityResult> ValidateAsync(UserManager<TUser> manager, TUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        if (!manager.SupportsUserSecurityStamp)
        {
            return IdentityResult.Success;
        }

        var stamp = await manager.GetSecurityStampAsync(user).ConfigureAwait(false);
        var userId = await manager.GetUserIdAsync(user).ConfigureAwait(false);
        var context = _http.HttpContext;
        var cancellationToken = context?.RequestAborted ?? CancellationToken.None;
        if (string.IsNullOrEmpty(stamp) || string.IsNullOrEmpty(userId) || !await _stamps.HasChangedAsync(userId, stamp, cancellationToken).ConfigureAwait(false))
        {
            return IdentityResult.Success;
        }

        var current = context is null ? null : TesseraTicketSessions.Current(context);
        if (current is not null && !string.Equals(current.UserId, userId, StringComparison.Ordinal))
        {
            // An administrator changing someone else's stamp: all of that user's sessions go.
            current = null;
        }

        var revoked = await _directory.RevokeAllAsync(userId, current, cancellationToken).ConfigureAwait(false);
        if (current is not null)
        {
            await _store.ReplaceStampAsync(current, stamp, cancellationToken).ConfigureAwait(false);
        }

        await _stamps.RecordAsync(userId, stamp, cancellationToken).ConfigureAwait(false);
        TicketStoreLog.StampChanged(_logger, revoked);
        return IdentityResult.Success;
    }
}
