using BenchmarkDotNet.Attributes;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Loss;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Benchmarks;

/// <summary>
/// One training step of the 1998 paper network on one image, as the paper trains (batch 1, one thread): forward, the
/// MAP loss gradient, backward and the SDLM update <c>p -= eta / (mu + h) * g</c> with a fixed curvature h, at the
/// recipe's eta and mu. The baseline does the same with <see cref="ScalarNetwork"/> and plain loops.
/// </summary>
/// <remarks>
/// The generated side makes the calls <see cref="Trainer{TNetwork}"/> makes for a step of one image
/// (<c>ForwardTrain</c>, <see cref="Losses.SumLoss{TNetwork}"/>, <c>Backward</c>, <see cref="SdlmOptimizer.Step"/>)
/// rather than going through <see cref="Trainer{TNetwork}.TrainEpoch"/>: with sdlm every epoch starts by estimating
/// the curvature on up to <see cref="TrainingRecipe.CurvatureSamples"/> images, a forward and a second-order backward
/// each, which is once-per-epoch work that would swamp a one-step epoch.
/// </remarks>
[MemoryDiagnoser]
public class PaperTrainingStepBenchmarks
{
    private static readonly TrainingRecipe Recipe = PaperNetwork.Description.Training;

    private readonly float[] _image = BenchmarkData.Images(1);
    private readonly byte[] _label = BenchmarkData.Labels(1);
    private readonly float[] _curvature = Curvature();

    private readonly ScalarNetwork _scalar = BenchmarkData.PaperScalar();
    private readonly float[] _scalarParameters = BenchmarkData.Parameters<PaperNetwork>();
    private readonly float[] _scalarGradients = new float[PaperNetwork.ParameterCount];
    private readonly float[] _scalarLogitsGradient = new float[PaperNetwork.ClassCount];

    private readonly float[] _parameters = BenchmarkData.Parameters<PaperNetwork>();
    private readonly float[] _gradients = new float[PaperNetwork.ParameterCount];
    private readonly float[] _activations = new float[PaperNetwork.ActivationSize];
    private readonly float[] _logits = new float[PaperNetwork.ClassCount];
    private readonly float[] _logitsGradient = new float[PaperNetwork.ClassCount];
    private readonly float[] _workspace = new float[PaperNetwork.WorkspaceSize];
    private readonly SdlmOptimizer _optimizer = new(PaperNetwork.ParameterCount, Recipe.LearningRate, Recipe.Damping);

    [GlobalSetup]
    public void Setup() => _curvature.CopyTo(_optimizer.Curvature);

    [Benchmark(Baseline = true, Description = "scalar, one image")]
    public float Scalar()
    {
        Array.Clear(_scalarGradients);
        float[] logits = _scalar.Forward(_scalarParameters, _image);

        // MAP loss gradient: softmax over the logits and the constant logit -j, minus one at the label.
        float extraLogit = -PaperNetwork.Description.LossConstant, max = MathF.Max(extraLogit, logits.Max()), sum = MathF.Exp(extraLogit - max);
        for (int k = 0; k < logits.Length; k++) sum += _scalarLogitsGradient[k] = MathF.Exp(logits[k] - max);
        for (int k = 0; k < logits.Length; k++) _scalarLogitsGradient[k] = _scalarLogitsGradient[k] / sum - (k == _label[0] ? 1 : 0);

        _scalar.Backward(_scalarParameters, _image, _scalarLogitsGradient, _scalarGradients);
        float eta = Recipe.LearningRate, mu = Recipe.Damping;
        for (int i = 0; i < _scalarParameters.Length; i++) _scalarParameters[i] -= eta / (mu + _curvature[i]) * _scalarGradients[i];
        return logits[0];
    }

    [Benchmark(Description = "generated, one image")]
    public double Generated()
    {
        Array.Clear(_gradients);
        PaperNetwork.ForwardTrain(_parameters, _image, _activations, _logits, 1);
        double loss = Losses.SumLoss<PaperNetwork>(_logits, _label, _logitsGradient, gradientScale: 1f);
        PaperNetwork.Backward(_parameters, _image, _activations, _logitsGradient, _gradients, Span<float>.Empty, _workspace, 1);
        _optimizer.Step(_parameters, _gradients);
        return loss;
    }

    /// <summary>A fixed Hessian-diagonal estimate; the step's speed does not depend on its values.</summary>
    private static float[] Curvature()
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, PaperNetwork.ParameterCount).Select(_ => (float)random.NextDouble())];
    }
}
