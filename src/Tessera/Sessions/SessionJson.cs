using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Tessera.Cookies;

namespace Tessera.Sessions;

/// <summary>
/// What a session (server-side or sealed cookie) can hold: exactly the JSON its readers read back. Setters and writers
/// refuse the rest at once, so no save can write what a later load would refuse.
/// </summary>
/// <remarks>
/// A storable value is JSON whose strings and property names are valid UTF-16 (no lone surrogate: JSON writers would
/// silently turn one into U+FFFD), whose numbers are finite, and which nests at most
/// <see cref="JsonLimits.MaxDepth"/> levels counting the session dictionary as one (so a value itself nests at most
/// <c>MaxDepth - 1</c> objects or arrays). Keys, the empty key included, are any valid UTF-16 string.
/// </remarks>
public static class SessionJson
{
    /// <summary>The deepest a single value may nest: the session dictionary holding it is the first level.</summary>
    public const int MaxValueDepth = JsonLimits.MaxDepth - 1;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = JsonLimits.MaxDepth };

    /// <summary>Why <paramref name="value"/> cannot be stored under <paramref name="key"/>, or null when it can.</summary>
    /// <remarks>Use it to refuse client input with a message (for example a 400), before calling a setter that would throw.</remarks>
    public static string? FindProblem(string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValidUtf16(key))
        {
            return "the key contains a lone UTF-16 surrogate (JSON cannot carry it)";
        }

        var problem = ValueProblem(value, 0);
        return problem is null ? null : $"the value of '{key}' {problem}";
    }

    /// <summary>Throws when <paramref name="value"/> cannot be stored under <paramref name="key"/> (see <see cref="FindProblem"/>).</summary>
    /// <exception cref="ArgumentException">The key or the value would not read back: the message says what to change.</exception>
    public static void ThrowIfNotStorable(string key, JsonNode? value)
    {
        if (FindProblem(key, value) is { } problem)
        {
            throw new ArgumentException($"Session value not stored: {problem}.", nameof(value));
        }
    }

    /// <summary>Throws when any entry of a whole session dictionary cannot be stored.</summary>
    internal static void ThrowIfNotStorable(JsonObject dictionary)
    {
        for (var i = 0; i < dictionary.Count; i++)
        {
            var (key, value) = dictionary.GetAt(i);
            ThrowIfNotStorable(key, value);
        }
    }

    /// <summary>Parses a value this library validated (on load or on set): never deeper than the limit.</summary>
    internal static JsonNode? ParseValidated(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, documentOptions: ParseOptions);

    /// <summary>
    /// True when <paramref name="utf8"/> is one JSON document every reader here materialises without an error: valid
    /// UTF-8, syntax, at most <paramref name="maxDepth"/> levels, no lone-surrogate escape, no duplicate property name
    /// in any object. Allocation-free (pooled scratch), one pass.
    /// </summary>
    internal static bool IsReadable(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (!Utf8.IsValid(utf8))
        {
            return false;
        }

        var check = new ReadableCheck();
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
            while (reader.Read())
            {
                if (!check.Accept(ref reader, utf8))
                {
                    return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            check.Dispose();
        }
    }

    /// <summary>True when the escaped (raw) text of a JSON string has a <c>\uD800</c>-<c>\uDFFF</c> escape not in a high-low pair.</summary>
    private static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        for (var i = raw.IndexOf((byte)'\\'); i >= 0 && i < raw.Length - 1; i = NextEscape(raw, i))
        {
            if (raw[i + 1] != 'u')
            {
                i += 2;
                continue;
            }

            var unit = HexUnit(raw, i + 2);
            if (char.IsLowSurrogate(unit))
            {
                return true;
            }

            if (char.IsHighSurrogate(unit))
            {
                if (i + 11 >= raw.Length || raw[i + 6] != '\\' || raw[i + 7] != 'u' || !char.IsLowSurrogate(HexUnit(raw, i + 8)))
                {
                    return true;
                }

                i += 12;
                continue;
            }

            i += 6;
        }

        return false;

        // i points past the escape just handled; find the next backslash from there.
        static int NextEscape(ReadOnlySpan<byte> raw, int from)
        {
            if (from >= raw.Length)
            {
                return -1;
            }

            var next = raw[from..].IndexOf((byte)'\\');
            return next < 0 ? -1 : from + next;
        }
    }

    // The reader validated the escape's syntax: four hex digits follow "\u".
    private static char HexUnit(ReadOnlySpan<byte> raw, int at) =>
        at + 4 <= raw.Length && System.Buffers.Text.Utf8Parser.TryParse(raw.Slice(at, 4), out ushort unit, out var consumed, 'X') && consumed == 4
            ? (char)unit
            : '\0';

    private static bool IsValidUtf16(ReadOnlySpan<char> text)
    {
        for (var i = text.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0; i = text.IndexOfAnyInRange('\uD800', '\uDFFF'))
        {
            if (!char.IsHighSurrogate(text[i]) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return false;
            }

            text = text[(i + 2)..];
        }

        return true;
    }

    /// <summary>What is wrong with a value nested <paramref name="depth"/> containers deep, or null.</summary>
    private static string? ValueProblem(JsonNode? node, int depth)
    {
        try
        {
            switch (node)
            {
                case null:
                    return null;
                case JsonObject obj:
                    if (depth + 1 > MaxValueDepth)
                    {
                        return TooDeep();
                    }

                    for (var i = 0; i < obj.Count; i++)
                    {
                        var (name, item) = obj.GetAt(i);
                        if (!IsValidUtf16(name))
                        {
                            return "has a property name with a lone UTF-16 surrogate (JSON cannot carry it)";
                        }

                        if (ValueProblem(item, depth + 1) is { } problem)
                        {
                            return problem;
                        }
                    }

                    return null;
                case JsonArray array:
                    if (depth + 1 > MaxValueDepth)
                    {
                        return TooDeep();
                    }

                    for (var i = 0; i < array.Count; i++)
                    {
                        if (ValueProblem(array[i], depth + 1) is { } problem)
                        {
                            return problem;
                        }
                    }

                    return null;
                default:
                    return ScalarProblem((JsonValue)node, depth);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException or NotSupportedException)
        {
            // A node over parsed text that does not materialise: duplicate property names, a lone-surrogate escape.
            return $"is not valid JSON data ({e.Message})";
        }
    }

    private static string? ScalarProblem(JsonValue value, int depth)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var valid = value.TryGetValue(out string? text) ? IsValidUtf16(text) : !(value.TryGetValue(out char c) && char.IsSurrogate(c));
                return valid ? null : "has a string with a lone UTF-16 surrogate (JSON cannot carry it)";
            case JsonValueKind.Number:
                // Parsed numbers are JSON text already (1e999 included); only a .NET double or float can be NaN or infinite.
                var finite = value.TryGetValue(out JsonElement _) || (value.TryGetValue(out double d) ? double.IsFinite(d) : !(value.TryGetValue(out float f) && !float.IsFinite(f)));
                return finite ? null : "has a number that is not finite (NaN or infinity has no JSON form)";
            case JsonValueKind.Object or JsonValueKind.Array:
                // A JsonValue over a .NET object or a JsonElement: check the JSON it stands for.
                var element = value.TryGetValue(out JsonElement e) ? e : JsonSerializer.SerializeToElement(value);
                return ValueProblem(JsonNode.Parse(element.GetRawText(), documentOptions: ParseOptions), depth);
            default:
                return null;
        }
    }

    private static string TooDeep() =>
        $"nests deeper than {MaxValueDepth} levels (the session limit is {JsonLimits.MaxDepth} counting the session itself); flatten it";

    /// <summary>
    /// What <see cref="IsReadable"/> checks token by token, for a reader that walks a document itself (one pass, see
    /// <c>SessionState.Parse</c>): no lone-surrogate escape, no duplicate property name in any object. Holds the names of
    /// the objects open during the walk; pooled arrays, grown on demand. Dispose it.
    /// </summary>
    internal struct ReadableCheck : IDisposable
    {
        // Per name: start and length in the document, and a hash of its unescaped bytes. Per open object: its first name.
        private int[]? _names;
        private int[]? _objects;
        private int _nameCount;
        private int _objectCount;

        /// <summary>Checks the token the reader is on; false when the document is not readable because of it.</summary>
        /// <param name="reader">The reader, on the token just read from <paramref name="document"/>.</param>
        /// <param name="document">The whole document the reader walks (names are compared in it).</param>
        public bool Accept(ref Utf8JsonReader reader, ReadOnlySpan<byte> document)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    PushObject();
                    return true;
                case JsonTokenType.EndObject:
                    PopObject();
                    return true;
                case JsonTokenType.PropertyName:
                    return !(reader.ValueIsEscaped && HasLoneSurrogateEscape(reader.ValueSpan)) && AddIfNew(ref reader, document);
                case JsonTokenType.String:
                    return !(reader.ValueIsEscaped && HasLoneSurrogateEscape(reader.ValueSpan));
                default:
                    return true;
            }
        }

        private void PushObject()
        {
            Grow(ref _objects, _objectCount + 1);
            _objects![_objectCount++] = _nameCount;
        }

        private void PopObject() => _nameCount = _objects![--_objectCount];

        /// <summary>Records the property name at the reader; false when the current object already has it.</summary>
        private bool AddIfNew(ref Utf8JsonReader reader, ReadOnlySpan<byte> document)
        {
            var escaped = reader.ValueIsEscaped;
            var start = (int)reader.TokenStartIndex + 1; // after the opening quote
            var length = reader.ValueSpan.Length;
            int hash;
            if (escaped)
            {
                hash = Hash(Unescape(document, start, out var rented));
                ArrayPool<byte>.Shared.Return(rented);
            }
            else
            {
                hash = Hash(reader.ValueSpan);
            }

            for (var i = _objects![_objectCount - 1]; i < _nameCount; i++)
            {
                if (_names![(3 * i) + 2] == hash && SameName(document, _names[3 * i], _names[(3 * i) + 1], start, length))
                {
                    return false;
                }
            }

            Grow(ref _names, 3 * (_nameCount + 1));
            _names![3 * _nameCount] = start;
            _names[(3 * _nameCount) + 1] = length;
            _names[(3 * _nameCount) + 2] = hash;
            _nameCount++;
            return true;
        }

        public void Dispose()
        {
            if (_names is not null)
            {
                ArrayPool<int>.Shared.Return(_names);
            }

            if (_objects is not null)
            {
                ArrayPool<int>.Shared.Return(_objects);
            }
        }

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }

        private static bool SameName(ReadOnlySpan<byte> document, int startA, int lengthA, int startB, int lengthB)
        {
            var a = document.Slice(startA, lengthA);
            var b = document.Slice(startB, lengthB);
            if (a.IndexOf((byte)'\\') < 0 && b.IndexOf((byte)'\\') < 0)
            {
                return a.SequenceEqual(b);
            }

            var ua = Unescape(document, startA, out var rentedA);
            var ub = Unescape(document, startB, out var rentedB);
            var same = ua.SequenceEqual(ub);
            ArrayPool<byte>.Shared.Return(rentedA);
            ArrayPool<byte>.Shared.Return(rentedB);
            return same;
        }

        /// <summary>The unescaped bytes of the (already validated) string whose text starts at <paramref name="start"/>.</summary>
        private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> document, int start, out byte[] rented)
        {
            var reader = new Utf8JsonReader(document[(start - 1)..], new JsonReaderOptions { AllowMultipleValues = true });
            reader.Read();
            rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
            var written = reader.CopyString(rented);
            return rented.AsSpan(0, written);
        }

        private static void Grow(ref int[]? array, int needed)
        {
            if (array is not null && array.Length >= needed)
            {
                return;
            }

            var bigger = ArrayPool<int>.Shared.Rent(Math.Max(needed, 16) * 2);
            if (array is not null)
            {
                array.CopyTo(bigger, 0);
                ArrayPool<int>.Shared.Return(array);
            }

            array = bigger;
        }
    }
}
