namespace Tessera.Redis;

/// <summary>
/// The Lua scripts that make each store operation atomic in the server. A record is live when its header's
/// expiry (19-digit ticks, compared as strings) is after the caller's "now". Values that
/// <see cref="RedisRecordFormat"/> would not decode count as absent here too, so reads and writes agree.
/// </summary>
/// <remarks>
/// The scripts touch index keys they compute, so they need one Redis server (or primary); Redis Cluster is not supported.
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

    /// <summary>KEYS[1] record, KEYS[2] user index set (optional). ARGV: expected version, now, value, ttl ms, member.</summary>
    public const string Save = Parse + """
        local version, expires = parse(redis.call('GET', KEYS[1]))
        local live = version and expires > ARGV[2] and version
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
    public const string Delete = Parse + """
        local version, expires, tag = parse(redis.pcall('GET', KEYS[1]))
        redis.call('DEL', KEYS[1])
        if tag and tag ~= '-' then redis.call('SREM', ARGV[1] .. tag, ARGV[2]) end
        return 1
        """;

    /// <summary>KEYS[1] user index set. ARGV: record key prefix, user tag hex, now, member to keep ('' for none).
    /// Returns how many live records were deleted; prunes members whose record is gone or belongs to someone else.</summary>
    public const string DeleteByUser = Parse + """
        local deleted = 0
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if member ~= ARGV[4] then
            local key = ARGV[1] .. member
            local version, expires, tag = parse(redis.pcall('GET', key))
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
    /// record key prefix, index key prefix. Returns { next cursor, live, expired (or swept) }. Unreadable string
    /// values count as expired and are swept; keys of other types are left alone.</summary>
    public const string ScanStep = Parse + """
        local page = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[4])
        local live, expired = 0, 0
        for _, key in ipairs(page[2]) do
          local current = redis.pcall('GET', key)
          if type(current) == 'string' then
            local version, expires, tag = parse(current)
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

    /// <summary>KEYS[1] key-check value. ARGV: expected value, new value. Replaces it only while it is still the expected one.</summary>
    public const string ReplaceKeyCheck = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;
}
