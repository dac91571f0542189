using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Sessions;

/// <summary>
/// One session value: the raw JSON bytes as loaded, turned into a <see cref="JsonNode"/> only when the
/// application reads it. Untouched values are written back byte for byte, so a request that reads or writes one
/// key of a large session does not pay for parsing and re-serializing the others.
/// </summary>
internal sealed class SessionValue
{
    private readonly ReadOnlyMemory<byte> _raw;
    private JsonNode? _node;

    private SessionValue(ReadOnlyMemory<byte> raw, JsonNode? node, bool materialized)
    {
        _raw = raw;
        _node = node;
        IsMaterialized = materialized;
    }

    /// <summary>True once the node was created (read or set by the application); it may then have been mutated in place.</summary>
    public bool IsMaterialized { get; private set; }

    /// <summary>A value in its stored JSON text: validated when loaded, or written by this library (never client input).</summary>
    public static SessionValue FromRaw(ReadOnlyMemory<byte> raw) => new(raw, null, false);

    public static SessionValue FromNode(JsonNode? node) => new(default, node, true);

    public JsonNode? Node
    {
        get
        {
            if (!IsMaterialized)
            {
                _node = SessionJson.ParseValidated(_raw.Span); // validated when loaded: cannot throw
                IsMaterialized = true;
            }

            return _node;
        }
    }

    /// <summary>The value's JSON text while it has not been materialised (it cannot have changed then); false after.</summary>
    public bool TryGetRaw(out ReadOnlyMemory<byte> raw)
    {
        raw = IsMaterialized ? default : _raw;
        return !IsMaterialized;
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        if (!IsMaterialized)
        {
            writer.WriteRawValue(_raw.Span, skipInputValidation: true);
        }
        else if (_node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            _node.WriteTo(writer);
        }
    }
}
