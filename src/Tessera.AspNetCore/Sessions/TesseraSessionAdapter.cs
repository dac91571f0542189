using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>
/// <c>HttpContext.Session</c> over a Tessera session. Byte values map onto JSON values as documented on
/// <see cref="SessionValueCodec"/>: UTF-8 text is a JSON string, other bytes are <c>{"$base64": "..."}</c>, and
/// values stored through the JSON API read back as their JSON text.
/// </summary>
internal sealed class TesseraSessionAdapter : ISession
{
    private readonly ITesseraSession _session;

    /// <summary>Wraps <paramref name="session"/>.</summary>
    public TesseraSessionAdapter(ITesseraSession session) => _session = session ?? throw new ArgumentNullException(nameof(session));

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public string Id => _session.Id;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _session.Keys;

    /// <inheritdoc />
    public void Clear() => _session.Clear();

    /// <summary>Does nothing: the middleware saves the session after the endpoint.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Does nothing: the middleware loaded the session before the endpoint ran.</summary>
    public Task LoadAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public void Remove(string key) => _session.Remove(key);

    /// <inheritdoc />
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_session is ServerRequestSession server && !Utf8.IsValid(value))
        {
            server.SetRawValue(key, SessionValueCodec.ToBase64Json(value)); // no node to build, check and write
            return;
        }

        _session.SetValue(key, SessionValueCodec.ToJson(value));
    }

    /// <inheritdoc />
    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value)
    {
        if (_session is ServerRequestSession server)
        {
            if (!server.TryGetStoredValue(key, out var stored))
            {
                value = null;
                return false;
            }

            // A value nothing materialised is read from its JSON text; the rest as nodes.
            value = (stored.TryGetRaw(out var raw) ? SessionValueCodec.TryToBytes(raw.Span) : null) ?? SessionValueCodec.ToBytes(stored.Node);
            return true;
        }

        if (_session.TryGetValue(key, out var node))
        {
            value = SessionValueCodec.ToBytes(node);
            return true;
        }

        value = null;
        return false;
    }
}
