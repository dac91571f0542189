using System.Text.Json.Nodes;

namespace Tessera.Sessions;

/// <summary>
/// The key-by-key merge of a save that lost a race: this request's changes are re-applied onto the state another
/// request saved first. What this request wrote wins for the keys it wrote (it saves last); every other key keeps the
/// other request's value. No I/O and no state of its own.
/// </summary>
internal static class SessionMerger
{
    /// <summary>Re-applies <paramref name="changes"/> (made to <paramref name="ours"/>) onto <paramref name="theirs"/>, which it modifies and returns.</summary>
    public static SessionState Merge(SessionState ours, SessionChanges changes, SessionState theirs)
    {
        var keys = new HashSet<string>(changes.Keys, StringComparer.Ordinal);
        if (changes.NestedMutation)
        {
            AddMutatedKeys(ours, changes.OriginalPlaintext, keys);
        }

        if (changes.Cleared)
        {
            theirs.Values.Clear();
        }

        foreach (var key in keys)
        {
            if (ours.Values.TryGetValue(key, out var value))
            {
                theirs.Values[key] = value;
            }
            else
            {
                theirs.Values.Remove(key);
            }
        }

        if (changes.AuthChanged)
        {
            theirs.UserId = ours.UserId;
            theirs.CheckHash = ours.CheckHash;
            theirs.Extras = ours.Extras;
        }

        if (changes.MetadataChanged)
        {
            theirs.IdleTimeout = ours.IdleTimeout;
            theirs.Lifetime = ours.Lifetime;
        }

        theirs.AccessedMs = Math.Max(theirs.AccessedMs, ours.AccessedMs);
        return theirs;
    }

    // A caller mutated a node in place and set IsModified: the keys that differ from what was loaded. Values never
    // handed out (not materialized) cannot have been mutated.
    private static void AddMutatedKeys(SessionState ours, byte[]? originalPlaintext, HashSet<string> keys)
    {
        var original = originalPlaintext is null ? null : SessionState.Parse(originalPlaintext);
        var before = original?.Values ?? [];
        foreach (var (key, value) in ours.Values)
        {
            if (value.IsMaterialized && (!before.TryGetValue(key, out var old) || !JsonNode.DeepEquals(old.Node, value.Node)))
            {
                keys.Add(key);
            }
        }

        foreach (var key in before.Keys)
        {
            if (!ours.Values.ContainsKey(key))
            {
                keys.Add(key);
            }
        }
    }
}
