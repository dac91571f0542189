using System.Collections;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Tessera.Sessions;

/// <summary>
/// One server-side session during a request: a dictionary of JSON values plus who is signed in. Obtained from
/// <see cref="SessionManager.LoadAsync"/> and saved with <see cref="SessionManager.CommitAsync"/>. Not thread-safe:
/// one request uses it at a time.
/// </summary>
public sealed class ServerSession : IEnumerable<KeyValuePair<string, JsonNode?>>
{
    private readonly HashSet<string> _dirtyKeys = new(StringComparer.Ordinal);
    private bool _isModified;

    internal ServerSession(SessionHandle handle, SessionState state, long storedVersion, SessionLoadVerdict verdict, SessionClientInfo client)
    {
        Handle = handle;
        State = state;
        StoredVersion = storedVersion;
        Verdict = verdict;
        Client = client;
    }

    /// <summary>How this session was obtained: <see cref="SessionLoadVerdict.Loaded"/> for an existing one; otherwise it is new.</summary>
    public SessionLoadVerdict Verdict { get; }

    /// <summary>True until the session has been saved to the store for the first time.</summary>
    public bool IsNew => StoredVersion == 0;

    /// <summary>A short, non-secret label of the current handle (for logs and to match <see cref="UserSessionInfo.Fingerprint"/>).</summary>
    public string Fingerprint => Handle.Fingerprint;

    /// <summary>
    /// Whether the session must be saved. Set by every write through this class; set it yourself after mutating a
    /// nested <see cref="JsonNode"/> in place.
    /// </summary>
    public bool IsModified
    {
        get => _isModified;
        set
        {
            _isModified = value;
            NestedMutation |= value;
        }
    }

    /// <summary>The signed-in user's id, or <see langword="null"/> when anonymous.</summary>
    public string? UserId => State.UserId;

    /// <summary>True when a user is signed in.</summary>
    public bool IsAuthenticated => State.UserId is not null;

    /// <summary>The extras stored at sign-in (roles, display name...), or <see langword="null"/>.</summary>
    public JsonObject? UserExtras => State.Extras;

    /// <summary>When the session began.</summary>
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(State.CreatedMs);

    /// <summary>When activity was last recorded in the store.</summary>
    public DateTimeOffset LastAccessedAt => DateTimeOffset.FromUnixTimeMilliseconds(State.AccessedMs);

    /// <summary>An idle timeout for this session only (for example shorter for an administrator); null uses <see cref="SessionManagerOptions.IdleTimeout"/>.</summary>
    public TimeSpan? IdleTimeout
    {
        get => State.IdleTimeout;
        set
        {
            ThrowIfNotPositive(value);
            State.IdleTimeout = value;
            MetadataChanged = true;
            _isModified = true;
        }
    }

    /// <summary>An absolute lifetime for this session only (for example shorter for a privileged session); null uses <see cref="SessionManagerOptions.AbsoluteLifetime"/>.</summary>
    public TimeSpan? Lifetime
    {
        get => State.Lifetime;
        set
        {
            ThrowIfNotPositive(value);
            State.Lifetime = value;
            MetadataChanged = true;
            _isModified = true;
        }
    }

    /// <summary>The client of the request that loaded the session.</summary>
    public SessionClientInfo Client { get; }

    /// <summary>The number of values.</summary>
    public int Count => State.Values.Count;

    /// <summary>The keys of the values.</summary>
    public IEnumerable<string> Keys => State.Values.Keys;

    internal SessionHandle Handle { get; set; }

    internal SessionState State { get; set; }

    internal long StoredVersion { get; set; }

    internal bool Cleared { get; private set; }

    internal bool NestedMutation { get; private set; }

    internal bool MetadataChanged { get; set; }

    internal bool AuthChanged { get; set; }

    internal bool NeedsTouch { get; set; }

    internal bool HandleChanged { get; set; }

    internal bool ClearCookieRequested { get; set; }

    internal byte[]? DataKey { get; set; }

    /// <summary>The AES-GCM instance for <see cref="DataKey"/>, shared by the load and the save of one request.</summary>
    internal AesGcm? Cipher { get; set; }

    internal byte[]? OriginalPlaintext { get; set; }

    /// <summary>What this request changed since the load or the last save, for <see cref="SessionMerger"/>.</summary>
    internal SessionChanges Changes => new(_dirtyKeys, Cleared, NestedMutation, OriginalPlaintext, AuthChanged, MetadataChanged);

    /// <summary>Gets or sets a value; getting a missing key returns <see langword="null"/>, setting marks the session modified.</summary>
    public JsonNode? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return State.Values.TryGetValue(key, out var value) ? value.Node : null;
        }

        set => Set(key, value);
    }

    /// <summary>Gets a value if present.</summary>
    public bool TryGetValue(string key, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (State.Values.TryGetValue(key, out var stored))
        {
            value = stored.Node;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return State.Values.ContainsKey(key);
    }

    /// <summary>Sets a value (a JSON value; <see langword="null"/> stores JSON null) and marks the session modified.</summary>
    /// <exception cref="ArgumentException">
    /// The node already belongs to another JSON tree (pass a clone), or the key or value would not read back (a lone
    /// UTF-16 surrogate, a non-finite number, deeper than <see cref="SessionJson.MaxValueDepth"/>): see
    /// <see cref="SessionJson.FindProblem"/>.
    /// </exception>
    public void Set(string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (value?.Parent is not null)
        {
            throw new ArgumentException("The JSON node already belongs to another object or array; pass value.DeepClone().", nameof(value));
        }

        SessionJson.ThrowIfNotStorable(key, value);
        SetChecked(key, value);
    }

    /// <summary>
    /// <see cref="Set"/> for a detached value the caller has already passed through
    /// <see cref="SessionJson.ThrowIfNotStorable(string, JsonNode?)"/>, so a write walks the value once.
    /// </summary>
    internal void SetChecked(string key, JsonNode? value)
    {
        State.Values[key] = SessionValue.FromNode(value);
        _dirtyKeys.Add(key);
        _isModified = true;
    }

    /// <summary>Removes a value; returns whether it was present. Marks the session modified when it was.</summary>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!State.Values.Remove(key))
        {
            return false;
        }

        _dirtyKeys.Add(key);
        _isModified = true;
        return true;
    }

    /// <summary>Removes every value (the signed-in user stays; sign out with <see cref="SessionManager.SignOutAsync"/>).</summary>
    public void Clear()
    {
        State.Values.Clear();
        _dirtyKeys.Clear();
        Cleared = true;
        _isModified = true;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator()
    {
        foreach (var (key, value) in State.Values)
        {
            yield return new KeyValuePair<string, JsonNode?>(key, value.Node);
        }
    }

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal AesGcm GetCipher() => Cipher ??= SessionSealer.CreateCipher(DataKey!);

    /// <summary>Frees the native cipher; the next use creates a new one.</summary>
    internal void ReleaseCipher()
    {
        Cipher?.Dispose();
        Cipher = null;
    }

    /// <summary>Switches to a new handle (and so a new data key).</summary>
    internal void UseHandle(SessionHandle handle)
    {
        ReleaseCipher();
        Handle = handle;
        DataKey = SessionSealer.DeriveDataKey(handle.DataKey);
        HandleChanged = true;
    }

    /// <summary>Forgets what changed since the last save.</summary>
    internal void MarkSaved(long version, byte[] plaintext)
    {
        StoredVersion = version;
        OriginalPlaintext = plaintext;
        _dirtyKeys.Clear();
        Cleared = false;
        NestedMutation = false;
        MetadataChanged = false;
        AuthChanged = false;
        NeedsTouch = false;
        _isModified = false;
    }

    private static void ThrowIfNotPositive(TimeSpan? value)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), v, "A session lifetime must be positive (or null for the default).");
        }
    }
}
