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
    private bool _metadataChanged;
    private bool _authChanged;
    private AesGcm? _cipher;
    private SessionCipherCache.Entry? _cachedCipher;

    /// <summary>
    /// A new session, never stored: its cookie is set at commit if it gets data, and a presented cookie that did not
    /// open (any verdict but <see cref="SessionLoadVerdict.NoCookie"/>) is cleared otherwise.
    /// </summary>
    internal ServerSession(SessionHandle handle, SessionState state, SessionLoadVerdict verdict, SessionClientInfo client)
    {
        Handle = handle;
        State = state;
        Verdict = verdict;
        Client = client;
        DataKey = SessionSealer.DeriveDataKey(handle.DataKey);
        HandleChanged = true;
        ClearCookieRequested = verdict != SessionLoadVerdict.NoCookie;
    }

    /// <summary>
    /// A stored session, opened with <paramref name="dataKey"/> from <paramref name="plaintext"/>; its context is
    /// <paramref name="cachedCipher"/>'s when free, else <paramref name="cipher"/> (its own, created when first needed).
    /// </summary>
    internal ServerSession(SessionHandle handle, SessionState state, long storedVersion, SessionClientInfo client, byte[] dataKey, SessionCipherCache.Entry? cachedCipher, AesGcm? cipher, byte[] plaintext, bool needsTouch)
    {
        Handle = handle;
        State = state;
        StoredVersion = storedVersion;
        Verdict = SessionLoadVerdict.Loaded;
        Client = client;
        DataKey = dataKey;
        _cachedCipher = cachedCipher;
        _cipher = cipher;
        OriginalPlaintext = plaintext;
        NeedsTouch = needsTouch;
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
            _metadataChanged = true;
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
            _metadataChanged = true;
            _isModified = true;
        }
    }

    /// <summary>The client of the request that loaded the session.</summary>
    public SessionClientInfo Client { get; }

    /// <summary>The number of values.</summary>
    public int Count => State.Values.Count;

    /// <summary>The keys of the values.</summary>
    public IEnumerable<string> Keys => State.Values.Keys;

    internal SessionHandle Handle { get; private set; }

    internal SessionState State { get; private set; }

    internal long StoredVersion { get; private set; }

    internal bool Cleared { get; private set; }

    internal bool NestedMutation { get; private set; }

    /// <summary>The idle expiry is due to be extended (the last recorded access is older than the touch interval).</summary>
    internal bool NeedsTouch { get; private set; }

    /// <summary>The handle changed since the cookie was last set: the next commit sends the cookie.</summary>
    internal bool HandleChanged { get; private set; }

    /// <summary>The presented cookie names nothing live: the next commit clears it unless the session is saved.</summary>
    internal bool ClearCookieRequested { get; private set; }

    /// <summary>The key the data is sealed with, derived from the handle's cookie-held key.</summary>
    internal byte[] DataKey { get; private set; }

    internal byte[]? OriginalPlaintext { get; private set; }

    /// <summary>What this request changed since the load or the last save, for <see cref="SessionMerger"/>.</summary>
    internal SessionChanges Changes => new(_dirtyKeys, Cleared, NestedMutation, OriginalPlaintext, _authChanged, _metadataChanged);

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
    internal void SetChecked(string key, JsonNode? value) => SetChecked(key, SessionValue.FromNode(value));

    /// <summary>Stores a value already checked: a node, or JSON text made by this library (see <see cref="SessionValue.FromRaw"/>).</summary>
    internal void SetChecked(string key, SessionValue value)
    {
        State.Values[key] = value;
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

    /// <summary>
    /// The AES-GCM context for <see cref="DataKey"/>, for one decrypt or encrypt (dispose the lease after it): the
    /// cached one when no other request is using it, else this session's own, shared by the load and the saves of one
    /// request.
    /// </summary>
    internal SessionCipherCache.Lease RentCipher() => SessionCipherCache.Lease.Of(_cachedCipher, ref _cipher, DataKey);

    /// <summary>
    /// Hands this session's own cipher over (to be kept for its next request) and forgets it; null when it has none
    /// (it used the cached one).
    /// </summary>
    internal AesGcm? TakeCipher()
    {
        var cipher = _cipher;
        _cipher = null;
        return cipher;
    }

    /// <summary>Frees this session's own cipher and lets go of the cached one; the next use creates a new one.</summary>
    internal void ReleaseCipher()
    {
        _cipher?.Dispose();
        _cipher = null;
        _cachedCipher = null;
    }

    /// <summary>Records activity at <paramref name="nowMs"/> (never moving the last access back).</summary>
    internal void MarkAccessed(long nowMs) => State.AccessedMs = Math.Max(State.AccessedMs, nowMs);

    /// <summary>Records who signed in (the caller rotates the handle next); <paramref name="extras"/> is copied.</summary>
    internal void MarkSignedIn(string userId, string checkHash, JsonObject? extras)
    {
        State.UserId = userId;
        State.CheckHash = checkHash;
        State.Extras = (JsonObject?)extras?.DeepClone();
        _authChanged = true;
        IsModified = true;
    }

    /// <summary>Records the user's new check value (a password change made in this session).</summary>
    internal void MarkCheckValueChanged(string checkHash)
    {
        State.CheckHash = checkHash;
        _authChanged = true;
        IsModified = true;
    }

    /// <summary>The cookie for the current handle is being sent.</summary>
    internal void MarkCookieIssued() => HandleChanged = false;

    /// <summary>Switches to a new handle (and so a new data key).</summary>
    internal void UseHandle(SessionHandle handle)
    {
        ReleaseCipher();
        Handle = handle;
        DataKey = SessionSealer.DeriveDataKey(handle.DataKey);
        HandleChanged = true;
    }

    /// <summary>Saved at <paramref name="version"/> as <paramref name="plaintext"/>: forgets what changed since the last save.</summary>
    internal void MarkSaved(long version, byte[] plaintext)
    {
        StoredVersion = version;
        OriginalPlaintext = plaintext;
        _dirtyKeys.Clear();
        Cleared = false;
        NestedMutation = false;
        _metadataChanged = false;
        _authChanged = false;
        NeedsTouch = false;
        _isModified = false;
    }

    /// <summary>Saved by a commit that also sends the cookie: nothing is left to set or clear.</summary>
    internal void MarkCommitted(long version, byte[] plaintext)
    {
        MarkSaved(version, plaintext);
        HandleChanged = false;
        ClearCookieRequested = false;
    }

    /// <summary>
    /// After losing a save race: continues from <paramref name="merged"/> (the stored state at
    /// <paramref name="version"/>, <paramref name="plaintext"/>, with this request's changes re-applied), keeping the
    /// record of what this request changed for the next attempt.
    /// </summary>
    internal void Rebase(SessionState merged, long version, byte[] plaintext)
    {
        State = merged;
        StoredVersion = version;
        OriginalPlaintext = plaintext;
    }

    /// <summary>
    /// Starts over as a new, empty, unsaved session under <paramref name="handle"/> (after sign-out or a failed check):
    /// the old cookie names a deleted record, so the commit clears it unless the new session gets data.
    /// </summary>
    internal void Reset(SessionHandle handle, SessionState fresh)
    {
        UseHandle(handle);
        State = fresh;
        MarkSaved(0, []);
        OriginalPlaintext = null;
        ClearCookieRequested = true;
    }

    private static void ThrowIfNotPositive(TimeSpan? value)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), v, "A session lifetime must be positive (or null for the default).");
        }
    }
}
