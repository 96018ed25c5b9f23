using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Cli;

/// <summary>What this process's vectors are: the processor, the instruction sets the JIT uses, and one core's FMA limit.</summary>
internal static class MachineVectors
{
    /// <summary>The processor's model name where the system says it, else its architecture.</summary>
    public static string Processor
    {
        get
        {
            try
            {
                string? model = File.Exists("/proc/cpuinfo")
                    ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                    : null;
                if (model is not null) return model[(model.IndexOf(':') + 1)..].Trim();
            }
            catch (IOException)
            {
            }
            return RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        }
    }

    /// <summary>The vector instruction sets in use (after <c>DOTNET_Enable*</c> switches), widest first.</summary>
    public static string InstructionSets
    {
        get
        {
            var sets = new List<string>();
            if (Avx512F.IsSupported) sets.Add("avx512f");
            if (Avx2.IsSupported) sets.Add("avx2");
            if (Fma.IsSupported) sets.Add("fma");
            if (Avx.IsSupported) sets.Add("avx");
            if (Sse42.IsSupported) sets.Add("sse4.2");
            if (AdvSimd.IsSupported) sets.Add("advsimd");
            if (System.Runtime.Intrinsics.Wasm.PackedSimd.IsSupported) sets.Add("wasm-simd");
            return sets.Count == 0 ? "none" : string.Join(',', sets);
        }
    }

    /// <summary>The widest vector the JIT accelerates, in bits (0 when none is).</summary>
    public static int WidestBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>
    /// Multiply-adds per second one core does in a loop of independent multiply-adds at the widest vector (the limit a
    /// kernel is measured against): fused where the processor has FMA, a multiply and an add where it has not (x64 with
    /// SSE only), as the generated kernels do them; scalar multiply-adds when no vector is accelerated.
    /// </summary>
    public static double FmaPeakPerCore()
    {
        double best = 0;
        for (int round = 0; round < 5; round++)
        {
            const int iterations = 4_000_000;
            long start = Stopwatch.GetTimestamp();
            long macs = WidestBits switch
            {
                512 => Loop512(iterations),
                256 => Loop256(iterations),
                128 => Loop128(iterations),
                _ => LoopScalar(iterations),
            };
            best = Math.Max(best, macs / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    // (The loops are internal for the benchmark suite, which links this file.)
    // Ten independent accumulators cover the FMA latency (4 cycles) times two pipes on every current core.
    internal static long Loop512(int iterations)
    {
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-7f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.MultiplyAddEstimate(a0, m, c); a1 = Vector512.MultiplyAddEstimate(a1, m, c);
            a2 = Vector512.MultiplyAddEstimate(a2, m, c); a3 = Vector512.MultiplyAddEstimate(a3, m, c);
            a4 = Vector512.MultiplyAddEstimate(a4, m, c); a5 = Vector512.MultiplyAddEstimate(a5, m, c);
            a6 = Vector512.MultiplyAddEstimate(a6, m, c); a7 = Vector512.MultiplyAddEstimate(a7, m, c);
            a8 = Vector512.MultiplyAddEstimate(a8, m, c); a9 = Vector512.MultiplyAddEstimate(a9, m, c);
        }
        Keep(Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9));
        return 10L * Vector512<float>.Count * iterations;
    }

    internal static long Loop256(int iterations)
    {
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-7f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.MultiplyAddEstimate(a0, m, c); a1 = Vector256.MultiplyAddEstimate(a1, m, c);
            a2 = Vector256.MultiplyAddEstimate(a2, m, c); a3 = Vector256.MultiplyAddEstimate(a3, m, c);
            a4 = Vector256.MultiplyAddEstimate(a4, m, c); a5 = Vector256.MultiplyAddEstimate(a5, m, c);
            a6 = Vector256.MultiplyAddEstimate(a6, m, c); a7 = Vector256.MultiplyAddEstimate(a7, m, c);
            a8 = Vector256.MultiplyAddEstimate(a8, m, c); a9 = Vector256.MultiplyAddEstimate(a9, m, c);
        }
        Keep(Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9));
        return 10L * Vector256<float>.Count * iterations;
    }

    internal static long Loop128(int iterations)
    {
        Vector128<float> a0 = Vector128.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        Vector128<float> m = Vector128.Create(0.999999f), c = Vector128.Create(1e-7f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, m, c); a1 = Vector128.MultiplyAddEstimate(a1, m, c);
            a2 = Vector128.MultiplyAddEstimate(a2, m, c); a3 = Vector128.MultiplyAddEstimate(a3, m, c);
            a4 = Vector128.MultiplyAddEstimate(a4, m, c); a5 = Vector128.MultiplyAddEstimate(a5, m, c);
            a6 = Vector128.MultiplyAddEstimate(a6, m, c); a7 = Vector128.MultiplyAddEstimate(a7, m, c);
            a8 = Vector128.MultiplyAddEstimate(a8, m, c); a9 = Vector128.MultiplyAddEstimate(a9, m, c);
        }
        Keep(Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9));
        return 10L * Vector128<float>.Count * iterations;
    }

    internal static long LoopScalar(int iterations)
    {
        float a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1;
        const float m = 0.999999f, c = 1e-7f;
        for (int i = 0; i < iterations; i++)
        {
            a0 = (a0 * m) + c; a1 = (a1 * m) + c;
            a2 = (a2 * m) + c; a3 = (a3 * m) + c;
            a4 = (a4 * m) + c; a5 = (a5 * m) + c;
            a6 = (a6 * m) + c; a7 = (a7 * m) + c;
        }
        Keep(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
        return 8L * iterations;
    }

    private static float s_sink;

    // The sum is stored so that the JIT cannot drop the loop.
    private static void Keep(float value) => s_sink = value;
}
