using LeNet5.Runtime;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <see cref="TinyMlp"/> that, on every <c>ForwardTrain</c>, adds what the calling thread allocated since its
/// previous call to <see cref="Allocated"/> (while <see cref="Enabled"/>).
/// </summary>
public readonly struct AllocationProbe : INetwork
{
    [ThreadStatic] private static long t_last;
    [ThreadStatic] private static bool t_seen;
    private static long s_allocated;
    private static int s_samples;

    public static volatile bool Enabled;

    public static long Allocated => Interlocked.Read(ref s_allocated);

    public static int Samples => Volatile.Read(ref s_samples);

    public static void Reset()
    {
        Enabled = false;
        Interlocked.Exchange(ref s_allocated, 0);
        Interlocked.Exchange(ref s_samples, 0);
    }

    public static NetworkDescription Description { get; } = TinyMlp.Description with { Name = "AllocationProbe" };

    public static void InitializeParameters(Span<float> parameters, Random random) => TinyMlp.InitializeParameters(parameters, random);

    public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch) =>
        TinyMlp.Infer(parameters, input, logits, workspace, batch);

    public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)
    {
        long now = GC.GetAllocatedBytesForCurrentThread();
        if (Enabled && t_seen)
        {
            Interlocked.Add(ref s_allocated, now - t_last);
            Interlocked.Increment(ref s_samples);
        }
        t_seen = true;
        TinyMlp.ForwardTrain(parameters, input, activations, logits, batch);
        t_last = GC.GetAllocatedBytesForCurrentThread();
    }

    public static void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> activations, ReadOnlySpan<float> logitsGradient,
        Span<float> parameterGradients, Span<float> inputGradient, Span<float> workspace, int batch) =>
        TinyMlp.Backward(parameters, input, activations, logitsGradient, parameterGradients, inputGradient, workspace, batch);
}
