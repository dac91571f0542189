using System.Globalization;
using BenchmarkDotNet.Running;
using Tessera.Benchmarks.Tickets;

// Run one class: dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*Ticket*'
// Tickets' interleaved minimum (steadier under load): dotnet run -c Release --project bench/Tessera.Benchmarks -- tickets-interleaved [rounds]
if (args is ["tickets-interleaved", ..])
{
    TicketInterleavedMinimum.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
