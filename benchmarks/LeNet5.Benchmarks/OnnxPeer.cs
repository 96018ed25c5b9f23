using LeNet5.Model;
using LeNet5.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LeNet5.Benchmarks;

/// <summary>
/// The peer: <see cref="LeNet5Network"/> with the benchmarks' parameters, exported by <see cref="OnnxExporter"/> (in
/// memory) and run by ONNX Runtime with <see cref="Threads"/> intra-op threads on a batch of <see cref="Batch"/> images
/// bound once, so that a call allocates nothing on the managed side.
/// </summary>
internal sealed class OnnxPeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly string[] _inputNames = [OnnxExporter.InputName];
    private readonly string[] _outputNames = [OnnxExporter.OutputName];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    public OnnxPeer(float[] parameters, float[] images, int batch, int threads)
    {
        Batch = batch;
        Threads = threads;
        byte[] model = OnnxExporter.Export<LeNet5Network>(parameters);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        Logits = new float[batch * LeNet5Network.ClassCount];
        _input = OrtValue.CreateTensorValueFromMemory(images, [batch, LeNet5Network.InputChannels, LeNet5Network.InputHeight, LeNet5Network.InputWidth]);
        _output = OrtValue.CreateTensorValueFromMemory(Logits, [batch, LeNet5Network.ClassCount]);
        _inputs = [_input];
        _outputs = [_output];
        Check(parameters, images);
    }

    public int Batch { get; }

    public int Threads { get; }

    /// <summary>The logits of the last <see cref="Run"/>, <c>Batch * ClassCount</c>.</summary>
    public float[] Logits { get; }

    public void Run() => _session.Run(_run, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _output.Dispose();
        _input.Dispose();
        _run.Dispose();
        _session.Dispose();
    }

    /// <summary>ONNX Runtime must compute what the generated code computes, or the ratios mean nothing.</summary>
    private void Check(float[] parameters, float[] images)
    {
        Run();
        var expected = new float[Batch * LeNet5Network.ClassCount];
        LeNet5Network.Infer(parameters, images.AsSpan(0, Batch * LeNet5Network.InputSize), expected, new float[Batch * LeNet5Network.WorkspaceSize], Batch);
        for (int k = 0; k < expected.Length; k++)
        {
            if (MathF.Abs(expected[k] - Logits[k]) > 1e-3f * MathF.Max(1, MathF.Abs(expected[k])))
                throw new InvalidOperationException($"ONNX Runtime and the generated network disagree on logit {k}: {Logits[k]} vs {expected[k]}");
        }
    }
}
