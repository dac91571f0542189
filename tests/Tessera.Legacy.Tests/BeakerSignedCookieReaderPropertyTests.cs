using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>The hostile-input properties (<see cref="CookieReaderProperties"/>) for Beaker's signed (unencrypted) cookies.</summary>
public sealed class BeakerSignedCookieReaderPropertyTests : CookieReaderProperties
{
    protected override ICookieSessionFormat CreateFormat() => LegacyFormats.Create("beaker-signed");
}
