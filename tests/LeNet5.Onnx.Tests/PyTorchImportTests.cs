using System.Reflection;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace LeNet5.Onnx.Tests;

/// <summary>
/// PyTorch's own ONNX export of the seed network (shared/oracle/pytorch-lenet5.onnx), imported, compiled by the
/// generator and run: it must classify the MNIST test set as PyTorch does and give ONNX Runtime's logits.
/// </summary>
public sealed class PyTorchImportTests(ImportedSeed seed, ITestOutputHelper output) : IClassFixture<ImportedSeed>
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Seed_network_is_written_with_pytorchs_module_names_and_a_pad_of_the_background()
    {
        const string expected = """
            {
              "$schema": "./architecture.schema.json",
              "name": "LeNet5",
              "input": { "channels": 1, "height": 28, "width": 28 },
              "classes": 10,
              "layers": [
                { "name": "pad", "kind": "pad", "padding": 2, "value": -0.42421296 },
                { "name": "c1", "kind": "conv2d", "filters": 6, "kernel": 5, "activation": "tanh" },
                { "name": "pool1", "kind": "avgpool2d", "size": 2 },
                { "name": "c3", "kind": "conv2d", "filters": 16, "kernel": 5, "activation": "tanh" },
                { "name": "pool2", "kind": "avgpool2d", "size": 2 },
                { "name": "f5", "kind": "dense", "units": 120, "activation": "tanh" },
                { "name": "f6", "kind": "dense", "units": 84, "activation": "tanh" },
                { "name": "out", "kind": "dense", "units": 10 }
              ]
            }

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), File.ReadAllText(seed.ArchitecturePath));
        Assert.Equal(InputScaling.Standardized.Background, seed.Network.Layers[0].PadValue);
        Assert.Equal("pytorch-lenet5.onnx (pytorch 2.11.0)", seed.Network.Source);
    }

    [Fact]
    public void Weights_are_a_checkpoint_of_the_generated_network_in_state_dict_order()
    {
        var tensors = ((NetworkDescription)seed.NetworkType.GetProperty(nameof(INetwork.Description))!.GetValue(null)!).ParameterTensors;
        Assert.Equal(tensors.Select(t => (t.Name, t.Offset, t.ShapeText)), seed.Network.ParameterTensors.Select(t => (t.Name, t.Offset, t.ShapeText)));
        Assert.Equal(
            ["c1.weight", "c1.bias", "c3.weight", "c3.bias", "f5.weight", "f5.bias", "f6.weight", "f6.bias", "out.weight", "out.bias"],
            seed.Network.ParameterTensors.Select(t => t.Name));
        Assert.Equal(61_706, seed.Network.Parameters.Length);
        Checkpoint checkpoint = Generic<Checkpoint>(nameof(Load), seed.WeightsPath);
        Assert.Equal(seed.Network.Parameters, checkpoint.Parameters);
        Assert.Equal("LeNet5", checkpoint.Metadata[Checkpoint.ArchitectureKey]);
    }

    [Fact]
    public void Compiled_by_the_generator_it_classifies_the_mnist_test_set_as_pytorch_does()
    {
        EvaluationResult result = Generic<EvaluationResult>(nameof(Evaluate), seed.WeightsPath);
        output.WriteLine($"{result.Correct} of {result.Count} correct ({result.Accuracy:P2}), mean loss {result.MeanLoss:F4}");
        Assert.Equal(10_000, result.Count);
        Assert.Equal(PyTorchOracle.PyTorchCorrect, result.Correct);
    }

    [Fact]
    public void Compiled_by_the_generator_it_gives_onnx_runtimes_logits_of_the_padded_images()
    {
        const int count = 256;
        float[] logits = Generic<float[]>(nameof(Infer), seed.WeightsPath, count);

        // The original model takes the images already normalized and padded by 2 with the normalized background.
        float background = InputScaling.Standardized.Background;
        var padded = new float[count * 32 * 32];
        Array.Fill(padded, background);
        float[] images = Scaled(count);
        for (int image = 0; image < count; image++)
        {
            for (int y = 0; y < 28; y++)
                images.AsSpan((image * 28 + y) * 28, 28).CopyTo(padded.AsSpan(image * 1024 + (y + 2) * 32 + 2, 28));
        }
        using var session = new InferenceSession(PyTorchOracle.SeedModel);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(padded, [count, 1, 32, 32]))]);
        float[] expected = results.Single().AsEnumerable<float>().ToArray();

        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - logits[i]));
        output.WriteLine($"{count} MNIST test images: largest logit difference from ONNX Runtime {worst:G3}");
        Assert.True(worst <= Tolerance, $"largest logit difference {worst:G3} exceeds {Tolerance:G3}");
    }

    private T Generic<T>(string method, params object[] arguments) => (T)typeof(PyTorchImportTests)
        .GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
        .MakeGenericMethod(seed.NetworkType)
        .Invoke(null, arguments)!;

    private static float[] Scaled(int count)
    {
        MnistDataset test = MnistDataset.LoadTest(LeNet5.Tests.MnistTestFolder.Path);
        return test.Images.AsSpan(0, count * test.ImageSize).ToArray();
    }

    private static Checkpoint Load<TNetwork>(string weights) where TNetwork : struct, INetwork => Checkpoint.Load<TNetwork>(weights);

    private static EvaluationResult Evaluate<TNetwork>(string weights) where TNetwork : struct, INetwork
    {
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(weights);
        MnistDataset test = MnistDataset.LoadTest(LeNet5.Tests.MnistTestFolder.Path, TNetwork.Description.InputScaling);
        using var evaluator = new Evaluator<TNetwork>();
        return evaluator.Evaluate(checkpoint.Parameters, test);
    }

    private static float[] Infer<TNetwork>(string weights, int count) where TNetwork : struct, INetwork
    {
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(weights);
        var logits = new float[count * TNetwork.Description.ClassCount];
        TNetwork.Infer(checkpoint.Parameters, Scaled(count), logits, new float[count * TNetwork.Description.WorkspaceSize], count);
        return logits;
    }
}
