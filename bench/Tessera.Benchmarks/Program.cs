using BenchmarkDotNet.Running;

// Run one class: dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*Ticket*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
