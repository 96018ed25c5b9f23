using BenchmarkDotNet.Attributes;
using LeNet5.Cli;

namespace LeNet5.Benchmarks;

/// <summary>
/// The machine's limit: loops of ten independent fused multiply-add chains (enough to cover the FMA latency on both
/// pipes of current cores), one per vector width this machine accelerates, on one core, and at the widest width on two
/// threads. The <c>G mul-add/s</c> column gives the peak every other figure is a share of (the loops are
/// <see cref="MachineVectors"/>'s, which the console's <c>benchmark</c> command reports too).
/// On a loaded machine the <c>Min</c> column is the better estimate of the peak.
/// </summary>
[MinColumn]
public class FmaPeakBenchmarks
{
    private const int Iterations = 1_000_000;

    [Benchmark(Baseline = true, Description = "scalar FMA, one core"), MultiplyAdds(8L * Iterations)]
    public long Scalar() => MachineVectors.LoopScalar(Iterations);

    [Benchmark(Description = "Vector128 FMA, one core"), MultiplyAdds(10L * 4 * Iterations), RequiresVectorBits(128)]
    public long Vector128() => MachineVectors.Loop128(Iterations);

    [Benchmark(Description = "Vector256 FMA, one core"), MultiplyAdds(10L * 8 * Iterations), RequiresVectorBits(256)]
    public long Vector256() => MachineVectors.Loop256(Iterations);

    [Benchmark(Description = "Vector512 FMA, one core"), MultiplyAdds(10L * 16 * Iterations), RequiresVectorBits(512)]
    public long Vector512() => MachineVectors.Loop512(Iterations);

    /// <summary>The widest accelerated width on two threads (the limit of the two-thread batch and training figures).</summary>
    [Benchmark(Description = "widest FMA, 2 threads"), MultiplyAdds(2 * 10L * 16 * Iterations / 2)]
    public long WidestTwoThreads()
    {
        long total = 0;
        Parallel.For(0, 2, _ => Interlocked.Add(ref total, Widest()));
        return total;
    }

    // Sized so the attribute's count holds at every width: 512-bit runs Iterations, narrower widths proportionally more.
    private static long Widest() => MachineVectors.WidestBits switch
    {
        512 => MachineVectors.Loop512(Iterations / 2),
        256 => MachineVectors.Loop256(Iterations),
        128 => MachineVectors.Loop128(Iterations * 2),
        _ => MachineVectors.LoopScalar(Iterations * 10),
    };
}
