namespace Tessera.Demo.Tests.Support;

/// <summary>One demo process shared by a test class, with extra users for tests that change passwords.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    public DemoServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await DemoServer.StartAsync(DemoServer.InsecureHttp(
        ("Demo__Users__carol", "carol-password"),
        ("Demo__Users__dave", "dave-password"),
        ("Demo__Users__erin", "erin-password")));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
