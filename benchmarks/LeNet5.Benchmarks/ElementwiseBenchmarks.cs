using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Loss;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Benchmarks;

/// <summary>
/// The runtime's elementwise work (one optimizer step over LeNet-5's 61,706 parameters, and the loss of a batch of 64)
/// as the runtime does it, against the same arithmetic composed of <see cref="TensorPrimitives"/> calls, one category
/// each. The setup says whether the two give the same bytes (training must stay bit-identical per vector width).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ElementwiseBenchmarks
{
    private const int Batch = 64;
    private const float LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 5e-4f, Damping = 0.02f;
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly float[] _gradients = Random(1, 1e-2f);
    private readonly float[] _curvature = Random(2, 1f);
    private readonly float[] _logits = Random(3, 4f, Batch * LeNet5Network.ClassCount);
    private readonly byte[] _labels = BenchmarkData.Labels(Batch);
    private readonly float[] _logitsGradient = new float[Batch * LeNet5Network.ClassCount];
    private readonly float[] _parameters = BenchmarkData.Parameters();
    private readonly float[] _scratch = new float[LeNet5Network.ParameterCount];
    private readonly float[] _scratch2 = new float[LeNet5Network.ParameterCount];
    private SgdOptimizer _sgd = null!;
    private AdamOptimizer _adam = null!;
    private SdlmOptimizer _sdlm = null!;
    private float[] _velocity = null!, _m = null!, _v = null!;
    private int _adamStep;

    [GlobalSetup]
    public void Setup()
    {
        Reset();
        Console.WriteLine($"// sgd bytes equal: {SameBytes(() => _sgd.Step(_parameters, _gradients), SgdTensorPrimitives)}");
        Console.WriteLine($"// adam bytes equal: {SameBytes(() => _adam.Step(_parameters, _gradients), AdamTensorPrimitives)}");
        Console.WriteLine($"// sdlm bytes equal: {SameBytes(() => _sdlm.Step(_parameters, _gradients), SdlmTensorPrimitives)}");
        float[] expected = new float[_logitsGradient.Length];
        double lossExpected = SoftmaxCrossEntropy.SumLoss(_logits, _labels, LeNet5Network.ClassCount, expected, 1f / Batch);
        double loss = LossTensorPrimitives();
        Console.WriteLine($"// softmax cross-entropy bytes equal: {lossExpected == loss && MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(_logitsGradient.AsSpan()))}");
        Reset();
    }

    [BenchmarkCategory("sgd"), Benchmark(Baseline = true, Description = "sgd momentum + weight decay, runtime")]
    public void Sgd() => _sgd.Step(_parameters, _gradients);

    [BenchmarkCategory("sgd"), Benchmark(Description = "sgd momentum + weight decay, TensorPrimitives")]
    public void SgdTensorPrimitives()
    {
        // g + wd p; mu b + d; p - lr b: products commute, and p + (-lr) b is p - lr b exactly.
        TensorPrimitives.MultiplyAdd(_parameters, WeightDecay, _gradients, _scratch);
        TensorPrimitives.MultiplyAdd(_velocity, Momentum, _scratch, _velocity);
        TensorPrimitives.MultiplyAdd(_velocity, -LearningRate, _parameters, _parameters);
    }

    [BenchmarkCategory("adam"), Benchmark(Baseline = true, Description = "adam + weight decay, runtime")]
    public void Adam() => _adam.Step(_parameters, _gradients);

    [BenchmarkCategory("adam"), Benchmark(Description = "adam + weight decay, TensorPrimitives")]
    public void AdamTensorPrimitives()
    {
        int t = ++_adamStep;
        float stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, t)));
        float bc2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, t));
        float w1 = (float)(1 - Beta1), b2 = (float)Beta2, w2 = (float)(1 - Beta2), eps = (float)Epsilon;
        Span<float> d = _scratch, s = _scratch2;
        TensorPrimitives.MultiplyAdd(_parameters, WeightDecay, _gradients, d); // d = g + wd p
        TensorPrimitives.Subtract(d, _m, s);
        TensorPrimitives.MultiplyAdd(s, w1, _m, _m);                         // m + w1 (d - m)
        TensorPrimitives.Multiply(d, d, s);
        TensorPrimitives.Multiply(s, w2, s);
        TensorPrimitives.MultiplyAdd(_v, b2, s, _v);                         // v b2 + d d w2
        TensorPrimitives.Sqrt(_v, s);
        TensorPrimitives.Divide(s, bc2, s);
        TensorPrimitives.Add(s, eps, s);                                     // sqrt(v) / bc2 + eps
        TensorPrimitives.Divide(_m, s, s);
        TensorPrimitives.MultiplyAdd(s, -stepSize, _parameters, _parameters); // p - step (m / denominator)
    }

    [BenchmarkCategory("sdlm"), Benchmark(Baseline = true, Description = "sdlm, runtime")]
    public void Sdlm() => _sdlm.Step(_parameters, _gradients);

    [BenchmarkCategory("sdlm"), Benchmark(Description = "sdlm, TensorPrimitives")]
    public void SdlmTensorPrimitives()
    {
        TensorPrimitives.Add(_curvature, Damping, _scratch);
        TensorPrimitives.Divide(LearningRate, _scratch, _scratch);
        TensorPrimitives.Multiply(_scratch, _gradients, _scratch);
        TensorPrimitives.Subtract(_parameters, _scratch, _parameters);
    }

    [BenchmarkCategory("loss"), Benchmark(Baseline = true, Description = "softmax cross-entropy, batch 64, runtime")]
    public double Loss() => SoftmaxCrossEntropy.SumLoss(_logits, _labels, LeNet5Network.ClassCount, _logitsGradient, 1f / Batch);

    [BenchmarkCategory("loss"), Benchmark(Description = "softmax cross-entropy, batch 64, TensorPrimitives")]
    public double LossTensorPrimitives()
    {
        const int classes = LeNet5Network.ClassCount;
        const float scale = 1f / Batch;
        double total = 0;
        for (int r = 0; r < _labels.Length; r++)
        {
            ReadOnlySpan<float> row = _logits.AsSpan(r * classes, classes);
            Span<float> gradient = _logitsGradient.AsSpan(r * classes, classes);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, gradient);
            TensorPrimitives.Exp(gradient, gradient);
            float sum = TensorPrimitives.Sum(gradient);
            total += MathF.Log(sum) - (row[_labels[r]] - max);
            TensorPrimitives.Multiply(gradient, 1f / sum, gradient);
            TensorPrimitives.Multiply(gradient, scale, gradient);
            gradient[_labels[r]] -= scale;
        }
        return total;
    }

    /// <summary>Fresh optimizers and state, and the TensorPrimitives versions' state pointing at the same buffers.</summary>
    private void Reset()
    {
        BenchmarkData.Parameters().CopyTo(_parameters, 0);
        _sgd = new SgdOptimizer(LeNet5Network.ParameterCount, LearningRate, Momentum, WeightDecay);
        _sgd.Step(_parameters, _gradients); // past the first step, which copies the gradient into the momentum buffer
        _velocity = (float[])_sgd.StateBuffers[0].Buffer;
        _adam = new AdamOptimizer(LeNet5Network.ParameterCount, LearningRate, Beta1, Beta2, Epsilon, WeightDecay);
        _m = _adam.StateBuffers[0].Buffer;
        _v = _adam.StateBuffers[1].Buffer;
        _adamStep = 0;
        _sdlm = new SdlmOptimizer(LeNet5Network.ParameterCount, LearningRate, Damping);
        _curvature.CopyTo(_sdlm.Curvature);
    }

    /// <summary>Whether one step of each, from the same state, leaves the same parameter bytes.</summary>
    private bool SameBytes(Action runtime, Action tensorPrimitives)
    {
        Reset();
        float[] before = (float[])_parameters.Clone();
        runtime();
        float[] expected = (float[])_parameters.Clone();
        Reset();
        if (!before.AsSpan().SequenceEqual(_parameters)) throw new InvalidOperationException("the reset did not restore the parameters");
        // The Adam step counts must match: the runtime's optimizer took its first step above.
        tensorPrimitives();
        return MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(_parameters.AsSpan()));
    }

    private static float[] Random(int seed, float scale, int count = LeNet5Network.ParameterCount)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * scale);
        return values;
    }
}
