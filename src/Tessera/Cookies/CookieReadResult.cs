using System.Text.Json.Nodes;

namespace Tessera.Cookies;

/// <summary>
/// The verdict on one session cookie: valid with its data, or a <see cref="CookieRejection"/>. Reading never throws on
/// client input; every failure is one of these.
/// </summary>
public sealed class CookieReadResult
{
    private CookieReadResult(string formatName, CookieRejection reason)
    {
        FormatName = formatName;
        Reason = reason;
    }

    /// <summary>True when the cookie was accepted and <see cref="Data"/> holds the session.</summary>
    public bool IsValid => Reason == CookieRejection.None;

    /// <summary>Why the cookie was rejected; <see cref="CookieRejection.None"/> when valid.</summary>
    public CookieRejection Reason { get; private init; }

    /// <summary>The format that produced this verdict (<c>tessera</c>, <c>beaker</c>, <c>pyramid-nacl</c>).</summary>
    public string FormatName { get; private init; }

    /// <summary>The application's session dictionary (the format's bookkeeping keys removed); null unless valid.</summary>
    public JsonObject? Data { get; private init; }

    /// <summary>
    /// The dictionary exactly as the format stores it: Beaker's whole dict with its underscore keys, Pyramid's state
    /// object, Tessera's session dictionary. Null unless the cookie was authentic and decoded (also set when expired).
    /// </summary>
    public JsonObject? StoredData { get; private init; }

    /// <summary>When the session was created; null when unknown (rejected, or Beaker without <c>_creation_time</c>).</summary>
    public DateTimeOffset? Created { get; private init; }

    /// <summary>When the cookie was last issued (Beaker's <c>_accessed_time</c>, Pyramid's renewed time).</summary>
    public DateTimeOffset? Renewed { get; private init; }

    /// <summary>
    /// True when the caller should send a fresh cookie: the reissue time has passed, the cookie was opened with an
    /// older key, or (read through the legacy migration) it is in a legacy format.
    /// </summary>
    public bool NeedsReissue { get; private init; }

    /// <summary>True when a Tessera cookie was opened with a key other than the keyring's newest.</summary>
    public bool OpenedWithOldKey { get; private init; }

    /// <summary>The payload to re-issue (valid results only).</summary>
    public CookieSessionPayload? Payload =>
        IsValid && Data is not null && Created is { } created && Renewed is { } renewed ? new CookieSessionPayload(Data, created, renewed) : null;

    /// <summary>A rejection.</summary>
    public static CookieReadResult Rejected(string formatName, CookieRejection reason)
    {
        if (reason == CookieRejection.None)
        {
            throw new ArgumentException("A rejection needs a reason other than None.", nameof(reason));
        }

        return new CookieReadResult(formatName, reason);
    }

    /// <summary>An authentic cookie whose session has expired; its times and stored data are kept for diagnostics.</summary>
    public static CookieReadResult Expired(string formatName, JsonObject? storedData, DateTimeOffset? created, DateTimeOffset? renewed) =>
        new(formatName, CookieRejection.Expired) { StoredData = storedData, Created = created, Renewed = renewed };

    /// <summary>An accepted cookie.</summary>
    public static CookieReadResult Valid(
        string formatName,
        JsonObject data,
        JsonObject storedData,
        DateTimeOffset? created,
        DateTimeOffset? renewed,
        bool needsReissue,
        bool openedWithOldKey = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(storedData);
        return new CookieReadResult(formatName, CookieRejection.None)
        {
            Data = data,
            StoredData = storedData,
            Created = created,
            Renewed = renewed,
            NeedsReissue = needsReissue || openedWithOldKey,
            OpenedWithOldKey = openedWithOldKey,
        };
    }

    /// <summary>This result as seen by a migrating reader: same verdict, re-issue requested when <paramref name="reissue"/>.</summary>
    internal CookieReadResult WithReissue(bool reissue) =>
        new(FormatName, Reason)
        {
            Data = Data,
            StoredData = StoredData,
            Created = Created,
            Renewed = Renewed,
            NeedsReissue = NeedsReissue || reissue,
            OpenedWithOldKey = OpenedWithOldKey,
        };
}
