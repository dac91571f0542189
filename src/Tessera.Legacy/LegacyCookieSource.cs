using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Legacy;

/// <summary>The Beaker and pyramid_nacl_session cookies that <see cref="LegacyCookieOptions"/> configures, Beaker first.</summary>
internal sealed class LegacyCookieSource : ILegacyCookieSource
{
    // Each format logs and counts its own verdicts, on the application's logger and meter.
    public LegacyCookieSource(IOptions<LegacyCookieOptions> options, TimeProvider time, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        var logger = loggerFactory?.CreateLogger("Tessera.Legacy");
        var o = options.Value;
        var cookies = new List<LegacyCookie>();
        if (o.BeakerCookieName is { } beaker)
        {
            cookies.Add(new LegacyCookie(beaker, new BeakerCookieFormat(
                new BeakerCookieOptions
                {
                    ValidateKey = o.BeakerValidateKey,
                    EncryptKey = o.BeakerEncryptKey,
                    Crypto = o.BeakerCryptoType == "cryptography" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
                    Timeout = o.BeakerTimeout,
                },
                time,
                logger,
                meterFactory)));
        }

        if (o.PyramidCookieName is { } pyramid)
        {
            cookies.Add(new LegacyCookie(pyramid, new PyramidNaclCookieFormat(
                new PyramidNaclCookieOptions { Secret = Keyring.DecodeSecret(o.PyramidSecret!), Timeout = o.PyramidTimeout },
                time,
                logger,
                meterFactory)));
        }

        Cookies = cookies;
    }

    public IReadOnlyList<LegacyCookie> Cookies { get; }
}
