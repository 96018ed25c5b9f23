using System.Buffers.Binary;
using Google.Protobuf;
using LeNet5.Onnx.Proto;

namespace LeNet5.Onnx;

/// <summary>
/// The values of an ONNX tensor (an initializer or a <c>Constant</c>), from <c>raw_data</c> (little-endian) or from the
/// typed field its data type uses: floats from FLOAT, DOUBLE, FLOAT16 and BFLOAT16, integers from INT64 and INT32.
/// </summary>
internal static class TensorValues
{
    /// <summary>The dimensions, an empty array for a scalar.</summary>
    public static int[] Shape(TensorProto tensor, string what)
    {
        var shape = new int[tensor.Dims.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            long dim = tensor.Dims[i];
            if (dim is < 0 or > int.MaxValue) throw new OnnxImportException($"{what} has dimension {dim}, which no tensor can have");
            shape[i] = (int)dim;
        }
        return shape;
    }

    /// <summary>The values as floats.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="what">What it is, for messages, for example <c>model.onnx: initializer 'c1.weight'</c>.</param>
    public static float[] Floats(TensorProto tensor, string what)
    {
        int count = Count(tensor, what);
        var values = new float[count];
        var type = (TensorProto.Types.DataType)tensor.DataType;
        ByteString raw = tensor.RawData;
        switch (type)
        {
            case TensorProto.Types.DataType.Float when raw.IsEmpty:
                Expect(tensor.FloatData.Count, count, what);
                tensor.FloatData.CopyTo(values, 0);
                break;
            case TensorProto.Types.DataType.Float:
                Expect(raw.Length, count * 4L, what, "bytes");
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span[(i * 4)..]);
                break;
            case TensorProto.Types.DataType.Double when raw.IsEmpty:
                Expect(tensor.DoubleData.Count, count, what);
                for (int i = 0; i < count; i++) values[i] = (float)tensor.DoubleData[i];
                break;
            case TensorProto.Types.DataType.Double:
                Expect(raw.Length, count * 8L, what, "bytes");
                for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Span[(i * 8)..]);
                break;
            case TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16:
            {
                // Without raw_data, 16-bit floats sit in the low bits of int32_data.
                var bits = new ushort[count];
                if (raw.IsEmpty)
                {
                    Expect(tensor.Int32Data.Count, count, what);
                    for (int i = 0; i < count; i++) bits[i] = (ushort)tensor.Int32Data[i];
                }
                else
                {
                    Expect(raw.Length, count * 2L, what, "bytes");
                    for (int i = 0; i < count; i++) bits[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw.Span[(i * 2)..]);
                }
                for (int i = 0; i < count; i++)
                {
                    values[i] = type == TensorProto.Types.DataType.Float16
                        ? (float)BitConverter.UInt16BitsToHalf(bits[i])
                        : BitConverter.Int32BitsToSingle(bits[i] << 16);
                }
                break;
            }
            default:
                throw new OnnxImportException($"{what} holds {TypeName(tensor.DataType)} values; the importer reads weights as FLOAT, DOUBLE, FLOAT16 or BFLOAT16");
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) throw new OnnxImportException($"{what} holds {values[i]} at index {i}; weights must be finite");
        }
        return values;
    }

    /// <summary>The values as integers (INT64 or INT32).</summary>
    public static long[] Integers(TensorProto tensor, string what)
    {
        int count = Count(tensor, what);
        var values = new long[count];
        ByteString raw = tensor.RawData;
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Int64 when raw.IsEmpty:
                Expect(tensor.Int64Data.Count, count, what);
                tensor.Int64Data.CopyTo(values, 0);
                break;
            case TensorProto.Types.DataType.Int64:
                Expect(raw.Length, count * 8L, what, "bytes");
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Span[(i * 8)..]);
                break;
            case TensorProto.Types.DataType.Int32 when raw.IsEmpty:
                Expect(tensor.Int32Data.Count, count, what);
                for (int i = 0; i < count; i++) values[i] = tensor.Int32Data[i];
                break;
            case TensorProto.Types.DataType.Int32:
                Expect(raw.Length, count * 4L, what, "bytes");
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw.Span[(i * 4)..]);
                break;
            default:
                throw new OnnxImportException($"{what} holds {TypeName(tensor.DataType)} values, not the INT64 it should");
        }
        return values;
    }

    /// <summary>The data type's name as ONNX spells it, for example <c>FLOAT</c>.</summary>
    public static string TypeName(int dataType) => Enum.IsDefined((TensorProto.Types.DataType)dataType)
        ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant()
        : "data type " + dataType;

    private static int Count(TensorProto tensor, string what)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            throw new OnnxImportException($"{what} keeps its data in an external file; the importer reads models that hold their weights");
        long count = 1;
        foreach (int dim in Shape(tensor, what))
        {
            count *= dim;
            if (count > Array.MaxLength) throw new OnnxImportException($"{what} has more than {Array.MaxLength} values");
        }
        return (int)count;
    }

    private static void Expect(long actual, long expected, string what, string unit = "values")
    {
        if (actual != expected) throw new OnnxImportException($"{what} has {actual} {unit} of data but its shape needs {expected}");
    }
}
