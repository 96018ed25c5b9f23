using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace LeNet5.Runtime.Checkpoints;

/// <summary>
/// Reads and writes parameters in the safetensors format: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>, then the
/// raw little-endian data. Writes <c>F32</c>; reads parameters stored as <c>F32</c>, <c>F16</c>, <c>BF16</c> and
/// <c>F64</c> (other dtypes only in tensors a <see cref="StateDictImport"/> skips). Uses <see cref="Utf8JsonWriter"/> and
/// <see cref="JsonDocument"/> only (trimming and NativeAOT safe).
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Saves atomically (<see cref="AtomicFile"/>): a reader never sees a half-written checkpoint and a failed save
    /// leaves the old file.
    /// </summary>
    /// <param name="path">Destination file; its folder is created if needed.</param>
    /// <param name="tensors">Names, offsets in <paramref name="parameters"/>, and shapes.</param>
    /// <param name="parameters">The flat parameter buffer.</param>
    /// <param name="metadata">String entries written under <c>__metadata__</c>.</param>
    /// <exception cref="CheckpointException">The file cannot be written.</exception>
    public static void Save(string path, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        byte[] header = BuildHeader(tensors, metadata, out long dataLength);
        foreach (ParameterTensor tensor in tensors)
        {
            if (tensor.Offset < 0 || tensor.Offset + tensor.Length > parameters.Length)
                throw new ArgumentException($"tensor '{tensor.Name}' at {tensor.Offset} with {tensor.Length} values lies outside the {parameters.Length} parameters", nameof(tensors));
        }

        try
        {
            using AtomicFile file = AtomicFile.Create(path);
            FileStream stream = file.Stream;
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            byte[] buffer = new byte[4096];
            foreach (ParameterTensor tensor in tensors)
            {
                ReadOnlySpan<float> values = parameters.Slice(tensor.Offset, tensor.Length);
                while (!values.IsEmpty)
                {
                    int n = Math.Min(values.Length, buffer.Length / 4);
                    for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), values[i]);
                    stream.Write(buffer, 0, n * 4);
                    values = values[n..];
                }
            }
            if (stream.Length != 8 + header.Length + dataLength) throw new InvalidOperationException("checkpoint length does not match its header");
            file.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot write the checkpoint: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads and validates a checkpoint against an architecture: the header is UTF-8 JSON without duplicate keys, every
    /// expected tensor is present once with the expected shape, there are no other tensors, the tensors' data offsets
    /// match their shapes and dtypes, are aligned to their element size and tile the data exactly (no overlap, no gap,
    /// nothing past the end or after the last tensor), and every value is finite. Tensors may be stored in any order (PyTorch's <c>save_file</c>
    /// sorts them by name) and as <c>F32</c>, <c>F16</c>, <c>BF16</c> or <c>F64</c> (converted to the nearest float; an
    /// <c>F64</c> value beyond float's range is refused rather than made infinite). A checkpoint
    /// whose <c>__metadata__</c> names another architecture is refused; other metadata (such as PyTorch's
    /// <c>{"format": "pt"}</c>) is kept.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="architecture">Architecture name used in messages.</param>
    /// <param name="tensors">The tensors the architecture expects.</param>
    /// <param name="parameterCount">Length of the flat parameter buffer to fill.</param>
    /// <exception cref="CheckpointException">Any problem; the message names the file and, where it applies, the tensor.</exception>
    public static Checkpoint Load(string path, string architecture, IReadOnlyList<ParameterTensor> tensors, int parameterCount)
        => Load(ReadAll(path), path, architecture, tensors, parameterCount, StateDictImport.Exact);

    /// <summary>
    /// Loads a <c>state_dict</c> whose tensor names differ from the architecture's, or that holds other tensors too, as
    /// <paramref name="import"/> says (see <see cref="Load(string, string, IReadOnlyList{ParameterTensor}, int)"/> for
    /// every other check); <see cref="Checkpoint.IgnoredTensors"/> lists what was skipped.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="architecture">Architecture name used in messages.</param>
    /// <param name="tensors">The tensors the architecture expects.</param>
    /// <param name="parameterCount">Length of the flat parameter buffer to fill.</param>
    /// <param name="import">The renames, and whether to skip tensors the architecture does not have.</param>
    /// <exception cref="CheckpointException">Any problem; the message names the file and, where it applies, the tensor.</exception>
    public static Checkpoint Load(string path, string architecture, IReadOnlyList<ParameterTensor> tensors, int parameterCount, StateDictImport import)
        => Load(ReadAll(path), path, architecture, tensors, parameterCount, import);

    /// <summary>Loads and validates safetensors bytes already in memory (see <see cref="Load(string, string, IReadOnlyList{ParameterTensor}, int)"/>).</summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">Where the bytes come from, used in messages.</param>
    /// <param name="architecture">Architecture name used in messages.</param>
    /// <param name="tensors">The tensors the architecture expects.</param>
    /// <param name="parameterCount">Length of the flat parameter buffer to fill.</param>
    /// <exception cref="CheckpointException">Any problem; the message names the source and, where it applies, the tensor.</exception>
    public static Checkpoint Load(ReadOnlySpan<byte> file, string source, string architecture, IReadOnlyList<ParameterTensor> tensors, int parameterCount)
        => Load(file, source, architecture, tensors, parameterCount, StateDictImport.Exact);

    /// <summary>Loads safetensors bytes already in memory as <paramref name="import"/> says (see <see cref="Load(string, string, IReadOnlyList{ParameterTensor}, int, StateDictImport)"/>).</summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">Where the bytes come from, used in messages.</param>
    /// <param name="architecture">Architecture name used in messages.</param>
    /// <param name="tensors">The tensors the architecture expects.</param>
    /// <param name="parameterCount">Length of the flat parameter buffer to fill.</param>
    /// <param name="import">The renames, and whether to skip tensors the architecture does not have.</param>
    /// <exception cref="CheckpointException">Any problem; the message names the source and, where it applies, the tensor.</exception>
    public static Checkpoint Load(ReadOnlySpan<byte> file, string source, string architecture, IReadOnlyList<ParameterTensor> tensors, int parameterCount, StateDictImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        Header header = Validate(file, source, architecture, tensors, import);
        var parameters = new float[parameterCount];
        foreach (ParameterTensor tensor in tensors)
        {
            TensorEntry entry = header.Tensors[tensor.Name];
            ReadOnlySpan<byte> data = file.Slice(header.DataStart + (int)entry.Begin, (int)(entry.End - entry.Begin));
            Span<float> values = parameters.AsSpan(tensor.Offset, tensor.Length);
            string name = StateDictImport.Described(header.Sources[tensor.Name], tensor.Name);
            Convert(source, name, tensor.Shape, entry.DType, data, values);
            CheckFinite(source, name, tensor.Shape, values);
        }
        return new Checkpoint(parameters, header.Metadata) { IgnoredTensors = header.Ignored };
    }

    /// <summary>
    /// Validates safetensors bytes like <see cref="Load(ReadOnlySpan{byte}, string, string, IReadOnlyList{ParameterTensor}, int)"/>
    /// without copying the tensors, and tells where they can be read in place: the byte offset in <paramref name="file"/>
    /// at which the <paramref name="parameterCount"/> floats of the flat parameter buffer lie contiguously (every tensor
    /// <c>F32</c> at its flat offset, as <see cref="Save"/> writes them), or -1 when the tensors are stored in another
    /// order or dtype and must be loaded with a copy. The values are checked for finiteness when they can be read in
    /// place (<see cref="Load(ReadOnlySpan{byte}, string, string, IReadOnlyList{ParameterTensor}, int)"/> checks them otherwise).
    /// </summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">Where the bytes come from, used in messages.</param>
    /// <param name="architecture">Architecture name used in messages.</param>
    /// <param name="tensors">The tensors the architecture expects.</param>
    /// <param name="parameterCount">Length of the flat parameter buffer.</param>
    /// <exception cref="CheckpointException">The bytes are not a valid checkpoint of the architecture.</exception>
    public static int FindFlatData(ReadOnlySpan<byte> file, string source, string architecture, IReadOnlyList<ParameterTensor> tensors, int parameterCount)
    {
        Header header = Validate(file, source, architecture, tensors, StateDictImport.Exact);
        foreach (ParameterTensor tensor in tensors)
        {
            TensorEntry entry = header.Tensors[tensor.Name];
            if (entry.DType != "F32" || entry.Begin != tensor.Offset * 4L) return -1;
        }
        if (header.DataLength != parameterCount * 4L) return -1;
        var values = new float[tensors.Count == 0 ? 0 : tensors.Max(t => t.Length)];
        foreach (ParameterTensor tensor in tensors)
        {
            Span<float> tensorValues = values.AsSpan(0, tensor.Length);
            string name = $"'{tensor.Name}'";
            Convert(source, name, tensor.Shape, "F32", file.Slice(header.DataStart + tensor.Offset * 4, tensor.Length * 4), tensorValues);
            CheckFinite(source, name, tensor.Shape, tensorValues);
        }
        return header.DataStart;
    }

    private sealed record TensorEntry(string DType, int[] Shape, long Begin, long End);

    /// <summary>A validated header: <c>Tensors</c> holds each architecture tensor's entry by the architecture's name,
    /// <c>Sources</c> its name in the file, <c>Ignored</c> the file's tensors that were skipped.</summary>
    private sealed record Header(
        int DataStart, long DataLength, Dictionary<string, TensorEntry> Tensors, Dictionary<string, string> Sources, List<string> Ignored, Dictionary<string, string> Metadata);

    private static Header Validate(ReadOnlySpan<byte> bytes, string file, string architecture, IReadOnlyList<ParameterTensor> tensors, StateDictImport import)
    {
        if (bytes.Length < 8) throw new CheckpointException($"{file}: not a safetensors file: {bytes.Length} bytes, shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength || 8 + (long)headerLength > bytes.Length)
        {
            throw new CheckpointException(
                $"{file}: not a safetensors file or truncated: the header length field says {headerLength} bytes but the file has {bytes.Length - 8} bytes after it");
        }
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        ReadOnlySpan<byte> json = bytes.Slice(8, (int)headerLength);
        int invalid = FirstInvalidUtf8(json);
        if (invalid >= 0)
            throw new CheckpointException($"{file}: the safetensors header is not valid UTF-8 (byte {8 + invalid} of the file); the file is corrupt or not a safetensors file");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var found = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        bool metadataSeen = false;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{file}: the safetensors header must be a JSON object, not {document.RootElement.ValueKind}");
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                // JsonDocument keeps every duplicate and lookups pick one of them: refuse them rather than guess.
                if (property.Name == MetadataKey)
                {
                    if (metadataSeen) throw new CheckpointException($"{file}: the safetensors header has {MetadataKey} twice");
                    metadataSeen = true;
                    ReadMetadata(file, property.Value, metadata);
                    continue;
                }
                if (found.ContainsKey(property.Name))
                    throw new CheckpointException($"{file}: the safetensors header lists tensor '{property.Name}' twice; each tensor must appear once");
                found[property.Name] = ReadTensorEntry(file, property.Name, property.Value, dataLength);
            }
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{file}: the safetensors header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // A string escape that is not valid UTF-16, such as a lone surrogate.
            throw new CheckpointException($"{file}: the safetensors header holds a string that is not valid text: {e.Message}", e);
        }

        if (metadata.TryGetValue(Checkpoint.ArchitectureKey, out string? saved) && saved != architecture)
        {
            throw new CheckpointException(
                $"{file}: checkpoint was saved for architecture '{saved}' but is being loaded into '{architecture}'");
        }

        (Dictionary<string, string> sources, List<string> ignored) = import.Match(file, found.Keys, tensors, architecture);
        var entries = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        foreach (ParameterTensor tensor in tensors)
        {
            if (!sources.TryGetValue(tensor.Name, out string? source))
                throw new CheckpointException($"{file}: tensor '{tensor.Name}' {tensor.ShapeText} that the architecture {architecture} expects is missing");
            TensorEntry entry = found[source];
            string name = StateDictImport.Described(source, tensor.Name);
            if (!entry.Shape.AsSpan().SequenceEqual(tensor.Shape))
            {
                throw new CheckpointException(
                    $"{file}: tensor {name} has shape [{string.Join(", ", entry.Shape)}] but the architecture {architecture} expects {tensor.ShapeText}");
            }
            if (!IsFloat(entry.DType))
                throw new CheckpointException($"{file}: tensor {name} has dtype {entry.DType}; parameters are read from F32, F16, BF16 and F64");
            entries[tensor.Name] = entry;
        }
        CheckLayout(file, found, dataLength);
        return new Header(dataStart, dataLength, entries, sources, ignored, metadata);
    }

    /// <summary>
    /// The tensors must tile the data section exactly, as the reference implementation requires: sorted by offset,
    /// each starts where the previous one ends (an overlap would let two tensors share bytes, a gap hides bytes that
    /// belong to none), at a multiple of its element size, and the last one ends where the file does.
    /// </summary>
    private static void CheckLayout(string file, Dictionary<string, TensorEntry> entries, long dataLength)
    {
        long end = 0;
        string? previous = null;
        foreach ((string name, TensorEntry entry) in entries.OrderBy(e => e.Value.Begin).ThenBy(e => e.Value.End))
        {
            string offsets = $"data_offsets [{entry.Begin}, {entry.End}]";
            if (entry.Begin < end)
                throw new CheckpointException($"{file}: tensor '{name}' {offsets} overlap tensor '{previous}', which ends at {end}; each tensor must have bytes of its own");
            if (entry.Begin > end)
            {
                string after = previous is null ? "the start of the data" : $"the end of tensor '{previous}' ({end})";
                throw new CheckpointException($"{file}: tensor '{name}' {offsets} leave a gap of {entry.Begin - end} bytes after {after}; the tensors must cover the data without gaps");
            }
            int size = DTypeSize(entry.DType);
            if (entry.Begin % size != 0)
                throw new CheckpointException($"{file}: tensor '{name}' {offsets} start at a byte offset that is not a multiple of its {entry.DType} element size ({size})");
            end = entry.End;
            previous = name;
        }
        if (end != dataLength)
        {
            throw new CheckpointException(
                $"{file}: the file has {dataLength} bytes of tensor data but the header describes {end}; the file is truncated or has trailing bytes");
        }
    }

    /// <summary>A NaN or infinity in a checkpoint is refused: it would only spread through every later result.</summary>
    /// <param name="file">The file, for the message.</param>
    /// <param name="name">The tensor as the message names it.</param>
    /// <param name="shape">Its shape, to say where the value is.</param>
    /// <param name="values">Its values.</param>
    private static void CheckFinite(string file, string name, int[] shape, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float value = values[i];
            if (float.IsFinite(value)) continue;
            string text = float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
            throw new CheckpointException(
                $"{file}: tensor {name} holds {text} at index {i} ({IndexText(shape, i)}), its first non-finite value; the checkpoint is corrupt or was saved from a diverged run");
        }
    }

    /// <summary>Flat index <paramref name="index"/> of a row-major tensor as <c>[i, j, ...]</c>.</summary>
    private static string IndexText(int[] shape, int index)
    {
        var indices = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            indices[d] = shape[d] == 0 ? 0 : index % shape[d];
            index = shape[d] == 0 ? index : index / shape[d];
        }
        return "[" + string.Join(", ", indices) + "]";
    }

    /// <summary>The index of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int index = 0;
        while (index < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[index..], out _, out int consumed) != OperationStatus.Done) return index;
            index += consumed;
        }
        return -1;
    }

    /// <summary>The element size of a safetensors dtype, or 0 for one this reader does not know.</summary>
    private static int DTypeSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "BOOL" or "U8" or "I8" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static bool IsFloat(string dtype) => dtype is "F32" or "F16" or "BF16" or "F64";

    /// <summary>Converts little-endian values of a float dtype to float; an F64 value beyond float's range is refused.</summary>
    private static void Convert(string file, string name, int[] shape, string dtype, ReadOnlySpan<byte> data, Span<float> destination)
    {
        switch (dtype)
        {
            case "F32":
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
                break;
            case "F16":
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(data[(i * 2)..]);
                break;
            case "BF16":
                for (int i = 0; i < destination.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]) << 16);
                break;
            default:
                for (int i = 0; i < destination.Length; i++)
                {
                    double value = BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
                    // A finite double this large would round to infinity; NaN and infinities are left to CheckFinite.
                    if (double.IsFinite(value) && Math.Abs(value) > float.MaxValue)
                    {
                        throw new CheckpointException(
                            $"{file}: tensor {name} holds {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} at index {i} ({IndexText(shape, i)}), beyond float's range (3.4028235E+38); it cannot be loaded as F32");
                    }
                    destination[i] = (float)value;
                }
                break;
        }
    }

    private static TensorEntry ReadTensorEntry(string file, string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object) throw new CheckpointException($"{file}: header entry of tensor '{name}' is not an object");
        RejectDuplicateKeys(file, entry, $"the header entry of tensor '{name}'");
        if (!entry.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new CheckpointException($"{file}: tensor '{name}' has no dtype");
        string dtype = dtypeElement.GetString()!;
        int elementSize = DTypeSize(dtype);
        if (elementSize == 0)
            throw new CheckpointException($"{file}: tensor '{name}' has dtype {dtype}, which this reader does not know; parameters are read from F32, F16, BF16 and F64");
        if (!entry.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new CheckpointException($"{file}: tensor '{name}' has no shape array");
        var shape = new int[shapeElement.GetArrayLength()];
        long elements = 1;
        int k = 0;
        foreach (JsonElement dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out int value) || value < 0)
                throw new CheckpointException($"{file}: tensor '{name}' has an invalid shape {shapeElement.GetRawText()}");
            shape[k++] = value;
            // Saturates instead of overflowing; no file can hold that much data anyway.
            elements = value != 0 && elements > long.MaxValue / 8 / value ? long.MaxValue / 8 : elements * value;
        }
        if (!entry.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new CheckpointException($"{file}: tensor '{name}' has no data_offsets [begin, end]");
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new CheckpointException($"{file}: tensor '{name}' has invalid data_offsets {offsets.GetRawText()}");
        if (end > dataLength)
        {
            throw new CheckpointException(
                $"{file}: tensor '{name}' data_offsets {offsets.GetRawText()} go past the end of the data ({dataLength} bytes); the file is truncated");
        }
        if (end - begin != elements * elementSize)
        {
            throw new CheckpointException(
                $"{file}: tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dtype} needs {elements * elementSize} bytes but its data_offsets {offsets.GetRawText()} span {end - begin}");
        }
        return new TensorEntry(dtype, shape, begin, end);
    }

    private static void ReadMetadata(string file, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new CheckpointException($"{file}: {MetadataKey} must be an object of strings");
        RejectDuplicateKeys(file, element, MetadataKey);
        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException($"{file}: {MetadataKey} entry '{entry.Name}' must be a string");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static void RejectDuplicateKeys(string file, JsonElement element, string what)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!keys.Add(property.Name)) throw new CheckpointException($"{file}: {what} has the key '{property.Name}' twice");
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<ParameterTensor> tensors, IReadOnlyDictionary<string, string>? metadata, out long dataLength)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> entry in metadata.OrderBy(e => e.Key, StringComparer.Ordinal)) writer.WriteString(entry.Key, entry.Value);
                writer.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (ParameterTensor tensor in tensors)
            {
                if (tensor.Name == MetadataKey || !names.Add(tensor.Name)) throw new ArgumentException($"duplicate or reserved tensor name '{tensor.Name}'", nameof(tensors));
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape) writer.WriteNumberValue(dimension);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += tensor.Length * 4L;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            dataLength = offset;
        }
        // Pad with spaces to a multiple of 8 bytes so the data is aligned, as the reference implementation does.
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static byte[] ReadAll(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CheckpointException("the checkpoint path is empty; give the path of a .safetensors file");
        // Reading a folder fails with "access denied" on Linux, which sends the user looking at permissions.
        if (Directory.Exists(path)) throw new CheckpointException($"{path}: is a folder, not a checkpoint file; give the path of a .safetensors file");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new CheckpointException($"{path}: checkpoint not found; train one with 'lenet5 train --output {path}'", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CheckpointException($"{path}: checkpoint not found (the folder does not exist)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot read the checkpoint: {e.Message}", e);
        }
    }
}
