using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>The hostile-input properties (<see cref="CookieReaderProperties"/>) for Beaker's AES-GCM cookies.</summary>
public sealed class BeakerGcmCookieReaderPropertyTests : CookieReaderProperties
{
    protected override ICookieSessionFormat CreateFormat() => LegacyFormats.Create("beaker-gcm");
}
