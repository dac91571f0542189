using System.Text;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Tests.Stores;

public sealed class FileSessionStoreConformanceTests : SessionStoreConformanceTests, IDisposable
{
    private readonly TempDirectory _root = new();

    protected override Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<ISessionStore>(new FileSessionStore(Path.Combine(_root.Path, Guid.NewGuid().ToString("N")), timeProvider));

    protected override Task<byte[]> DumpAsync(ISessionStore store)
    {
        using var dump = new MemoryStream();
        foreach (var file in Directory.EnumerateFileSystemEntries(((FileSessionStore)store).RootDirectory, "*", SearchOption.AllDirectories))
        {
            dump.Write(Encoding.UTF8.GetBytes(file));
            if (File.Exists(file))
            {
                dump.Write(File.ReadAllBytes(file));
            }
        }

        return Task.FromResult(dump.ToArray());
    }

    public void Dispose() => _root.Dispose();
}
