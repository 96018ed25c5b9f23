using LeNet5.Model;
using LeNet5.Onnx.Proto;
using LeNet5.Runtime;

namespace LeNet5.Onnx.Tests;

/// <summary>
/// ONNX out and back in: an exported network imports as the architecture and parameters it came from, its metadata
/// carries the scaling and class names across, and the other spellings PyTorch uses (MatMul + Add, Reshape, Identity,
/// Constant, a final Softmax) import as the same layers.
/// </summary>
public sealed class RoundTripTests
{
    [Fact]
    public void An_exported_network_imports_as_its_layers_and_parameters()
    {
        ImportedNetwork imported = TestModels.Exported().Import();

        Assert.Equal("LeNet5", imported.Name);
        Assert.Equal(new FeatureShape(1, 28, 28), imported.Input);
        Assert.Equal(InputScaling.Standardized, imported.InputScaling);
        Assert.Equal(LeNet5Network.Description.ClassNames, imported.ClassNames);
        Assert.Equal(LeNet5Network.Description.Layers.Count, imported.Layers.Count);
        for (int i = 0; i < imported.Layers.Count; i++)
        {
            LayerDescription expected = LeNet5Network.Description.Layers[i], actual = imported.Layers[i];
            Assert.Equal(
                (expected.Name, expected.Kind, expected.Input.Size, expected.Output, expected.Kernel, expected.Padding, expected.PadValue, expected.Activation),
                (actual.Name, actual.Kind, actual.Input.Size, actual.Output, actual.Kernel, actual.Padding, actual.PadValue, actual.Activation));
            Assert.Equal(expected.ParameterNames, actual.ParameterNames);
        }
        Assert.Equal(LeNet5Network.Description.ParameterTensors.Select(t => (t.Name, t.Offset, t.ShapeText)), imported.ParameterTensors.Select(t => (t.Name, t.Offset, t.ShapeText)));
        Assert.Equal(DigitClassifier.Parameters.ToArray(), imported.Parameters);
    }

    [Fact]
    public void The_probabilities_output_of_an_export_is_dropped()
    {
        ImportedNetwork imported = TestModels.Exported(new OnnxExportOptions { Probabilities = true }).Import();
        Assert.Equal(LeNet5Network.Description.Layers.Select(l => l.Name), imported.Layers.Select(l => l.Name));
        Assert.Equal(DigitClassifier.Parameters.ToArray(), imported.Parameters);
    }

    [Fact]
    public void Metadata_gives_the_name_scaling_and_class_names()
    {
        ModelProto model = TestModels.Exported();
        Set(model, OnnxMetadata.Network, "Digits");
        Set(model, OnnxMetadata.InputScale, "[-0.1, 1.175]");
        Set(model, OnnxMetadata.ClassNames, """["zero","one","two","three","four","five","six","seven","eight","nine"]""");

        ImportedNetwork imported = model.Import();

        Assert.Equal("Digits", imported.Name);
        Assert.Equal(InputScaling.Paper, imported.InputScaling);
        Assert.Equal("seven", imported.ClassNames[7]);
        string architecture = imported.ArchitectureJson();
        Assert.Contains("\"name\": \"Digits\"", architecture);
        Assert.Contains("\"input\": { \"channels\": 1, \"height\": 28, \"width\": 28, \"scale\": [-0.1, 1.175] }", architecture);
        Assert.Contains("\"classNames\": [\"zero\", \"one\", ", architecture);
    }

    [Fact]
    public void Options_override_the_metadata()
    {
        var options = new OnnxImportOptions { Name = "Mine", InputScaling = new InputScaling(0, 1) };
        ImportedNetwork imported = TestModels.Exported().Import(options);
        Assert.Equal("Mine", imported.Name);
        Assert.Equal(new InputScaling(0, 1), imported.InputScaling);
        Assert.Contains("\"scale\": [0, 1]", imported.ArchitectureJson());
    }

    [Fact]
    public void A_network_name_that_is_not_an_identifier_is_refused()
    {
        var error = Assert.Throws<OnnxImportException>(() => TestModels.PyTorchSeed().Import(new OnnxImportOptions { Name = "my net" }));
        Assert.Contains("'my net' is not a network name", error.Message);
    }

    [Fact]
    public void MatMul_and_Add_import_as_a_dense_layer_named_after_its_bias()
    {
        ModelProto gemm = TestModels.PyTorchSeed();
        ModelProto matMul = TestModels.PyTorchSeed();
        // torch.onnx writes a Linear as MatMul by the transposed weight (an anonymous initializer), then Add of the bias.
        TensorProto weight = matMul.Graph.Initializer.Single(t => t.Name == "out.weight");
        float[] values = TensorValues.Floats(weight, "out.weight");
        var transposed = new float[values.Length];
        for (int o = 0; o < 10; o++)
            for (int i = 0; i < 84; i++) transposed[i * 10 + o] = values[o * 84 + i];
        var bytes = new byte[transposed.Length * 4];
        Buffer.BlockCopy(transposed, 0, bytes, 0, bytes.Length);
        weight.Name = "onnx::MatMul_41";
        weight.Dims.Clear();
        weight.Dims.Add([84, 10]);
        weight.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
        NodeProto node = matMul.Node("/out/Gemm");
        int index = matMul.Graph.Node.IndexOf(node);
        matMul.Graph.Node[index] = new NodeProto { Name = "/out/MatMul", OpType = "MatMul", Input = { node.Input[0], "onnx::MatMul_41" }, Output = { "/out/MatMul_output_0" } };
        matMul.Graph.Node.Insert(index + 1, new NodeProto { Name = "/out/Add", OpType = "Add", Input = { "out.bias", "/out/MatMul_output_0" }, Output = { "logits" } });

        ImportedNetwork expected = gemm.Import(), actual = matMul.Import();

        Assert.Equal("out", actual.Layers[^1].Name);
        Assert.Equal(expected.ArchitectureJson(), actual.ArchitectureJson());
        Assert.Equal(expected.Parameters, actual.Parameters);
    }

    [Fact]
    public void Reshape_by_a_constant_identity_and_a_final_softmax_import_as_the_same_layers()
    {
        ModelProto model = TestModels.PyTorchSeed();
        NodeProto flatten = model.Node("/Flatten");
        int index = model.Graph.Node.IndexOf(flatten);
        var shape = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 2 }, Int64Data = { -1, 400 } };
        model.Graph.Node[index] = new NodeProto { Name = "/Reshape", OpType = "Reshape", Input = { flatten.Input[0], "shape" }, Output = { "flat" } };
        model.Graph.Node.Insert(index, new NodeProto
        {
            Name = "/Constant", OpType = "Constant", Output = { "shape" },
            Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = shape } },
        });
        model.Graph.Node.Insert(index + 2, new NodeProto { Name = "/Identity", OpType = "Identity", Input = { "flat" }, Output = { "/Flatten_output_0" } });
        model.Node("/out/Gemm").Output[0] = "scores";
        model.Graph.Node.Add(new NodeProto { Name = "/Softmax", OpType = "Softmax", Input = { "scores" }, Output = { "logits" }, Attribute = { new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 } } });

        ImportedNetwork expected = TestModels.PyTorchSeed().Import(), actual = model.Import();

        Assert.Equal(expected.ArchitectureJson(), actual.ArchitectureJson());
        Assert.Equal(expected.Parameters, actual.Parameters);
    }

    private static void Set(ModelProto model, string key, string value) => model.MetadataProps.Single(p => p.Key == key).Value = value;
}
