namespace Tessera.Interop.Tests.Tickets;

/// <summary>Runs the ticket interop tests one after another against shared Apache instances.</summary>
[CollectionDefinition(Name)]
public sealed class ApacheTktGroup : ICollectionFixture<ApacheTktFixture>
{
    public const string Name = "Apache mod_auth_tkt";
}
