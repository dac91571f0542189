using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>
/// <c>HttpContext.Session</c> over a Tessera session. Byte values map onto JSON values as documented on
/// <see cref="SessionValueCodec"/>: UTF-8 text is a JSON string, other bytes are <c>{"$base64": "..."}</c>, and
/// values stored through the JSON API read back as their JSON text.
/// </summary>
internal sealed class TesseraSessionAdapter : ISession
{
    private readonly RequestSession _session;

    /// <summary>Wraps <paramref name="session"/>.</summary>
    public TesseraSessionAdapter(RequestSession session) => _session = session ?? throw new ArgumentNullException(nameof(session));

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
        _session.SetBytes(key, value);
    }

    /// <inheritdoc />
    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value) => _session.TryGetBytes(key, out value);
}
