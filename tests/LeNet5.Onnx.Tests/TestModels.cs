using Google.Protobuf;
using LeNet5.Model;
using LeNet5.Onnx.Proto;

namespace LeNet5.Onnx.Tests;

/// <summary>ONNX models to edit in a test: PyTorch's seed export, and this repository's own export of LeNet-5.</summary>
internal static class TestModels
{
    /// <summary>A fresh copy of PyTorch's export of the seed network.</summary>
    public static ModelProto PyTorchSeed() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(PyTorchOracle.SeedModel));

    /// <summary>LeNet5.Generated's export of the trained seed network.</summary>
    public static ModelProto Exported(OnnxExportOptions? options = null)
        => ModelProto.Parser.ParseFrom(OnnxExporter.Export<LeNet5Network>(DigitClassifier.Parameters, options));

    /// <summary>The node of <paramref name="model"/> named <paramref name="name"/>.</summary>
    public static NodeProto Node(this ModelProto model, string name) => model.Graph.Node.Single(n => n.Name == name);

    /// <summary>Sets (or adds) an INTS attribute.</summary>
    public static void SetInts(this NodeProto node, string name, params long[] values)
    {
        AttributeProto attribute = Attribute(node, name, AttributeProto.Types.AttributeType.Ints);
        attribute.Ints.Clear();
        attribute.Ints.Add(values);
    }

    /// <summary>Sets (or adds) an INT attribute.</summary>
    public static void SetInt(this NodeProto node, string name, long value) => Attribute(node, name, AttributeProto.Types.AttributeType.Int).I = value;

    /// <summary>Sets (or adds) a FLOAT attribute.</summary>
    public static void SetFloat(this NodeProto node, string name, float value) => Attribute(node, name, AttributeProto.Types.AttributeType.Float).F = value;

    /// <summary>Sets (or adds) a STRING attribute.</summary>
    public static void SetString(this NodeProto node, string name, string value)
        => Attribute(node, name, AttributeProto.Types.AttributeType.String).S = ByteString.CopyFromUtf8(value);

    /// <summary>Imports the model as the file <c>model.onnx</c> would be.</summary>
    public static ImportedNetwork Import(this ModelProto model, OnnxImportOptions? options = null)
        => OnnxImporter.Import(model.ToByteArray(), "model.onnx", options);

    private static AttributeProto Attribute(NodeProto node, string name, AttributeProto.Types.AttributeType type)
    {
        AttributeProto? attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (attribute is null)
        {
            attribute = new AttributeProto { Name = name };
            node.Attribute.Add(attribute);
        }
        attribute.Type = type;
        return attribute;
    }
}
