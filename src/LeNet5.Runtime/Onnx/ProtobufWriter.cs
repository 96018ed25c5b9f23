using System.Buffers.Binary;
using System.Text;

namespace LeNet5.Runtime.Onnx;

/// <summary>
/// A minimal writer of the protobuf wire format (varints, length-delimited fields, fixed32 floats): enough to write
/// ONNX's <c>ModelProto</c> without a protobuf dependency. Nested messages are written into their own writer and
/// added with <see cref="Message"/>.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly MemoryStream _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>An <c>int32</c>, <c>int64</c> or enum field.</summary>
    public ProtobufWriter Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint((ulong)value);
        return this;
    }

    /// <summary>A <c>float</c> field.</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>A <c>string</c> field (UTF-8).</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A <c>bytes</c> field.</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>An embedded message field.</summary>
    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.ToArray());

    /// <summary>A packed <c>repeated int64</c> field.</summary>
    public ProtobufWriter PackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtobufWriter();
        foreach (long value in values) packed.Varint((ulong)value);
        return Bytes(field, packed.ToArray());
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
