namespace LeNet5.Runtime.Onnx;

/// <summary>An ONNX <c>AttributeProto</c> of type INT, INTS or FLOAT.</summary>
internal readonly struct NodeAttribute
{
    private const int FloatKind = 1;
    private const int IntKind = 2;
    private const int IntsKind = 7;

    private readonly string _name;
    private readonly int _kind;
    private readonly long _int;
    private readonly float _float;
    private readonly long[]? _ints;

    private NodeAttribute(string name, int kind, long intValue, float floatValue, long[]? ints)
    {
        _name = name;
        _kind = kind;
        _int = intValue;
        _float = floatValue;
        _ints = ints;
    }

    /// <summary>An integer attribute.</summary>
    public static NodeAttribute Int(string name, long value) => new(name, IntKind, value, 0, null);

    /// <summary>A float attribute.</summary>
    public static NodeAttribute Float(string name, float value) => new(name, FloatKind, 0, value, null);

    /// <summary>A list-of-integers attribute.</summary>
    public static NodeAttribute Ints(string name, params long[] values) => new(name, IntsKind, 0, 0, values);

    /// <summary>The attribute as an <c>AttributeProto</c> message.</summary>
    public ProtobufWriter Write()
    {
        var attribute = new ProtobufWriter().String(1, _name);
        switch (_kind)
        {
            case FloatKind: attribute.Float(2, _float); break;
            case IntKind: attribute.Int64(3, _int); break;
            default: attribute.PackedInt64(8, _ints); break;
        }
        return attribute.Int64(20, _kind);
    }
}
