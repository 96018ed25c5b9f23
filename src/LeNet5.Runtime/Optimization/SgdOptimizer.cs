using System.Numerics;
using System.Runtime.InteropServices;

namespace LeNet5.Runtime.Optimization;

/// <summary>
/// Stochastic gradient descent with the semantics of <c>torch.optim.SGD</c> (no dampening, no Nesterov):
/// <c>g = grad + weightDecay * p</c>; with momentum, <c>buf = g</c> on the first step and
/// <c>buf = momentum * buf + g</c> afterwards, <c>g = buf</c>; then <c>p -= lr * g</c>.
/// </summary>
public sealed class SgdOptimizer : IOptimizer
{
    private readonly float[] _velocity;

    /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters.</summary>
    public SgdOptimizer(int parameterCount, float learningRate, float momentum = 0f, float weightDecay = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        LearningRate = learningRate;
        if (!(momentum >= 0) || !float.IsFinite(momentum)) throw new LeNet5Exception($"momentum must be 0 or more, not {momentum}");
        if (!(weightDecay >= 0) || !float.IsFinite(weightDecay)) throw new LeNet5Exception($"weight decay must be 0 or more, not {weightDecay}");
        Momentum = momentum;
        WeightDecay = weightDecay;
        _velocity = momentum != 0f ? new float[parameterCount] : [];
        ParameterCount = parameterCount;
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

    /// <summary>Momentum factor (0: plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, float[] Buffer)> StateBuffers => _velocity.Length == 0 ? [] : [("momentum_buffer", _velocity)];

    /// <inheritdoc />
    public void RestoreStepCount(int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    /// <summary>The momentum buffer (empty when momentum is 0).</summary>
    public ReadOnlySpan<float> Velocity => _velocity;

    /// <inheritdoc />
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount || gradients.Length != ParameterCount)
            throw new ArgumentException($"expected {ParameterCount} parameters and gradients, got {parameters.Length} and {gradients.Length}");

        bool first = StepCount == 0;
        float lr = LearningRate, mu = Momentum, wd = WeightDecay;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            var vLr = new Vector<float>(lr);
            var vWd = new Vector<float>(wd);
            var vMu = new Vector<float>(mu);
            if (mu == 0f)
            {
                for (int k = 0; k < p.Length; k++)
                {
                    Vector<float> d = g[k] + vWd * p[k];
                    p[k] -= vLr * d;
                }
            }
            else
            {
                Span<Vector<float>> b = MemoryMarshal.Cast<float, Vector<float>>(_velocity.AsSpan());
                for (int k = 0; k < p.Length; k++)
                {
                    Vector<float> d = g[k] + vWd * p[k];
                    Vector<float> v = first ? d : vMu * b[k] + d;
                    b[k] = v;
                    p[k] -= vLr * v;
                }
            }
            i = p.Length * Vector<float>.Count;
        }
        for (; i < parameters.Length; i++)
        {
            float d = gradients[i] + wd * parameters[i];
            if (mu != 0f)
            {
                d = first ? d : mu * _velocity[i] + d;
                _velocity[i] = d;
            }
            parameters[i] -= lr * d;
        }
        StepCount++;
    }
}
