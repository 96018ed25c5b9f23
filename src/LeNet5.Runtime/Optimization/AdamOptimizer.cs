using System.Numerics;
using System.Runtime.InteropServices;

namespace LeNet5.Runtime.Optimization;

/// <summary>
/// Adam with the semantics of <c>torch.optim.Adam</c> (L2 weight decay added to the gradient, not AdamW; no AMSGrad):
/// <c>g = grad + weightDecay * p</c>, <c>m = lerp(m, g, 1 - beta1)</c>, <c>v = beta2 * v + (1 - beta2) * g * g</c>,
/// <c>p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)</c>.
/// </summary>
public sealed class AdamOptimizer : IOptimizer
{
    private readonly float[] _m;
    private readonly float[] _v;

    /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters.</summary>
    public AdamOptimizer(int parameterCount, float learningRate = 1e-3f, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, float weightDecay = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        LearningRate = learningRate;
        if (!(beta1 >= 0 && beta1 < 1)) throw new LeNet5Exception($"beta1 must be in [0, 1), not {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new LeNet5Exception($"beta2 must be in [0, 1), not {beta2}");
        if (!(epsilon >= 0)) throw new LeNet5Exception($"epsilon must be 0 or more, not {epsilon}");
        if (!(weightDecay >= 0) || !float.IsFinite(weightDecay)) throw new LeNet5Exception($"weight decay must be 0 or more, not {weightDecay}");
        ParameterCount = parameterCount;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    /// <summary>Number of parameters updated.</summary>
    public int ParameterCount { get; }

    /// <summary>Step size.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = Optimizers.CheckedLearningRate(value);
    }

    private float _learningRate;

    /// <summary>Decay of the first moment (a double, like the Python float torch receives).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, float[] Buffer)> StateBuffers => [("exp_avg", _m), ("exp_avg_sq", _v)];

    /// <inheritdoc />
    public void RestoreStepCount(int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    /// <summary>First moment estimate.</summary>
    public ReadOnlySpan<float> FirstMoment => _m;

    /// <summary>Second moment estimate.</summary>
    public ReadOnlySpan<float> SecondMoment => _v;

    /// <inheritdoc />
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount || gradients.Length != ParameterCount)
            throw new ArgumentException($"expected {ParameterCount} parameters and gradients, got {parameters.Length} and {gradients.Length}");

        int t = StepCount + 1;
        // As torch: scalars are computed as Python floats (double) and rounded to float where they meet the tensors.
        double biasCorrection1 = 1 - Math.Pow(Beta1, t);
        double biasCorrection2 = 1 - Math.Pow(Beta2, t);
        float stepSize = (float)(LearningRate / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float w1 = (float)(1 - Beta1), b2 = (float)Beta2, w2 = (float)(1 - Beta2), wd = WeightDecay, eps = (float)Epsilon;

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> m = MemoryMarshal.Cast<float, Vector<float>>(_m.AsSpan());
            Span<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(_v.AsSpan());
            var vW1 = new Vector<float>(w1);
            var vB2 = new Vector<float>(b2);
            var vW2 = new Vector<float>(w2);
            var vWd = new Vector<float>(wd);
            var vEps = new Vector<float>(eps);
            var vStep = new Vector<float>(stepSize);
            var vBc2 = new Vector<float>(biasCorrection2Sqrt);
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> d = g[k] + vWd * p[k];
                Vector<float> mk = m[k] + vW1 * (d - m[k]);
                Vector<float> vk = v[k] * vB2 + d * d * vW2;
                m[k] = mk;
                v[k] = vk;
                Vector<float> denominator = Vector.SquareRoot(vk) / vBc2 + vEps;
                p[k] -= vStep * (mk / denominator);
            }
            i = p.Length * Vector<float>.Count;
        }
        for (; i < parameters.Length; i++)
        {
            float d = gradients[i] + wd * parameters[i];
            float mk = _m[i] + w1 * (d - _m[i]);
            float vk = _v[i] * b2 + d * d * w2;
            _m[i] = mk;
            _v[i] = vk;
            float denominator = MathF.Sqrt(vk) / biasCorrection2Sqrt + eps;
            parameters[i] -= stepSize * (mk / denominator);
        }
        StepCount++;
    }
}
