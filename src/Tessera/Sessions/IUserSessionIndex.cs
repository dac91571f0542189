namespace Tessera.Sessions;

/// <summary>A store that can find the sessions of one user, by the keyed hash of the user id (<see cref="SessionRecord.UserTag"/>).</summary>
public interface IUserSessionIndex
{
    /// <summary>The live records tagged with <paramref name="userTag"/>.</summary>
    ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken);

    /// <summary>Deletes every record tagged with <paramref name="userTag"/> except <paramref name="except"/>; returns how many were deleted.</summary>
    ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken);
}
