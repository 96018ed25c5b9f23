using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// A hand-written network for testing the runtime without the generator: 4x4 grey input, dense 16 -> 8 with tanh,
/// dense 8 -> 3. Parameters in PyTorch order: hidden.weight [8, 16], hidden.bias [8], out.weight [3, 8], out.bias [3].
/// </summary>
public readonly struct TinyMlp : INetwork
{
    private const int In = 16, Hidden = 8, Out = 3;
    private const int W1 = 0, B1 = W1 + Hidden * In, W2 = B1 + Hidden, B2 = W2 + Out * Hidden;

    public const int InputSize = In, ClassCount = Out, ParameterCount = B2 + Out;

    public static NetworkDescription Description { get; } = new()
    {
        Name = "TinyMlp",
        Input = new FeatureShape(1, 4, 4),
        ClassNames = [.. Enumerable.Range(0, Out).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        ParameterCount = ParameterCount,
        ActivationSize = Hidden,
        WorkspaceSize = Hidden,
        Loss = LossKind.SoftmaxCrossEntropy,
        ParameterTensors =
        [
            new("hidden.weight", W1, [Hidden, In]),
            new("hidden.bias", B1, [Hidden]),
            new("out.weight", W2, [Out, Hidden]),
            new("out.bias", B2, [Out]),
        ],
        Layers =
        [
            new("hidden", LayerKind.Dense, new(1, 4, 4), new(Hidden, 1, 1), 0, 0, 0, 0f, ActivationKind.Tanh, ["hidden.weight", "hidden.bias"]),
            new("out", LayerKind.Dense, new(Hidden, 1, 1), new(Out, 1, 1), 0, 0, 0, 0f, ActivationKind.None, ["out.weight", "out.bias"]),
        ],
        Training = new() { Epochs = 2, BatchSize = 32, Optimizer = OptimizerKind.Sgd, LearningRate = 0.1f, Momentum = 0.9f, WeightDecay = 0f, Seed = 7 },
    };

    public static void InitializeParameters(Span<float> parameters, Random random)
    {
        float bound1 = 1f / MathF.Sqrt(In), bound2 = 1f / MathF.Sqrt(Hidden);
        for (int i = 0; i < B2 + Out; i++)
        {
            float bound = i < W2 ? bound1 : bound2;
            parameters[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
    }

    public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            Span<float> hidden = workspace.Slice(b * Hidden, Hidden);
            HiddenForward(parameters, input.Slice(b * In, In), hidden);
            OutputForward(parameters, hidden, logits.Slice(b * Out, Out));
        }
    }

    public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            Span<float> hidden = activations.Slice(b * Hidden, Hidden);
            HiddenForward(parameters, input.Slice(b * In, In), hidden);
            OutputForward(parameters, hidden, logits.Slice(b * Out, Out));
        }
    }

    public static void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> activations, ReadOnlySpan<float> logitsGradient,
        Span<float> parameterGradients, Span<float> inputGradient, Span<float> workspace, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * In, In);
            ReadOnlySpan<float> h = activations.Slice(b * Hidden, Hidden);
            ReadOnlySpan<float> dy = logitsGradient.Slice(b * Out, Out);
            Span<float> dz = workspace.Slice(b * Hidden, Hidden);
            dz.Clear();
            for (int o = 0; o < Out; o++)
            {
                parameterGradients[B2 + o] += dy[o];
                for (int j = 0; j < Hidden; j++)
                {
                    parameterGradients[W2 + o * Hidden + j] += dy[o] * h[j];
                    dz[j] += parameters[W2 + o * Hidden + j] * dy[o];
                }
            }
            for (int j = 0; j < Hidden; j++)
            {
                dz[j] *= 1 - h[j] * h[j];
                parameterGradients[B1 + j] += dz[j];
                for (int i = 0; i < In; i++) parameterGradients[W1 + j * In + i] += dz[j] * x[i];
            }
            if (!inputGradient.IsEmpty)
            {
                Span<float> dx = inputGradient.Slice(b * In, In);
                for (int i = 0; i < In; i++)
                {
                    float sum = 0;
                    for (int j = 0; j < Hidden; j++) sum += parameters[W1 + j * In + i] * dz[j];
                    dx[i] = sum;
                }
            }
        }
    }

    /// <summary>
    /// The Gauss-Newton curvature of LeCun et al. 1998, appendix C (what <see cref="SdlmOptimizer"/> needs): squared
    /// weights carry the logits' curvature back, tanh contributes (1 - h^2)^2, each weight receives x^2 times the
    /// curvature of the unit it feeds.
    /// </summary>
    public static void BackwardCurvature(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> activations,
        ReadOnlySpan<float> logitsCurvature, Span<float> parameterCurvature, Span<float> workspace, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * In, In);
            ReadOnlySpan<float> h = activations.Slice(b * Hidden, Hidden);
            ReadOnlySpan<float> hz = logitsCurvature.Slice(b * Out, Out);
            Span<float> hh = workspace.Slice(0, Hidden);
            hh.Clear();
            for (int o = 0; o < Out; o++)
            {
                parameterCurvature[B2 + o] += hz[o];
                for (int j = 0; j < Hidden; j++)
                {
                    float w = parameters[W2 + o * Hidden + j];
                    parameterCurvature[W2 + o * Hidden + j] += h[j] * h[j] * hz[o];
                    hh[j] += w * w * hz[o];
                }
            }
            for (int j = 0; j < Hidden; j++)
            {
                float derivative = 1 - h[j] * h[j];
                hh[j] *= derivative * derivative;
                parameterCurvature[B1 + j] += hh[j];
                for (int i = 0; i < In; i++) parameterCurvature[W1 + j * In + i] += x[i] * x[i] * hh[j];
            }
        }
    }

    private static void HiddenForward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> hidden)
    {
        for (int j = 0; j < Hidden; j++)
        {
            float sum = p[B1 + j];
            for (int i = 0; i < In; i++) sum += p[W1 + j * In + i] * x[i];
            hidden[j] = MathF.Tanh(sum);
        }
    }

    private static void OutputForward(ReadOnlySpan<float> p, ReadOnlySpan<float> hidden, Span<float> logits)
    {
        for (int o = 0; o < Out; o++)
        {
            float sum = p[B2 + o];
            for (int j = 0; j < Hidden; j++) sum += p[W2 + o * Hidden + j] * hidden[j];
            logits[o] = sum;
        }
    }

    /// <summary>A learnable synthetic set: class = which third of the image holds the brightest mean, plus noise.</summary>
    public static MnistDataset SyntheticData(int count, int seed)
    {
        var random = new Random(seed);
        var images = new float[count * In];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.Next(Out);
            labels[n] = (byte)label;
            for (int i = 0; i < In; i++)
            {
                float signal = i % Out == label ? 1.5f : 0f;
                images[n * In + i] = signal + (float)(random.NextDouble() * 2 - 1);
            }
        }
        return new MnistDataset(images, labels, 4, 4);
    }
}
