using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Tessera.Scale;

/// <summary>The markdown tables of a run, with when and where it ran.</summary>
internal static class ScaleReport
{
    public static string Render(IReadOnlyList<ScaleScenario> runs, string command, string? note, IReadOnlyList<string> failures)
    {
        var md = new StringBuilder();
        Line(md, $"# Stores at scale ({TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC)");
        Line(md, "");
        Line(md, $"Machine: {Machine()}.");
        if (!string.IsNullOrWhiteSpace(note))
        {
            Line(md, "");
            Line(md, $"**{note}**");
        }

        Line(md, "");
        Line(md, $"Command: `{command}`");
        Line(md, "");
        Line(md, "One caller, straight on `ISessionStore` (no HTTP). Records: 1 KB sealed data + 100 B listing; one user with 1000 sessions, the rest spread over 300 users.");
        Line(md, "Load/save: a random live session loaded, then saved one version on. List/revoke: that user's 1000 sessions, one call each (list: median of five; revoke: once). Probe: `ISessionStoreProbe.ProbeAsync`, what the health check runs.");
        Line(md, "Memory per session: GC heap after a full collection (memory) or `INFO memory` used_memory (Redis), over the empty store. Disk per session: database file + WAL (SQLite), `du` of the directory (file), `pg_total_relation_size` (PostgreSQL, after `VACUUM ANALYZE`).");
        Line(md, "");
        Line(md, "| store | sessions | load p50 µs | load p99 µs | save p50 µs | save p99 µs | probe p99 µs | list 1000 ms | revoke 1000 ms | memory B/session | disk B/session |");
        Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs.SelectMany(run => run.Levels))
        {
            Line(md, $"| {r.Store} | {r.Sessions:N0} | {F(r.LoadP50)} | {F(r.LoadP99)} | {F(r.SaveP50)} | {F(r.SaveP99)} | {F(r.ProbeP99)} | {F(r.ListMicros / 1000, 2)} ({r.Listed}) | {F(r.RevokeMicros / 1000, 2)} ({r.Revoked}) | {F(r.MemoryPerSession)} | {F(r.DiskPerSession)} |");
        }

        Line(md, "");
        Line(md, "Sweep at the largest size: the clock moves 3 h on, nine in ten of the other users' records have expired; one caller keeps loading and saving live sessions before and during the sweep.");
        Line(md, "");
        Line(md, "| store | sessions | expired | swept | sweep s | live p50/p99/max µs before | ops during | live p50/p99/max µs during | harness GC pauses during (ms, gen2 count) | live/expired after |");
        Line(md, "|---|---:|---:|---:|---:|---|---:|---|---:|---|");
        foreach (var s in runs.Select(run => run.Sweep).OfType<SweepResult>())
        {
            Line(md, $"| {s.Store} | {s.Sessions:N0} | {s.Expired:N0} | {s.Swept:N0} | {F(s.SweepMicros / 1_000_000, 2)} | {F(s.BeforeP50)} / {F(s.BeforeP99)} / {F(s.BeforeMax)} | {s.DuringOps:N0} | {F(s.DuringP50)} / {F(s.DuringP99)} / {F(s.DuringMax)} | {F(s.GcPauseMillis)} ({s.Gen2Collections}) | {s.LiveAfter:N0} / {s.ExpiredAfter:N0} |");
        }

        foreach (var failure in failures)
        {
            Line(md, "");
            Line(md, $"**Failed:** {failure}");
        }

        return md.ToString();
    }

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');

    private static string F(double? value, int decimals = 1) =>
        value is { } v && !double.IsNaN(v) ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–";

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : " (" + cpu + ")")}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
