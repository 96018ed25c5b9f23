using LeNet5.Benchmarks;
using LeNet5.Cli;

Console.WriteLine($"processor: {MachineVectors.Processor}; vectors: {MachineVectors.WidestBits}-bit; instruction sets: {MachineVectors.InstructionSets}");
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
