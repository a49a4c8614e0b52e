// dotnet run -c Release --project load-tests/Ecosystem.Benchmarks -- --filter '*' [--job short]
using BenchmarkDotNet.Running;
using Ecosystem.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(AttributionBenchmarks).Assembly).Run(args);
