using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.TestSupport;

namespace Tessera.Tests.Cookies;

/// <summary>The hostile-input properties (<see cref="CookieReaderProperties"/>) for the sealed format, and its name binding.</summary>
public sealed class CookieReaderPropertyTests : CookieReaderProperties
{
    protected override ICookieSessionFormat CreateFormat() =>
        new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()]) }, new FakeTimeProvider(Now));

    [Fact]
    public void Read_SealedCookieUnderAnyOtherName_IsRefused()
    {
        var (format, value) = Subject();
        var names = ArbMap.Default.ArbFor<NonEmptyString>().Generator
            .Select(s => s.Get)
            .Where(s => s != "session")
            .ToArbitrary();

        Prop.ForAll(names, name => format.Read(name, value, Now).Reason == CookieRejection.BadSignature).QuickCheckThrowOnFailure();
    }
}
