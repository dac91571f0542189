using System.Text;
using StackExchange.Redis;

namespace Tessera.Redis.Tests;

/// <summary>Every key under a prefix and every byte of its value (strings, sets and sorted sets), from every primary.</summary>
public static class RedisDump
{
    public static async Task<byte[]> AllAsync(string connectionString, string prefix)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",syncTimeout=15000");
        var database = redis.GetDatabase();
        using var dump = new MemoryStream();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
            {
                dump.Write(Encoding.UTF8.GetBytes((string)key!));
                var values = await database.KeyTypeAsync(key) switch
                {
                    RedisType.Set => await database.SetMembersAsync(key),
                    RedisType.SortedSet => await database.SortedSetRangeByRankAsync(key),
                    _ => [await database.StringGetAsync(key)],
                };
                foreach (var value in values)
                {
                    dump.Write((byte[])value!);
                }
            }
        }

        return dump.ToArray();
    }
}
