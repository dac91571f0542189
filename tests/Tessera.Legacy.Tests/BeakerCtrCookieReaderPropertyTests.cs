using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>The hostile-input properties (<see cref="CookieReaderProperties"/>) for Beaker's AES-CTR cookies.</summary>
public sealed class BeakerCtrCookieReaderPropertyTests : CookieReaderProperties
{
    protected override ICookieSessionFormat CreateFormat() => LegacyFormats.Create("beaker-ctr");
}
