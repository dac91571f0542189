using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Tessera.Cookies;

namespace Tessera.Sessions;

/// <summary>
/// The plaintext of a sealed session: a JSON object
/// <c>{"v":1,"c":created ms,"a":last access ms,"i":idle s?,"l":lifetime s?,"u":user?,"k":check hash?,"x":extras?,"ip":bound ip?,"d":{values}}</c>.
/// Lifetimes are exact decimal seconds (to the tick); the dictionary and the extras nest at most
/// <see cref="JsonLimits.MaxDepth"/> levels each. <see cref="Parse"/> refuses (null) anything else, whatever its origin.
/// </summary>
internal sealed class SessionState
{
    // The document is one level deeper than the session dictionary it carries.
    private const int DocumentDepth = JsonLimits.MaxDepth + 1;
    private const int CheckHashLength = 32;
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, MaxDepth = DocumentDepth };

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

    /// <summary>The plaintext to seal.</summary>
    /// <exception cref="ArgumentException">A value (or the sign-in extras) was mutated in place into something JSON cannot read back.</exception>
    public byte[] Serialize(int sizeHint = 256)
    {
        ThrowIfNotStorable();
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
                writer.WriteNumber("i"u8, ToSeconds(idle));
            }

            if (Lifetime is { } lifetime)
            {
                writer.WriteNumber("l"u8, ToSeconds(lifetime));
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

    /// <summary>
    /// Parses a plaintext; null when it is not a session object of this version or would fail later (see
    /// <see cref="SessionJson.IsReadable"/>, times outside <see cref="DateTimeOffset"/>, lifetimes that are not
    /// positive <see cref="TimeSpan"/>s, a check hash that is not 32 bytes of base64). One pass: every token, values
    /// included, goes through <see cref="SessionJson.ReadableCheck"/> as it is read, so this refuses what
    /// <see cref="SessionJson.IsReadable"/> refuses. Values stay raw slices of <paramref name="json"/>, already
    /// validated, so materialising one later cannot throw.
    /// </summary>
    public static SessionState? Parse(byte[] json)
    {
        if (!Utf8.IsValid(json))
        {
            return null;
        }

        var check = new SessionJson.ReadableCheck();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentDepth });
            if (!Next(ref reader, ref check, json) || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var state = new SessionState();
            bool sawVersion = false, sawCreated = false, sawAccessed = false, valid = true;
            while (valid && Next(ref reader, ref check, json) && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("d"u8))
                {
                    Next(ref reader, ref check, json);
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return null;
                    }

                    while (Next(ref reader, ref check, json) && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        Next(ref reader, ref check, json);
                        var start = (int)reader.TokenStartIndex;
                        Skip(ref reader, ref check, json);
                        state.Values[key] = SessionValue.FromRaw(json.AsMemory(start, (int)reader.BytesConsumed - start));
                    }

                    continue;
                }

                var name = reader.GetString();
                Next(ref reader, ref check, json);
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
                        Skip(ref reader, ref check, json);
                        state.Extras = SessionJson.ParseValidated(json.AsSpan(start, (int)reader.BytesConsumed - start)) as JsonObject;
                        break;
                    default:
                        Skip(ref reader, ref check, json);
                        break;
                }
            }

            // The root object is closed: anything after it but whitespace is refused (the reader throws).
            return valid && !Next(ref reader, ref check, json) && sawVersion && sawCreated && sawAccessed ? state : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null; // not readable JSON, or a field of the wrong JSON type
        }
        finally
        {
            check.Dispose();
        }
    }

    /// <summary>Checks what may have changed in place since it was set or loaded: values handed out, and the extras.</summary>
    private void ThrowIfNotStorable()
    {
        foreach (var (key, value) in Values)
        {
            if (value.IsMaterialized)
            {
                SessionJson.ThrowIfNotStorable(key, value.Node);
            }
        }

        if (Extras is not null)
        {
            SessionJson.ThrowIfNotStorable("(sign-in extras)", Extras);
        }
    }

    /// <summary>Reads the next token and checks it (see <see cref="SessionJson.ReadableCheck"/>); throws when the document is not readable.</summary>
    private static bool Next(ref Utf8JsonReader reader, ref SessionJson.ReadableCheck check, ReadOnlySpan<byte> json)
    {
        if (!reader.Read())
        {
            return false;
        }

        return check.Accept(ref reader, json) ? true : throw new JsonException("Not readable: a duplicate property name or a lone-surrogate escape.");
    }

    /// <summary><see cref="Utf8JsonReader.Skip"/> that checks every token of the value it skips.</summary>
    private static void Skip(ref Utf8JsonReader reader, ref SessionJson.ReadableCheck check, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = reader.CurrentDepth;
            while (Next(ref reader, ref check, json) && reader.CurrentDepth > depth)
            {
            }
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
