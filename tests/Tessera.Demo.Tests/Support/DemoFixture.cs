using Tessera.TestSupport;

namespace Tessera.Demo.Tests.Support;

/// <summary>
/// One demo process shared by a test class, with extra users for tests that change passwords, and sign-in limits
/// high enough for a class's worth of sign-ins from 127.0.0.1 (the limits have tests of their own).
/// </summary>
public sealed class DemoFixture : IAsyncLifetime
{
    public SampleServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await DemoServer.StartAsync(DemoServer.InsecureHttp(
        ("Demo__Users__carol", "carol-password"),
        ("Demo__Users__dave", "dave-password"),
        ("Demo__Users__erin", "erin-password"),
        ("Demo__LoginAttemptsPerClient", "1000"),
        ("Demo__LoginAttemptsPerUser", "1000"),
        ("AuthTkt__AllowedSites__0", DemoSsoLoginTests.AllowedSite)));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
