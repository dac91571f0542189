using System.Text;

namespace Tessera.Tickets;

/// <summary><see cref="TicketOptions"/> checked and turned into bytes once, at construction.</summary>
internal sealed class TicketSettings
{
    public TicketSettings(TicketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Scheme))
        {
            throw new ArgumentException($"Unknown TicketOptions.Scheme {options.Scheme}.", nameof(options));
        }

        Scheme = options.Scheme;
        if ((options.Secrets is null) == (options.Keyring is null))
        {
            throw new ArgumentException("Set exactly one of TicketOptions.Secrets and TicketOptions.Keyring (newest secret first).", nameof(options));
        }

        var secrets = options.Keyring?.Secrets ?? options.Secrets!;
        Secrets = CheckSecrets(secrets, "TicketOptions.Secrets", requireOne: true, nameof(options));
        RetiredSecrets = CheckSecrets(options.RetiredSecrets ?? [], "TicketOptions.RetiredSecrets", requireOne: false, nameof(options));

        if (options.Timeout < TimeSpan.Zero || options.Timeout.TotalSeconds > uint.MaxValue)
        {
            throw new ArgumentException("TicketOptions.Timeout must be between zero (no expiry) and 2^32-1 seconds.", nameof(options));
        }

        TimeoutSeconds = (uint)options.Timeout.TotalSeconds;
        if (double.IsNaN(options.RefreshFraction) || options.RefreshFraction is < 0 or > 1)
        {
            throw new ArgumentException("TicketOptions.RefreshFraction must be between 0 (never refresh) and 1 (refresh on every request).", nameof(options));
        }

        RefreshFraction = options.RefreshFraction;
        InclusiveExpiry = options.ExpiryBound switch
        {
            TicketExpiryBound.SchemeDefault => Scheme != TicketScheme.HmacSha256,
            TicketExpiryBound.Inclusive => true,
            TicketExpiryBound.Exclusive => false,
            _ => throw new ArgumentException($"Unknown TicketOptions.ExpiryBound {options.ExpiryBound}.", nameof(options)),
        };

        if (options.MaxFutureSkew < TimeSpan.Zero)
        {
            throw new ArgumentException("TicketOptions.MaxFutureSkew must not be negative; use null to accept any future date.", nameof(options));
        }

        MaxFutureSkewSeconds = options.MaxFutureSkew is { } skew ? (long)skew.TotalSeconds : null;
        IgnoreIp = options.IgnoreIp;
        AllowEmptyUserId = options.AllowEmptyUserId;
        RequiredTokens = [.. (options.RequiredTokens ?? []).Select(t => Encoding.UTF8.GetBytes(t))];
        if (RequiredTokens.Any(t => t.Length == 0 || t.Contains((byte)',')))
        {
            throw new ArgumentException("TicketOptions.RequiredTokens must not contain an empty token or one with ','.", nameof(options));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(options.CookieName, nameof(options));
        CookieNamePrefix = options.CookieName + "=";
    }

    public TicketScheme Scheme { get; }

    public byte[][] Secrets { get; }

    public byte[][] RetiredSecrets { get; }

    public uint TimeoutSeconds { get; }

    public double RefreshFraction { get; }

    public bool InclusiveExpiry { get; }

    public long? MaxFutureSkewSeconds { get; }

    public bool IgnoreIp { get; }

    public bool AllowEmptyUserId { get; }

    public byte[][] RequiredTokens { get; }

    public string CookieNamePrefix { get; }

    private static byte[][] CheckSecrets(IReadOnlyList<byte[]> secrets, string name, bool requireOne, string paramName)
    {
        if (requireOne && secrets.Count == 0)
        {
            throw new ArgumentException($"{name} needs at least one secret.", paramName);
        }

        for (var i = 0; i < secrets.Count; i++)
        {
            if (secrets[i] is null || secrets[i].Length < TicketOptions.MinimumSecretLength)
            {
                throw new ArgumentException(
                    $"{name}[{i}] is {secrets[i]?.Length ?? 0} bytes; at least {TicketOptions.MinimumSecretLength} random bytes are required (generate one with 'tessera secret').",
                    paramName);
            }
        }

        return [.. secrets.Select(s => (byte[])s.Clone())];
    }
}
