using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// The signed-in user's sessions seen from a server-mode request (<see cref="ITesseraUserSessions"/>); made only when the
/// store has a user index. A revocation first ends the user's auth_tkt tickets, then changes the store.
/// </summary>
internal sealed class ServerUserSessions : ITesseraUserSessions
{
    private readonly ServerRequestSession _request;
    private readonly UserSessionDirectory _users;
    private readonly AuthTktCutoffs? _cutoffs;

    public ServerUserSessions(ServerRequestSession request, UserSessionDirectory users, ServerSessionServices services)
    {
        _request = request;
        _users = users;
        _cutoffs = services.Cutoffs;
    }

    private ServerSession Session => _request.Session;

    public async Task<IReadOnlyList<TesseraSessionInfo>> ListUserSessionsAsync(CancellationToken cancellationToken = default)
    {
        if (Session.UserId is not { } user)
        {
            return [];
        }

        var list = await _users.ListAsync(user, Session, cancellationToken).ConfigureAwait(false);
        return [.. list.Select(s => new TesseraSessionInfo(s.Fingerprint, s.IsCurrent, s.CreatedAt, s.LastSeenAt, s.ClientIp, s.UserAgent))];
    }

    public async Task<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (Session.UserId is not { } user || string.IsNullOrEmpty(sessionId))
        {
            return false;
        }

        if (!Session.IsNew && string.Equals(sessionId, Session.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            await _request.SignOutAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        await RequestSession.EndTicketsAsync(_cutoffs, user, cancellationToken).ConfigureAwait(false);
        return await _users.RevokeAsync(user, sessionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RevokeOthersAsync(CancellationToken cancellationToken = default)
    {
        if (Session.UserId is not { } user)
        {
            return 0;
        }

        await RequestSession.EndTicketsAsync(_cutoffs, user, cancellationToken).ConfigureAwait(false);
        return await _users.RevokeAllAsync(user, Session, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RevokeAllAsync(CancellationToken cancellationToken = default)
    {
        if (Session.UserId is not { } user)
        {
            return 0;
        }

        await RequestSession.EndTicketsAsync(_cutoffs, user, cancellationToken).ConfigureAwait(false);
        var count = await _users.RevokeAllAsync(user, null, cancellationToken).ConfigureAwait(false);
        await _request.SignOutKeepingTicketsAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }
}
