using LeNet5.Runtime;
using LeNet5.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace LeNet5.Model.Tests;

/// <summary>
/// Exports every generated network to ONNX, runs the file with ONNX Runtime on the same inputs, and compares the
/// logits with the generated Infer.
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
    public void Trained_weights_on_mnist_test_images_match_onnx_runtime()
    {
        const int count = 256;
        var input = new float[count * LeNet5Network.InputSize];
        DigitClassifier.Normalize(MnistTestSet.Pixels.AsSpan(0, input.Length), input);
        var expected = new float[count * LeNet5Network.ClassCount];
        LeNet5Network.Infer(DigitClassifier.Parameters, input, expected, new float[count * LeNet5Network.WorkspaceSize], count);

        using var session = new InferenceSession(OnnxExporter.Export<LeNet5Network>(DigitClassifier.Parameters));
        var tensor = new DenseTensor<float>(input, [count, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
        float[] actual = results.Single().AsEnumerable<float>().ToArray();

        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        output.WriteLine($"largest logit difference over {count} MNIST test images: {worst:G3}");
        Assert.True(worst <= Tolerance, $"largest logit difference {worst:G3} exceeds {Tolerance:G3}");
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
    public void Unknown_layer_kind_is_refused_with_the_layer_named()
    {
        var parameters = new float[UnsupportedLayerNetwork.ParameterCount];
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export<UnsupportedLayerNetwork>(parameters));
        Assert.Contains("layer 's2'", error.Message);
        Assert.Contains("'subsampling'", error.Message);
        Assert.Contains("conv2d", error.Message);
    }

    [Fact]
    public void Paper_network_with_subsampling_connection_table_and_rbf_is_refused()
    {
        var parameters = new float[PaperNetwork.ParameterCount];
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export<PaperNetwork>(parameters));
        Assert.Contains("layer 's2' is of kind 'subsample2d'", error.Message);
        Assert.Equal("sparse_conv2d", PaperNetwork.Layers.Single(l => l.Name == "c3").Kind);
    }

    private static void AssertMatchesOnnxRuntime<TNetwork>(int seed) where TNetwork : struct, INetwork
    {
        var random = new Random(seed);
        var parameters = new float[TNetwork.ParameterCount];
        TNetwork.InitializeParameters(parameters, random);
        var input = new float[Batch * TNetwork.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 1.5);
        var expected = new float[Batch * TNetwork.ClassCount];
        TNetwork.Infer(parameters, input, expected, new float[Batch * TNetwork.WorkspaceSize], Batch);

        using var session = new InferenceSession(OnnxExporter.Export<TNetwork>(parameters));
        var tensor = new DenseTensor<float>(input, [Batch, TNetwork.InputChannels, TNetwork.InputHeight, TNetwork.InputWidth]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
        float[] actual = results.Single(r => r.Name == OnnxExporter.OutputName).AsEnumerable<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= Tolerance, $"{TNetwork.Name}: largest logit difference {worst:G3} exceeds {Tolerance:G3}");
    }
}
