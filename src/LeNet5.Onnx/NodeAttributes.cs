using System.Globalization;
using LeNet5.Onnx.Proto;

namespace LeNet5.Onnx;

/// <summary>
/// The attributes of one node as the importer reads them: each read names its expected type, and an attribute the
/// translation does not read is refused rather than ignored (it would change what the node computes).
/// </summary>
internal sealed class NodeAttributes
{
    private readonly NodeProto _node;
    private readonly string _label;

    /// <summary>Reads <paramref name="node"/>'s attributes; <paramref name="label"/> names the node in messages.</summary>
    /// <param name="node">The node.</param>
    /// <param name="label">For example <c>model.onnx: node '/c1/Conv' (Conv)</c>.</param>
    /// <param name="known">The attributes the translation reads; any other is refused.</param>
    public NodeAttributes(NodeProto node, string label, params string[] known)
    {
        _node = node;
        _label = label;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (AttributeProto attribute in node.Attribute)
        {
            if (!seen.Add(attribute.Name)) throw new OnnxImportException($"{label} has attribute '{attribute.Name}' twice");
            if (!known.Contains(attribute.Name))
            {
                string takes = known.Length == 0 ? "it takes none" : "it takes " + string.Join(", ", known);
                throw new OnnxImportException($"{label} has attribute '{attribute.Name}', which the importer does not translate ({takes})");
            }
        }
    }

    /// <summary>An INT attribute, or <paramref name="fallback"/> when the node has none.</summary>
    public long Int(string name, long fallback) => Find(name, AttributeProto.Types.AttributeType.Int) is { } a ? a.I : fallback;

    /// <summary>A FLOAT attribute, or <paramref name="fallback"/>.</summary>
    public float Float(string name, float fallback) => Find(name, AttributeProto.Types.AttributeType.Float) is { } a ? a.F : fallback;

    /// <summary>A STRING attribute, or <paramref name="fallback"/>.</summary>
    public string String(string name, string fallback) => Find(name, AttributeProto.Types.AttributeType.String) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>An INTS attribute, or null.</summary>
    public long[]? Ints(string name) => Find(name, AttributeProto.Types.AttributeType.Ints) is { } a ? a.Ints.ToArray() : null;

    /// <summary>A TENSOR attribute, or null.</summary>
    public TensorProto? Tensor(string name) => Find(name, AttributeProto.Types.AttributeType.Tensor)?.T;

    /// <summary>A FLOATS attribute, or null.</summary>
    public float[]? Floats(string name) => Find(name, AttributeProto.Types.AttributeType.Floats) is { } a ? a.Floats.ToArray() : null;

    /// <summary>Whether the node has the attribute.</summary>
    public bool Has(string name) => _node.Attribute.Any(a => a.Name == name);

    /// <summary>A list of integers as <c>[1, 2]</c>.</summary>
    public static string Text(IEnumerable<long> values) => "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    private AttributeProto? Find(string name, AttributeProto.Types.AttributeType type)
    {
        AttributeProto? attribute = _node.Attribute.FirstOrDefault(a => a.Name == name);
        if (attribute is null) return null;
        // IR 1 files leave the type out: it is then the field in use, which protobuf cannot tell apart from a default.
        if (attribute.Type != type && attribute.Type != AttributeProto.Types.AttributeType.Undefined)
            throw new OnnxImportException($"{_label} has attribute '{name}' of type {attribute.Type.ToString().ToUpperInvariant()}, not {type.ToString().ToUpperInvariant()}");
        return attribute;
    }
}
