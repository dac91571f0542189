namespace Tessera.Sessions;

/// <summary>A store that can find the sessions of one user, by the keyed hash of the user id (<see cref="SessionRecord.UserTag"/>).</summary>
/// <remarks>
/// During a key rotation one user has a tag per keyring secret. The several-tag methods answer for all of them in one
/// call, so a store that looks records up once (an <c>IN</c> list, one index pass) does not repeat its work per
/// secret; their default implementations call the one-tag methods once per distinct tag.
/// </remarks>
public interface IUserSessionIndex
{
    /// <summary>The live records tagged with <paramref name="userTag"/>.</summary>
    ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken);

    /// <summary>Deletes every record tagged with <paramref name="userTag"/> except <paramref name="except"/>; returns how many were deleted.</summary>
    ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken);

    /// <summary>The live records tagged with any of <paramref name="userTags"/>, each record once.</summary>
    async ValueTask<IReadOnlyList<SessionRecord>> ListByUserTagsAsync(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var all = new List<SessionRecord>();
        var seen = new HashSet<SessionKey>();
        foreach (var tag in userTags.Distinct(StringComparer.Ordinal))
        {
            foreach (var record in await ListByUserAsync(tag, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(record.Key))
                {
                    all.Add(record);
                }
            }
        }

        return all;
    }

    /// <summary>Deletes every record tagged with any of <paramref name="userTags"/> except <paramref name="except"/>; returns how many were deleted.</summary>
    async ValueTask<int> DeleteByUserTagsAsync(IReadOnlyCollection<string> userTags, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var count = 0;
        foreach (var tag in userTags.Distinct(StringComparer.Ordinal))
        {
            count += await DeleteByUserAsync(tag, except, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }
}
