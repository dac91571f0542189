using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Sessions;

namespace Tessera.Benchmarks.Sessions;

/// <summary>
/// A frozen copy of <c>SessionState.Parse</c> as it was before it became one pass (commit 3a2ef50): a readability pass
/// (<c>SessionJson.IsReadable</c>) and then a second reader pass. The baseline of <c>SessionJsonBenchmarks</c>
/// and the oracle of the equivalence tests in Tessera.Tests (linked there); not used by the library.
/// </summary>
internal static class LegacySessionStateParser
{
    private const int DocumentDepth = JsonLimits.MaxDepth + 1;
    private const int CheckHashLength = 32;

    public static SessionState? Parse(byte[] json)
    {
        if (!SessionJson.IsReadable(json, DocumentDepth))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var state = new SessionState();
            bool sawVersion = false, sawCreated = false, sawAccessed = false, valid = true;
            while (valid && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("d"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return null;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        state.Values[key] = SessionValue.FromRaw(json.AsMemory(start, (int)reader.BytesConsumed - start));
                    }

                    continue;
                }

                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "v":
                        sawVersion = reader.GetInt32() == 1;
                        break;
                    case "c":
                        valid = TryGetTime(ref reader, out var created);
                        state.CreatedMs = created;
                        sawCreated = true;
                        break;
                    case "a":
                        valid = TryGetTime(ref reader, out var accessed);
                        state.AccessedMs = accessed;
                        sawAccessed = true;
                        break;
                    case "i":
                        valid = TryGetLifetime(ref reader, out var idle);
                        state.IdleTimeout = idle;
                        break;
                    case "l":
                        valid = TryGetLifetime(ref reader, out var lifetime);
                        state.Lifetime = lifetime;
                        break;
                    case "u":
                        state.UserId = reader.GetString();
                        break;
                    case "k":
                        state.CheckHash = reader.GetString();
                        valid = state.CheckHash is null || IsCheckHash(state.CheckHash);
                        break;
                    case "ip":
                        state.BoundIp = reader.GetString();
                        break;
                    case "x":
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        state.Extras = SessionJson.ParseValidated(json.AsSpan(start, (int)reader.BytesConsumed - start)) as JsonObject;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return valid && sawVersion && sawCreated && sawAccessed ? state : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null; // a field of the wrong JSON type
        }
    }

    // TimeSpan ticks are 10^-7 s: a decimal holds any of them exactly (a double loses ticks past about 28 years).
    private static decimal ToSeconds(TimeSpan span) => (decimal)span.Ticks / TimeSpan.TicksPerSecond;

    private static bool TryGetLifetime(ref Utf8JsonReader reader, out TimeSpan? lifetime)
    {
        lifetime = null;
        if (!reader.TryGetDecimal(out var seconds) || seconds <= 0 || seconds > ToSeconds(TimeSpan.MaxValue))
        {
            return false;
        }

        lifetime = TimeSpan.FromTicks((long)decimal.Round(seconds * TimeSpan.TicksPerSecond));
        return lifetime > TimeSpan.Zero;
    }

    private static bool TryGetTime(ref Utf8JsonReader reader, out long unixMs) =>
        reader.TryGetInt64(out unixMs) &&
        unixMs >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && unixMs <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static bool IsCheckHash(string value)
    {
        Span<byte> hash = stackalloc byte[CheckHashLength + 3];
        return Convert.TryFromBase64String(value, hash, out var written) && written == CheckHashLength;
    }
}
