using System.Globalization;
using System.Reflection;
using CsCheck;
using Xunit.Abstractions;
using LeNet5.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeNet5.Onnx.Tests;

/// <summary>
/// CsCheck property: any architecture the generator compiles (random pads, convolutions with stride and padding,
/// pools, dense layers and activations) exports to an ONNX model whose logits under ONNX Runtime are the generated
/// network's, and imports back as the same parameters (or, with the paper's scaled tanh, is refused by name).
/// </summary>
public sealed class RandomArchitectureProperties(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    private static readonly string[] Activations = ["none", "tanh", "relu", "sigmoid", "scaled_tanh"];

    /// <summary>An architecture file whose every layer fits the shape it receives.</summary>
    private static readonly Gen<string> Architectures = Gen.Int[int.MinValue, int.MaxValue].Select(Architecture);

    [Fact]
    public void Random_architectures_export_to_onnx_runtimes_logits_and_import_back()
    {
        int sample = 0;
        Architectures.Sample(architecture =>
        {
            string name = $"Random{++sample}";
            Type network = GeneratedCompilation.Network(architecture.Replace("\"name\": \"Random\"", $"\"name\": \"{name}\""), name);
            float worst = (float)typeof(RandomArchitectureProperties).GetMethod(nameof(Compare), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(network).Invoke(null, [sample])!;
            Assert.True(worst <= Tolerance, $"largest logit difference {worst:G3} from ONNX Runtime for\n{architecture}");
        }, seed: "0N0XIzNsQ0O2", iter: 12, threads: 1, print: a => a);
        output.WriteLine($"{sample} random architectures compiled, exported, run by ONNX Runtime and imported back");
    }

    /// <summary>Random parameters and images through the generated network and through ONNX Runtime; the largest logit difference, relative above 1.</summary>
    private static float Compare<TNetwork>(int seed) where TNetwork : struct, INetwork
    {
        var random = new Random(seed);
        var parameters = new float[TNetwork.Description.ParameterCount];
        TNetwork.InitializeParameters(parameters, random);
        const int batch = 3;
        var images = new float[batch * TNetwork.Description.InputSize];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(random.NextDouble() * 3 - 0.5);
        var logits = new float[batch * TNetwork.Description.ClassCount];
        TNetwork.Infer(parameters, images, logits, new float[Math.Max(1, batch * TNetwork.Description.WorkspaceSize)], batch);

        byte[] model = OnnxExporter.Export<TNetwork>(parameters);
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName,
            new DenseTensor<float>(images, [batch, TNetwork.Description.Input.Channels, TNetwork.Description.Input.Height, TNetwork.Description.Input.Width]))]);
        float[] expected = results.Single(r => r.Name == OnnxExporter.OutputName).AsEnumerable<float>().ToArray();
        Assert.Equal(logits.Length, expected.Length);
        float worst = 0;
        for (int i = 0; i < logits.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - logits[i]) / Math.Max(1, Math.Abs(expected[i])));

        // scaled_tanh exports as Mul, Tanh, Mul, which the importer refuses by name (PyTorch has no such layer).
        if (TNetwork.Description.Layers.Any(l => l.Activation == ActivationKind.ScaledTanh))
            Assert.Contains("(Mul) is an operator the importer does not translate", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model, "random.onnx")).Message);
        else
            Assert.Equal(parameters, OnnxImporter.Import(model, "random.onnx").Parameters);
        return worst;
    }

    private static string Architecture(int seed)
    {
        var random = new Random(seed);
        int inputHeight = random.Next(8, 17), inputWidth = random.Next(8, 17);
        int height = inputHeight, width = inputWidth;
        var layers = new List<string>();
        string Activation() => Activations[random.Next(Activations.Length)];
        if (random.Next(3) == 0)
        {
            int padding = random.Next(1, 3);
            string value = random.Next(2) == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", \"value\": {Math.Round(random.NextDouble() - 0.5, 3)}");
            layers.Add($"{{ \"name\": \"pad\", \"kind\": \"pad\", \"padding\": {padding}{value} }}");
            (height, width) = (height + 2 * padding, width + 2 * padding);
        }
        for (int block = 1, blocks = random.Next(1, 3); block <= blocks; block++)
        {
            int padding = random.Next(2), stride = random.Next(1, 3);
            int kernel = random.Next(1, Math.Min(5, Math.Min(height, width) + 2 * padding) + 1);
            int filters = random.Next(1, 7);
            layers.Add($"{{ \"name\": \"c{block}\", \"kind\": \"conv2d\", \"filters\": {filters}, \"kernel\": {kernel}, \"stride\": {stride}, \"padding\": {padding}, \"activation\": \"{Activation()}\" }}");
            (height, width) = ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1);
            if (height % 2 == 0 && width % 2 == 0 && random.Next(2) == 0)
            {
                string kind = random.Next(2) == 0 ? "avgpool2d" : "maxpool2d";
                layers.Add($"{{ \"name\": \"s{block}\", \"kind\": \"{kind}\", \"size\": 2 }}");
                (height, width) = (height / 2, width / 2);
            }
        }
        for (int dense = 1, count = random.Next(0, 3); dense <= count; dense++)
            layers.Add($"{{ \"name\": \"f{dense}\", \"kind\": \"dense\", \"units\": {random.Next(1, 21)}, \"activation\": \"{Activation()}\" }}");
        int classes = random.Next(2, 11);
        layers.Add($"{{ \"name\": \"output\", \"kind\": \"dense\", \"units\": {classes} }}");
        return $$"""
            { "name": "Random", "input": { "channels": 1, "height": {{inputHeight}}, "width": {{inputWidth}} }, "classes": {{classes}},
              "layers": [
                {{string.Join(",\n    ", layers)}}
              ] }
            """;
    }
}
