using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Loss;

namespace LeNet5.Model.Tests;

/// <summary>
/// PyTorch's own float64 numbers (<see cref="PyTorchOracle"/>) reproduced by the generated networks with PyTorch's
/// weights, loaded from the oracle's file as a user loads a foreign state_dict: <c>NET.param.</c> stripped, PyTorch's
/// <c>out</c> renamed <c>output</c>, every other tensor skipped. The inputs are the raw MNIST test images through the
/// network's own input scaling, 28x28, so the generated pad layer makes the 32x32 border PyTorch was given.
/// </summary>
public abstract class PyTorchOracleTests<TNetwork> where TNetwork : struct, INetwork
{
    /// <summary>One float32 rounding: 2^-24, the largest relative error of rounding a value to float.</summary>
    private const double Rounding = 1.0 / (1 << 24);

    /// <summary>
    /// Logits and loss: 16 roundings of the largest logit (which reaches 21: 2e-5), and of max(1, loss). The generated
    /// code computes in float32 from float32 weights and inputs, each rounded once, and its errors stay near the largest
    /// values' rounding: measured 1.6e-7 of the largest logit (3.4e-6) for the seed network and 1.5e-7 for the edited
    /// one, and at most 6e-8 on the loss. A zero border instead of the background puts the edited network's logits
    /// 2e-2 of the largest off (the issue measured up to 1.27 of 21 for the seed network).
    /// </summary>
    private const double LogitTolerance = 16 * Rounding;

    /// <summary>
    /// Gradients: 512 roundings of each tensor's largest gradient (3e-5). A trained network's gradients are small
    /// differences, softmax minus one-hot with probabilities near 1 (the seed network's loss is 0.005), which float32
    /// holds to 2^-24 absolute, not relative: the seed network's gradients agree to 7.4e-6 of each tensor's largest
    /// value, the untrained edited network's to 3.1e-7. A zero border is off by 0.2 to 0.5 of it.
    /// </summary>
    private const double GradientTolerance = 512 * Rounding;

    /// <summary>The oracle's name of the network: <c>seed</c> or <c>edited</c>.</summary>
    protected abstract string Network { get; }

    protected Checkpoint Weights() => Checkpoint.Load<TNetwork>(
        PyTorchOracle.Path,
        new StateDictImport([new TensorRename(Network + ".param", ""), new TensorRename("out", "output")], IgnoreExtraTensors: true));

    /// <summary>The first 64 MNIST test images through the network's input scaling.</summary>
    private static float[] Images()
    {
        var images = new float[PyTorchOracle.Images * TNetwork.Description.InputSize];
        TNetwork.Description.InputScaling.Scale(MnistTestSet.Pixels.AsSpan(0, images.Length), images);
        return images;
    }

    private static byte[] Labels()
    {
        byte[] labels = MnistTestSet.Labels[..PyTorchOracle.Images];
        Assert.Equal(PyTorchOracle.Longs("labels"), labels.Select(l => (long)l));
        return labels;
    }

    [Fact]
    public void The_weights_are_the_oracles_rounded_to_float()
    {
        Checkpoint weights = Weights();
        foreach (ParameterTensor tensor in TNetwork.Description.ParameterTensors)
        {
            double[] expected = PyTorchOracle.Doubles($"{Network}.param.{PyTorchName(tensor.Name)}");
            Assert.Equal(tensor.Shape, PyTorchOracle.Shape($"{Network}.param.{PyTorchName(tensor.Name)}"));
            Assert.Equal(expected.Select(v => (float)v), weights.Parameters.AsSpan(tensor.Offset, tensor.Length).ToArray());
        }
        Assert.Contains($"{Network}.grad.c1.weight", weights.IgnoredTensors);
        Assert.Contains("labels", weights.IgnoredTensors);
    }

    [Fact]
    public void The_pad_layer_makes_the_padded_input_pytorch_was_given()
    {
        LayerDescription pad = TNetwork.Description.Layers[0];
        Assert.Equal(LayerKind.Pad, pad.Kind);
        Assert.Equal(TNetwork.Description.InputScaling.Background, pad.PadValue);
        double[] expected = PyTorchOracle.Doubles("input");
        Assert.Equal([PyTorchOracle.Images, 1, pad.Output.Height, pad.Output.Width], PyTorchOracle.Shape("input"));

        // The first layer's training outputs are the padded images, [batch, 1, 32, 32] at the start of the activations.
        var activations = new float[PyTorchOracle.Images * TNetwork.Description.ActivationSize];
        TNetwork.ForwardTrain(Weights().Parameters, Images(), activations, new float[PyTorchOracle.Images * TNetwork.Description.ClassCount], PyTorchOracle.Images);
        int border = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int y = i / pad.Output.Width % pad.Output.Height, x = i % pad.Output.Width;
            bool inBorder = y < pad.Padding || x < pad.Padding || y >= pad.Output.Height - pad.Padding || x >= pad.Output.Width - pad.Padding;
            border += inBorder ? 1 : 0;
            // Both sides are (pixel / 255 - 0.1307) / 0.3081, in float32 here (three roundings of values up to 2.8), in float64 there.
            Assert.True(Math.Abs(activations[i] - expected[i]) <= 1e-6, $"padded input {i} ({(inBorder ? "border" : "image")}): PyTorch {expected[i]}, here {activations[i]}");
        }
        Assert.Equal(PyTorchOracle.Images * ((pad.Output.Height * pad.Output.Width) - (pad.Input.Height * pad.Input.Width)), border);
    }

    [Fact]
    public void Logits_match_pytorch_to_float_rounding()
    {
        float[] parameters = Weights().Parameters;
        double[] expected = PyTorchOracle.Doubles($"{Network}.logits");
        var logits = new float[PyTorchOracle.Images * TNetwork.Description.ClassCount];
        TNetwork.Infer(parameters, Images(), logits, new float[PyTorchOracle.Images * TNetwork.Description.WorkspaceSize], PyTorchOracle.Images);
        double scale = expected.Max(Math.Abs);
        AssertClose(expected, logits, LogitTolerance * scale, "logits (Infer)");

        var activations = new float[PyTorchOracle.Images * TNetwork.Description.ActivationSize];
        TNetwork.ForwardTrain(parameters, Images(), activations, logits, PyTorchOracle.Images);
        AssertClose(expected, logits, LogitTolerance * scale, "logits (ForwardTrain)");
    }

    [Fact]
    public void Loss_and_every_gradient_match_pytorch_to_float_rounding()
    {
        float[] parameters = Weights().Parameters;
        float[] images = Images();
        var activations = new float[PyTorchOracle.Images * TNetwork.Description.ActivationSize];
        var logits = new float[PyTorchOracle.Images * TNetwork.Description.ClassCount];
        TNetwork.ForwardTrain(parameters, images, activations, logits, PyTorchOracle.Images);
        var logitsGradient = new float[logits.Length];
        float loss = SoftmaxCrossEntropy.MeanLoss(logits, Labels(), TNetwork.Description.ClassCount, logitsGradient);
        double expectedLoss = PyTorchOracle.Doubles($"{Network}.loss")[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= LogitTolerance * Math.Max(1, expectedLoss), $"loss: PyTorch {expectedLoss:R}, here {loss:R}");

        var gradients = new float[TNetwork.Description.ParameterCount];
        TNetwork.Backward(parameters, images, activations, logitsGradient, gradients, [], new float[PyTorchOracle.Images * TNetwork.Description.WorkspaceSize], PyTorchOracle.Images);
        foreach (ParameterTensor tensor in TNetwork.Description.ParameterTensors)
        {
            double[] expected = PyTorchOracle.Doubles($"{Network}.grad.{PyTorchName(tensor.Name)}");
            double scale = expected.Max(Math.Abs);
            Assert.True(scale > 0, $"{tensor.Name}: PyTorch's gradient is all zero");
            AssertClose(expected, gradients.AsSpan(tensor.Offset, tensor.Length).ToArray(), GradientTolerance * scale, $"d loss / d {tensor.Name}");
        }
    }

    /// <summary>PyTorch's module name: the replications call the last layer <c>out</c>.</summary>
    private static string PyTorchName(string name) => name.StartsWith("output.", StringComparison.Ordinal) ? "out" + name["output".Length..] : name;

    private static void AssertClose(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = Enumerable.Range(0, expected.Length).MaxBy(i => Math.Abs(expected[i] - actual[i]));
        double difference = Math.Abs(expected[worst] - actual[worst]);
        Assert.True(difference <= tolerance, $"{what}: {worst} is {actual[worst]:R} here and {expected[worst]:R} in PyTorch, {difference:E2} apart (tolerance {tolerance:E2})");
    }
}

public sealed class SeedPyTorchOracleTests : PyTorchOracleTests<LeNet5Network>
{
    protected override string Network => "seed";

    [Fact]
    public void Pytorchs_weights_classify_9884_of_the_10000_test_images_as_pytorch_does()
    {
        LeNet5Classifier classifier = LeNet5Classifier.FromParameters(Weights().Parameters);
        byte[] labels = MnistTestSet.Labels;
        var predictions = new LeNet5Prediction[labels.Length];
        classifier.Classify(MnistTestSet.Pixels, predictions);
        int correct = Enumerable.Range(0, labels.Length).Count(i => predictions[i].ClassIndex == labels[i]);
        Assert.Equal(9_884, correct);
    }
}

public sealed class EditedPyTorchOracleTests : PyTorchOracleTests<EditedNetwork>
{
    protected override string Network => "edited";
}
