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
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    // One writer and buffer per thread, reused across saves (zeroed after each: it held session plaintext).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public long CreatedMs { get; set; }

    public long AccessedMs { get; set; }

    public TimeSpan? IdleTimeout { get; set; }

    public TimeSpan? Lifetime { get; set; }

    public string? UserId { get; set; }

    public string? CheckHash { get; set; }

    public JsonObject? Extras { get; set; }

    public string? BoundIp { get; set; }

    public Dictionary<string, SessionValue> Values { get; } = new(StringComparer.Ordinal);

    public byte[] Serialize(int sizeHint = 256)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(Math.Max(sizeHint, 512));
        t_buffer = null; // a nested use on this thread gets its own pair
        var writer = t_writer ?? new Utf8JsonWriter(buffer, WriterOptions);
        t_writer = null;
        writer.Reset(buffer);
        try
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
            writer.WriteStartObject();
            foreach (var (key, value) in Values)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.Clear();
            if (buffer.Capacity <= 64 * 1024)
            {
                t_buffer = buffer;
                t_writer = writer;
            }
        }
    }

    /// <summary>Parses a plaintext; null when it is not a session object of this version. Values stay raw slices of <paramref name="json"/>.</summary>
    public static SessionState? Parse(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var state = new SessionState();
            bool sawVersion = false, sawCreated = false, sawAccessed = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
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
                        state.CreatedMs = reader.GetInt64();
                        sawCreated = true;
                        break;
                    case "a":
                        state.AccessedMs = reader.GetInt64();
                        sawAccessed = true;
                        break;
                    case "i":
                        state.IdleTimeout = TimeSpan.FromSeconds(reader.GetDouble());
                        break;
                    case "l":
                        state.Lifetime = TimeSpan.FromSeconds(reader.GetDouble());
                        break;
                    case "u":
                        state.UserId = reader.GetString();
                        break;
                    case "k":
                        state.CheckHash = reader.GetString();
                        break;
                    case "ip":
                        state.BoundIp = reader.GetString();
                        break;
                    case "x":
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        state.Extras = JsonNode.Parse(json.AsSpan(start, (int)reader.BytesConsumed - start)) as JsonObject;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return sawVersion && sawCreated && sawAccessed ? state : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
