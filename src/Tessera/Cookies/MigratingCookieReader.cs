namespace Tessera.Cookies;

/// <summary>
/// Reads a cookie by trying a configured chain of formats (say pyramid-nacl, then Beaker, then Tessera) and says
/// which one matched; a session found in a legacy format is flagged for re-issue in the target (modern) format.
/// </summary>
internal sealed class MigratingCookieReader
{
    private readonly ICookieSessionFormat[] _chain;

    /// <summary>Creates the reader.</summary>
    /// <param name="target">The format new cookies are written in; it is tried first unless it appears in <paramref name="chain"/>.</param>
    /// <param name="chain">The formats to try, in order.</param>
    public MigratingCookieReader(ICookieSessionFormat target, IEnumerable<ICookieSessionFormat> chain)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(chain);
        var list = chain.ToList();
        if (!list.Contains(target))
        {
            list.Insert(0, target);
        }

        _chain = [.. list];
        Target = target;
    }

    /// <summary>The format sessions are re-issued in.</summary>
    public ICookieSessionFormat Target { get; }

    /// <summary>Reads at the formats' own clock.</summary>
    public CookieReadResult Read(string cookieName, string? value) => ReadWith(f => f.Read(cookieName, value));

    /// <summary>Reads at an explicit time.</summary>
    public CookieReadResult Read(string cookieName, string? value, DateTimeOffset now) => ReadWith(f => f.Read(cookieName, value, now));

    /// <summary>Writes a session read from any format of the chain in the target format, renewed at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">The result is not valid.</exception>
    public string Reissue(string cookieName, CookieReadResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        var payload = result.Payload ??
            (result.IsValid && result.Data is not null ? CookieSessionPayload.CreateNew(result.Data, now) : null) ??
            throw new ArgumentException("Only a valid result can be re-issued; start a new session instead.", nameof(result));
        return Target.Write(cookieName, payload.RenewedAt(now));
    }

    private CookieReadResult ReadWith(Func<ICookieSessionFormat, CookieReadResult> read)
    {
        CookieReadResult? targetVerdict = null;
        CookieReadResult? authentic = null;
        foreach (var format in _chain)
        {
            var result = read(format);
            if (result.IsValid)
            {
                return result.WithReissue(!ReferenceEquals(format, Target));
            }

            if (ReferenceEquals(format, Target))
            {
                targetVerdict = result;
            }

            // An authentic-but-expired cookie says more than "no format recognised it".
            if (result.Reason == CookieRejection.Expired)
            {
                authentic ??= result;
            }
        }

        return authentic ?? targetVerdict!;
    }
}
