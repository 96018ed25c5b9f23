using LeNet5.Fuzz;

// lenet5-fuzz TARGET: under afl-fuzz, the target's fuzzing loop (SharpFuzz); otherwise one run on standard input.
// lenet5-fuzz TARGET FILE...: one run per file, to replay a corpus or a crash (an unexpected exception ends it).
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out Action<byte[]>? target))
{
    Console.Error.WriteLine($"usage: lenet5-fuzz {string.Join('|', FuzzTargets.All.Keys)} [FILE...]");
    return 2;
}
if (args.Length == 1)
{
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        target(input.ToArray());
    });
    return 0;
}
foreach (string file in args[1..]) target(File.ReadAllBytes(file));
Console.WriteLine($"{args[0]}: {args.Length - 1} inputs, no unexpected exception");
return 0;
