using LeNet5.Onnx;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace LeNet5.Model.Tests;

/// <summary>
/// Exports every generated network to ONNX, runs the file with ONNX Runtime on the same inputs, and compares the
/// logits with the generated Infer; checks the metadata and the probabilities output ONNX Runtime reads.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output)
{
    private const int Batch = 5;
    private const float Tolerance = 1e-4f;

    [Fact]
    public void LeNet5_matches_onnx_runtime() => AssertMatchesOnnxRuntime<LeNet5Network>(seed: 11);

    [Fact]
    public void ConvCheck_with_pad_value_stride_padding_maxpool_sigmoid_matches_onnx_runtime() => AssertMatchesOnnxRuntime<ConvCheckNetwork>(seed: 12);

    [Fact]
    public void PoolCheck_with_scaled_tanh_relu_maxpool_matches_onnx_runtime() => AssertMatchesOnnxRuntime<PoolCheckNetwork>(seed: 13);

    [Fact]
    public void WideCheck_matches_onnx_runtime() => AssertMatchesOnnxRuntime<WideCheckNetwork>(seed: 14);

    [Fact]
    public void Paper_network_with_subsampling_connection_table_and_rbf_matches_onnx_runtime() => AssertMatchesOnnxRuntime<PaperNetwork>(seed: 15);

    [Fact]
    public void SparseCheck_with_strided_padded_connection_table_matches_onnx_runtime() => AssertMatchesOnnxRuntime<SparseCheckNetwork>(seed: 16);

    [Fact]
    public void RbfCheck_with_numeric_prototypes_and_plain_subsampling_matches_onnx_runtime() => AssertMatchesOnnxRuntime<RbfCheckNetwork>(seed: 17);

    [Fact]
    public void Trained_weights_on_mnist_test_images_match_onnx_runtime() => AssertMatchesOnMnistTestImages<LeNet5Network>(DigitClassifier.Parameters);

    [Fact]
    public void Paper_network_trained_on_mnist_images_matches_onnx_runtime_on_test_images()
    {
        // A short run of the paper's own recipe (sdlm, MAP loss) moves F6 towards the prototypes, as trained weights do.
        MnistDataset train = MnistDataset.LoadTraining(MnistTestSet.Folder, PaperNetwork.Description.InputScaling).Take(1000);
        TrainingRecipe recipe = PaperNetwork.Description.Training with { CurvatureSamples = 100 };
        var execution = new ExecutionSettings { Threads = 1 };
        using var trainer = new Trainer<PaperNetwork>(recipe, execution);
        trainer.TrainEpoch(train, 0);
        AssertMatchesOnMnistTestImages<PaperNetwork>(trainer.Parameters);
    }

    [Fact]
    public void Paper_layers_carry_the_connection_table_and_the_prototypes_the_export_reads()
    {
        LayerDescription c3 = PaperNetwork.Description.Layers.Single(l => l.Name == "c3");
        Assert.Equal(LayerKind.SparseConv2d, c3.Kind);
        Assert.Equal(16, c3.Connections.Count);
        Assert.Equal([0, 1, 2], c3.Connections[0]);
        Assert.Equal([0, 1, 2, 3, 4, 5], c3.Connections[15]);
        Assert.Equal(60, c3.Connections.Sum(row => row.Count));
        Assert.Empty(PaperNetwork.Description.Layers.Single(l => l.Name == "c5").Connections);

        LayerDescription rbf = PaperNetwork.Description.Layers[^1];
        Assert.Equal(LayerKind.Rbf, rbf.Kind);
        Assert.Equal(10 * 84, rbf.Prototypes.Count);
        Assert.All(rbf.Prototypes, value => Assert.True(value is 1f or -1f, $"prototype value {value}"));
        // The 0's bitmap: a blank top row, then "..###.." (7 columns a row).
        Assert.Equal([-1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, 1f, 1f, 1f, -1f, -1f], rbf.Prototypes.Take(14));
        Assert.Empty(PaperNetwork.Description.Layers.Single(l => l.Name == "f6").Prototypes);
    }

    [Fact]
    public void Model_declares_opset_input_output_and_state_dict_initializers()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(1));
        using var session = new InferenceSession(OnnxExporter.Export<LeNet5Network>(parameters));
        Assert.Equal([OnnxExporter.InputName], session.InputMetadata.Keys);
        Assert.Equal([OnnxExporter.OutputName], session.OutputMetadata.Keys);
        Assert.Equal([-1, 1, 28, 28], session.InputMetadata[OnnxExporter.InputName].Dimensions);
        Assert.Equal([-1, 10], session.OutputMetadata[OnnxExporter.OutputName].Dimensions);
        Assert.Equal("LeNet5", session.ModelMetadata.GraphName);
    }

    [Fact]
    public void Metadata_gives_the_input_shape_scaling_class_names_and_versions()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(1));
        using var session = new InferenceSession(OnnxExporter.Export<LeNet5Network>(parameters, new OnnxExportOptions { ModelVersion = 7 }));
        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal(OnnxExporter.ProducerName, metadata.ProducerName);
        Assert.Matches(@"^\d+\.\d+\.\d+", OnnxExporter.ProducerVersion);
        Assert.Equal(7, metadata.Version);
        Assert.Contains("((x / 255) - 0.1307) / 0.3081", metadata.Description);
        Dictionary<string, string> properties = metadata.CustomMetadataMap;
        Assert.Equal("LeNet5", properties[OnnxMetadata.Network]);
        Assert.Equal("[1, 28, 28]", properties[OnnxMetadata.InputShape]);
        Assert.Equal("[-0.42421296, 2.8214867]", properties[OnnxMetadata.InputScale]);
        Assert.Equal("0.1307", properties[OnnxMetadata.InputMean]);
        Assert.Equal("0.3081", properties[OnnxMetadata.InputStd]);
        Assert.Equal("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", properties[OnnxMetadata.ClassNames]);
    }

    [Fact]
    public void Metadata_scaling_feeds_the_model_as_the_network_scales_pixels()
    {
        // The paper's network scales pixels to [-0.1, 1.175]: the metadata's mean and std must say the same.
        var parameters = new float[PaperNetwork.ParameterCount];
        PaperNetwork.InitializeParameters(parameters, new Random(2));
        using var session = new InferenceSession(OnnxExporter.Export<PaperNetwork>(parameters));
        Dictionary<string, string> properties = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[-0.1, 1.175]", properties[OnnxMetadata.InputScale]);
        double mean = double.Parse(properties[OnnxMetadata.InputMean], System.Globalization.CultureInfo.InvariantCulture);
        double std = double.Parse(properties[OnnxMetadata.InputStd], System.Globalization.CultureInfo.InvariantCulture);
        foreach (byte pixel in (byte[])[0, 77, 255])
            Assert.Equal(PaperNetwork.Description.InputScaling.Scale(pixel), (pixel / 255.0 - mean) / std, 5);
    }

    [Fact]
    public void Probabilities_output_is_the_softmax_the_classifier_gives()
    {
        const int count = 64;
        var input = new float[count * LeNet5Network.InputSize];
        LeNet5Network.Description.InputScaling.Scale(MnistTestSet.Pixels.AsSpan(0, input.Length), input);
        using var session = new InferenceSession(OnnxExporter.Export<LeNet5Network>(DigitClassifier.Parameters, new OnnxExportOptions { Probabilities = true }));
        Assert.Equal([OnnxExporter.OutputName, OnnxExporter.ProbabilitiesName], session.OutputMetadata.Keys);
        Assert.Equal([-1, 10], session.OutputMetadata[OnnxExporter.ProbabilitiesName].Dimensions);

        var tensor = new DenseTensor<float>(input, [count, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
        float[] logits = results.Single(r => r.Name == OnnxExporter.OutputName).AsEnumerable<float>().ToArray();
        float[] probabilities = results.Single(r => r.Name == OnnxExporter.ProbabilitiesName).AsEnumerable<float>().ToArray();
        var expected = new float[10];
        float worst = 0;
        for (int image = 0; image < count; image++)
        {
            int predicted = ClassProbabilities.Compute(logits.AsSpan(image * 10, 10), expected);
            Span<float> actual = probabilities.AsSpan(image * 10, 10);
            for (int c = 0; c < 10; c++) worst = Math.Max(worst, Math.Abs(expected[c] - actual[c]));
            Assert.Equal(1f, actual.ToArray().Sum(), 5);
            Assert.Equal(predicted, actual.IndexOf(actual.ToArray().Max()));
        }
        output.WriteLine($"largest probability difference from ClassProbabilities: {worst:G3}");
        Assert.True(worst <= 1e-6f, $"largest probability difference {worst:G3}");
    }

    private void AssertMatchesOnnxRuntime<TNetwork>(int seed) where TNetwork : struct, INetwork
    {
        var random = new Random(seed);
        var parameters = new float[TNetwork.Description.ParameterCount];
        TNetwork.InitializeParameters(parameters, random);
        var input = new float[Batch * TNetwork.Description.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 1.5);
        AssertMatchesOnnxRuntime<TNetwork>(parameters, input, $"{Batch} random inputs");
    }

    private void AssertMatchesOnMnistTestImages<TNetwork>(ReadOnlySpan<float> parameters) where TNetwork : struct, INetwork
    {
        const int count = 256;
        var input = new float[count * TNetwork.Description.InputSize];
        TNetwork.Description.InputScaling.Scale(MnistTestSet.Pixels.AsSpan(0, input.Length), input);
        AssertMatchesOnnxRuntime<TNetwork>(parameters, input, $"{count} MNIST test images");
    }

    /// <summary>Runs <paramref name="input"/> (a whole batch) through the generated Infer and through the exported model under ONNX Runtime.</summary>
    private void AssertMatchesOnnxRuntime<TNetwork>(ReadOnlySpan<float> parameters, float[] input, string inputs) where TNetwork : struct, INetwork
    {
        int batch = input.Length / TNetwork.Description.InputSize;
        var expected = new float[batch * TNetwork.Description.ClassCount];
        TNetwork.Infer(parameters, input, expected, new float[batch * TNetwork.Description.WorkspaceSize], batch);

        using var session = new InferenceSession(OnnxExporter.Export<TNetwork>(parameters));
        var tensor = new DenseTensor<float>(input, [batch, TNetwork.Description.Input.Channels, TNetwork.Description.Input.Height, TNetwork.Description.Input.Width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
        float[] actual = results.Single(r => r.Name == OnnxExporter.OutputName).AsEnumerable<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        output.WriteLine($"{TNetwork.Description.Name}, {inputs}: largest logit difference {worst:G3} (largest logit magnitude {expected.Max(Math.Abs):G3})");
        Assert.True(worst <= Tolerance, $"{TNetwork.Description.Name}, {inputs}: largest logit difference {worst:G3} exceeds {Tolerance:G3}");
    }
}
