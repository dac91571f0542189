using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>The hostile-input properties (<see cref="CookieReaderProperties"/>) for pyramid_nacl_session's cookies.</summary>
public sealed class PyramidNaclCookieReaderPropertyTests : CookieReaderProperties
{
    protected override ICookieSessionFormat CreateFormat() => LegacyFormats.Create("pyramid-nacl");
}
