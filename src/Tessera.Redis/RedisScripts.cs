namespace Tessera.Redis;

/// <summary>
/// The Lua scripts that make each store operation atomic in the server. A record is live when its header's
/// expiry (19-digit ticks, compared as strings) is after the caller's "now". Values that
/// <see cref="RedisRecordFormat"/> would not decode count as absent here too, so reads and writes agree.
/// </summary>
/// <remarks>
/// Every script touches exactly one key (a record, a user index or the key check), so each runs on the one
/// Redis Cluster node that owns that key's slot. What spans a record and its user's index is ordered, not atomic:
/// see <see cref="RedisSessionStore"/>.
/// </remarks>
internal static class RedisScripts
{
    // Returns version, expires, tag hex (or '-') of a value this store wrote, or nil.
    private const string Parse = """
        local function parse(v)
          if type(v) ~= 'string' then return nil end
          local version, expires, tag, pos = string.match(v, '^T1 (%d+) (%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d) (%S+)\n()')
          if not version or #version > 18 or expires > '3155378975999999999' then return nil end
          if tag ~= '-' and (#tag % 2 == 1 or not string.match(tag, '^%x+$')) then return nil end
          if #v < pos + 3 then return nil end
          local a, b, c, d = string.byte(v, pos, pos + 3)
          if ((a * 256 + b) * 256 + c) * 256 + d > #v - pos - 3 then return nil end
          return version, expires, tag
        end

        """;

    /// <summary>KEYS[1] record. ARGV: expected version, now, value, ttl ms. Returns 1 when saved, 0 on a version conflict.</summary>
    public const string Save = Parse + """
        local version, expires = parse(redis.call('GET', KEYS[1]))
        local live = version and expires > ARGV[2] and version
        if ARGV[1] == '0' then
          if live then return 0 end
        elseif live ~= ARGV[1] then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
        return 1
        """;

    /// <summary>KEYS[1] user index (sorted set: member = record key, score = its expiry in Unix ms). ARGV: score,
    /// member, ttl ms, now in Unix ms. Raises the member's score (never lowers it: a racing save with an earlier expiry
    /// must not hide a later one), drops members expired by now, and keeps the set alive as long as its longest record.</summary>
    public const string IndexAdd = """
        redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        return 1
        """;

    /// <summary>KEYS[1] record. Deletes it; returns its user tag hex, or false when it was absent, anonymous or unreadable.</summary>
    public const string Delete = Parse + """
        local version, expires, tag = parse(redis.pcall('GET', KEYS[1]))
        redis.call('DEL', KEYS[1])
        if tag and tag ~= '-' then return tag end
        return false
        """;

    /// <summary>KEYS[1] record. ARGV: user tag hex, now. Deletes the record only while it belongs to that user.
    /// Returns 0 when absent, 1 when a live record was deleted, 2 when a dead one was, 3 when it belongs to someone else
    /// (or is unreadable: then it is left alone).</summary>
    public const string DeleteOwned = Parse + """
        local current = redis.pcall('GET', KEYS[1])
        if type(current) ~= 'string' then return 0 end
        local version, expires, tag = parse(current)
        if tag ~= ARGV[1] then return 3 end
        redis.call('DEL', KEYS[1])
        if expires > ARGV[2] then return 1 end
        return 2
        """;

    /// <summary>KEYS[1] record. ARGV: now. Deletes it only while it is still expired or unreadable (a save may have
    /// replaced it since the sweep looked); returns 1 when deleted.</summary>
    public const string DeleteIfDead = Parse + """
        local current = redis.pcall('GET', KEYS[1])
        if type(current) ~= 'string' then return 0 end
        local version, expires = parse(current)
        if expires and expires > ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        return 1
        """;

    /// <summary>KEYS[1] key-check value. ARGV: expected value, new value. Replaces it only while it is still the expected one.</summary>
    public const string ReplaceKeyCheck = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;
}
