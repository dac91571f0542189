using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>
/// Reads the configured legacy cookies (Beaker, pyramid_nacl_session) once: their values move into a new Tessera
/// session, which the response issues in Tessera's format, and the legacy cookie is cleared.
/// </summary>
internal sealed class LegacyCookieReader
{
    private static readonly CookieSettings LegacyCookie = new("/", null, Secure: false, HttpOnly: false, SameSiteMode.Unspecified);

    private readonly (string CookieName, ICookieSessionFormat Format)[] _formats;
    private readonly ILogger _logger;

    private LegacyCookieReader((string, ICookieSessionFormat)[] formats, ILogger logger)
    {
        _formats = formats;
        _logger = logger;
    }

    /// <summary>The reader for <paramref name="options"/>, or <see langword="null"/> when no legacy cookie is configured.</summary>
    public static LegacyCookieReader? Create(TesseraLegacyOptions options, TimeProvider time, ILogger logger)
    {
        var formats = new List<(string, ICookieSessionFormat)>();
        if (options.BeakerCookieName is { } beaker)
        {
            formats.Add((beaker, new BeakerCookieFormat(
                new BeakerCookieOptions
                {
                    ValidateKey = options.BeakerValidateKey,
                    EncryptKey = options.BeakerEncryptKey,
                    Crypto = options.BeakerCryptoType == "cryptography" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
                    Timeout = options.BeakerTimeout,
                },
                time)));
        }

        if (options.PyramidCookieName is { } pyramid)
        {
            formats.Add((pyramid, new PyramidNaclCookieFormat(
                new PyramidNaclCookieOptions { Secret = Keyring.DecodeSecret(options.PyramidSecret!), Timeout = options.PyramidTimeout },
                time)));
        }

        return formats.Count == 0 ? null : new LegacyCookieReader([.. formats], logger);
    }

    public bool HasCookie(HttpRequest request)
    {
        foreach (var (name, _) in _formats)
        {
            if (request.Cookies.ContainsKey(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies the first valid legacy cookie's values into <paramref name="session"/> and clears that cookie.</summary>
    public void MigrateInto(HttpContext context, RequestSession session)
    {
        foreach (var (name, format) in _formats)
        {
            if (!context.Request.Cookies.TryGetValue(name, out var value))
            {
                continue;
            }

            var result = format.Read(name, value);
            if (!result.IsValid || result.Data is null)
            {
                Log.LegacyCookieRejected(_logger, format.Name, result.Reason.ToString());
                TesseraHttpMetrics.CookiesRejected.Add(1, new KeyValuePair<string, object?>("reason", format.Name + ":" + result.Reason));
                continue;
            }

            foreach (var (key, node) in result.Data)
            {
                session.SetValue(key, node?.DeepClone());
            }

            CookieHeader.Delete(context.Response, name, LegacyCookie);
            Log.LegacyCookieMigrated(_logger, format.Name);
            TesseraHttpMetrics.Migrated.Add(1, new KeyValuePair<string, object?>("format", format.Name));
            return;
        }
    }
}
