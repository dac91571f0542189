namespace Tessera.Redis;

/// <summary>
/// The Lua scripts that make each store operation atomic in the server. A record is live when its header's
/// expiry (19-digit ticks, compared as strings) is after the caller's "now"; garbage values count as absent.
/// </summary>
/// <remarks>
/// The scripts touch index keys they compute, so they need one Redis server (or primary); Redis Cluster is not supported.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>KEYS[1] record, KEYS[2] user index set (optional). ARGV: expected version, now, value, ttl ms, member.</summary>
    public const string Save = """
        local current = redis.call('GET', KEYS[1])
        local live = false
        if current then
          local version, expires = string.match(current, '^T1 (%d+) (%d+) ')
          if version and expires > ARGV[2] then live = version end
        end
        if ARGV[1] == '0' then
          if live then return 0 end
        elseif live ~= ARGV[1] then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
        if KEYS[2] then
          redis.call('SADD', KEYS[2], ARGV[5])
          if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
        end
        return 1
        """;

    /// <summary>KEYS[1] record. ARGV: index key prefix, member.</summary>
    public const string Delete = """
        local current = redis.call('GET', KEYS[1])
        if current then
          redis.call('DEL', KEYS[1])
          local tag = string.match(current, '^T1 %d+ %d+ (%x+)\n')
          if tag then redis.call('SREM', ARGV[1] .. tag, ARGV[2]) end
        end
        return 1
        """;

    /// <summary>KEYS[1] user index set. ARGV: record key prefix, user tag hex, now, member to keep ('' for none).
    /// Returns how many live records were deleted; prunes members whose record is gone or belongs to someone else.</summary>
    public const string DeleteByUser = """
        local deleted = 0
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if member ~= ARGV[4] then
            local key = ARGV[1] .. member
            local current = redis.pcall('GET', key)
            local expires, tag
            if type(current) == 'string' then expires, tag = string.match(current, '^T1 %d+ (%d+) (%S+)\n') end
            if tag == ARGV[2] then
              redis.call('DEL', key)
              if expires > ARGV[3] then deleted = deleted + 1 end
            end
            redis.call('SREM', KEYS[1], member)
          end
        end
        return deleted
        """;

    /// <summary>One SCAN step over record keys. ARGV: cursor, match pattern, now, count, 'sweep' or 'count',
    /// record key prefix, index key prefix. Returns { next cursor, live, expired (or swept) }. Unreadable values
    /// count as expired and are swept.</summary>
    public const string ScanStep = """
        local page = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[4])
        local live, expired = 0, 0
        for _, key in ipairs(page[2]) do
          local current = redis.pcall('GET', key)
          if type(current) == 'string' then
            local expires, tag = string.match(current, '^T1 %d+ (%d+) (%S+)\n')
            if expires and expires > ARGV[3] then
              live = live + 1
            else
              expired = expired + 1
              if ARGV[5] == 'sweep' then
                redis.call('DEL', key)
                if tag and tag ~= '-' then redis.call('SREM', ARGV[7] .. tag, string.sub(key, #ARGV[6] + 1)) end
              end
            end
          end
        end
        return { page[1], live, expired }
        """;
}
