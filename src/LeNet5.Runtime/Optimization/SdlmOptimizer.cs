using System.Numerics;
using System.Runtime.InteropServices;

namespace LeNet5.Runtime.Optimization;

/// <summary>
/// Stochastic diagonal Levenberg-Marquardt (LeCun et al. 1998, appendix C): every parameter k gets its own step
/// <c>eta / (mu + h_kk)</c>, where h_kk estimates the diagonal of the Hessian and mu (<see cref="Damping"/>) keeps
/// the step bounded where the curvature is small: <c>p_k -= eta / (mu + h_kk) * g_k</c>.
/// </summary>
/// <remarks>
/// The trainer fills <see cref="Curvature"/> before each epoch, as it does for every <see cref="ICurvatureOptimizer"/>:
/// the mean over a few hundred training images of the Gauss-Newton second derivatives propagated backwards layer by
/// layer (<see cref="INetwork.BackwardCurvature"/>), as in the paper.
/// </remarks>
public sealed class SdlmOptimizer : ICurvatureOptimizer
{
    private readonly float[] _curvature;
    private float _learningRate;

    /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters with zero curvature.</summary>
    public SdlmOptimizer(int parameterCount, float learningRate, float damping)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        if (!(damping > 0) || !float.IsFinite(damping)) throw new LeNet5Exception($"damping must be a positive number, not {damping}");
        LearningRate = learningRate;
        Damping = damping;
        _curvature = new float[parameterCount];
    }

    /// <summary>The global step eta.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = Optimizers.CheckedLearningRate(value);
    }

    /// <summary>mu, added to every curvature.</summary>
    public float Damping { get; }

    /// <inheritdoc />
    public Span<float> Curvature => _curvature;

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <inheritdoc />
    /// <remarks>None: the curvature is estimated afresh at the start of every epoch.</remarks>
    public IReadOnlyList<(string Name, float[] Buffer)> StateBuffers => [];

    /// <inheritdoc />
    public void RestoreStepCount(int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    /// <inheritdoc />
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != _curvature.Length || gradients.Length != _curvature.Length)
            throw new ArgumentException($"expected {_curvature.Length} parameters and gradients, got {parameters.Length} and {gradients.Length}");
        float eta = LearningRate, mu = Damping;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            ReadOnlySpan<Vector<float>> h = MemoryMarshal.Cast<float, Vector<float>>(_curvature.AsSpan());
            var vEta = new Vector<float>(eta);
            var vMu = new Vector<float>(mu);
            for (int k = 0; k < p.Length; k++) p[k] -= vEta / (vMu + h[k]) * g[k];
            i = p.Length * Vector<float>.Count;
        }
        for (; i < parameters.Length; i++) parameters[i] -= eta / (mu + _curvature[i]) * gradients[i];
        StepCount++;
    }
}
