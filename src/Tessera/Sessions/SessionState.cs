using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Sessions;

/// <summary>
/// The plaintext of a sealed session: a JSON object
/// <c>{"v":1,"c":created ms,"a":last access ms,"i":idle s?,"l":lifetime s?,"u":user?,"k":check hash?,"x":extras?,"ip":bound ip?,"d":{values}}</c>.
/// </summary>
internal sealed class SessionState
{
    public long CreatedMs { get; set; }

    public long AccessedMs { get; set; }

    public TimeSpan? IdleTimeout { get; set; }

    public TimeSpan? Lifetime { get; set; }

    public string? UserId { get; set; }

    public string? CheckHash { get; set; }

    public JsonObject? Extras { get; set; }

    public string? BoundIp { get; set; }

    public Dictionary<string, JsonNode?> Values { get; set; } = new(StringComparer.Ordinal);

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public byte[] Serialize(int sizeHint = 256)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, 1);
            writer.WriteNumber("c"u8, CreatedMs);
            writer.WriteNumber("a"u8, AccessedMs);
            if (IdleTimeout is { } idle)
            {
                writer.WriteNumber("i"u8, idle.TotalSeconds);
            }

            if (Lifetime is { } lifetime)
            {
                writer.WriteNumber("l"u8, lifetime.TotalSeconds);
            }

            if (UserId is not null)
            {
                writer.WriteString("u"u8, UserId);
                writer.WriteString("k"u8, CheckHash);
                if (Extras is not null)
                {
                    writer.WritePropertyName("x"u8);
                    Extras.WriteTo(writer);
                }
            }

            if (BoundIp is not null)
            {
                writer.WriteString("ip"u8, BoundIp);
            }

            writer.WritePropertyName("d"u8);
            WriteValues(writer, Values);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteValues(Utf8JsonWriter writer, Dictionary<string, JsonNode?> values)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in values)
        {
            writer.WritePropertyName(key);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Parses a plaintext; null when it is not a session object of this version.</summary>
    public static SessionState? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject root || root["v"]?.GetValue<int>() != 1
                || root["c"] is not JsonValue created || root["a"] is not JsonValue accessed)
            {
                return null;
            }

            var state = new SessionState
            {
                CreatedMs = created.GetValue<long>(),
                AccessedMs = accessed.GetValue<long>(),
                IdleTimeout = root["i"] is { } i ? TimeSpan.FromSeconds(i.GetValue<double>()) : null,
                Lifetime = root["l"] is { } l ? TimeSpan.FromSeconds(l.GetValue<double>()) : null,
                UserId = root["u"]?.GetValue<string>(),
                CheckHash = root["k"]?.GetValue<string>(),
                BoundIp = root["ip"]?.GetValue<string>(),
            };
            if (root["x"] is JsonObject extras)
            {
                root.Remove("x");
                state.Extras = extras;
            }

            if (root["d"] is JsonObject data)
            {
                var entries = data.ToList();
                data.Clear();
                foreach (var (key, value) in entries)
                {
                    state.Values[key] = value;
                }
            }

            return state;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
