using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, Tributary.Bench.BenchConfig.Create());
