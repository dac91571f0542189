using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Tests.Stores;

public sealed class MemorySessionStoreConformanceTests : SessionStoreConformanceTests
{
    protected override Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<ISessionStore>(new MemorySessionStore(timeProvider));

    protected override Task<byte[]> DumpAsync(ISessionStore store)
    {
        using var dump = new MemoryStream();
        foreach (var record in ((MemorySessionStore)store).GetRecords())
        {
            dump.Write(record.Key.Bytes);
            dump.Write(BitConverter.GetBytes(record.Version));
            dump.Write(record.Data.Span);
            dump.Write(System.Text.Encoding.UTF8.GetBytes(record.UserTag ?? ""));
            dump.Write(record.Listing.Span);
        }

        return Task.FromResult(dump.ToArray());
    }
}
