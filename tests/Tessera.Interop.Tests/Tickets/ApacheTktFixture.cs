using System.Collections.Concurrent;

namespace Tessera.Interop.Tests.Tickets;

/// <summary>Apache instances shared by all ticket interop tests: one per distinct configuration, stopped at the end.</summary>
public sealed class ApacheTktFixture : IDisposable
{
    public const string Secret = "tessera interop secret, current 01";
    public const string OldSecret = "tessera interop secret, previous 02";

    private readonly ConcurrentDictionary<string, Lazy<ApacheTktServer>> _servers = new();

    public ApacheTktServer Get(params string[] arguments) =>
        _servers.GetOrAdd(string.Join('\u001f', arguments), _ => new Lazy<ApacheTktServer>(() => ApacheTktServer.Start(arguments))).Value;

    public void Dispose()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            server.Value.Dispose();
        }
    }
}
