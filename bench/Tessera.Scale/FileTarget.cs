using System.Diagnostics;
using System.Globalization;
using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Scale;

/// <summary>The file store under a fresh directory; disk is what <c>du</c> counts (allocated blocks, directories included).</summary>
internal sealed class FileTarget : ScaleTarget
{
    private readonly FileSessionStore _store;
    private readonly string _directory;

    public FileTarget(ScaleClock clock, string directory)
        : base(clock)
    {
        _directory = directory;
        _store = new FileSessionStore(directory, clock);
    }

    public override string Name => "file";

    public override ISessionStore Store => _store;

    // Each save flushes its file to disk: several in flight keep the disk busy.
    public override Task FillAsync(IReadOnlyList<SessionRecord> records, CancellationToken cancellationToken) => SaveAllAsync(records, 16, cancellationToken);

    public override async Task<long?> DiskBytesAsync()
    {
        using var du = Process.Start(new ProcessStartInfo("du", ["-s", "-B1", _directory]) { RedirectStandardOutput = true })!;
        var output = await du.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await du.WaitForExitAsync().ConfigureAwait(false);
        return long.Parse(output.Split('\t')[0], CultureInfo.InvariantCulture);
    }

    public override ValueTask DisposeAsync()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
