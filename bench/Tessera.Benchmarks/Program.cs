using System.Globalization;
using BenchmarkDotNet.Running;
using Tessera.Benchmarks.RequestPath;
using Tessera.Benchmarks.Tickets;

// Run one class: dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*Ticket*'
// Tickets' interleaved minimum (steadier under load): dotnet run -c Release --project bench/Tessera.Benchmarks -- tickets-interleaved [rounds]
if (args is ["tickets-interleaved", ..])
{
    TicketInterleavedMinimum.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400);
    return;
}

// Allocations of one request, by type: dotnet run -c Release --project bench/Tessera.Benchmarks -- alloc-trace tessera-memory /work [requests]
if (args is ["alloc-trace", var mode, var path, ..])
{
    await AllocationTrace.RunAsync(mode, path, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
