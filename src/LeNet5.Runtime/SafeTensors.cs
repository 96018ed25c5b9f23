using System.Buffers.Binary;
using System.Text.Json;

namespace LeNet5.Runtime;

/// <summary>
/// Reads and writes parameters in the safetensors format: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>, then the
/// raw little-endian data. Only <c>F32</c> tensors are supported. Uses <see cref="Utf8JsonWriter"/> and
/// <see cref="JsonDocument"/> only (trimming and NativeAOT safe).
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Saves atomically: writes a temporary file in the same folder, flushes it to disk, then moves it over
    /// <paramref name="path"/>, so a reader never sees a half-written checkpoint and a failed save leaves the old file.
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

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
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
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new CheckpointException($"{path}: cannot write the checkpoint: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Loads and validates a checkpoint against an architecture: the header parses, every expected tensor is present
    /// with the expected shape and dtype <c>F32</c>, there are no other tensors, data offsets lie within the data and
    /// match the shapes, and the file length matches the header. A checkpoint whose <c>__metadata__</c> names another
    /// architecture is refused.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="architecture">Architecture name used in messages.</param>
    /// <param name="tensors">The tensors the architecture expects.</param>
    /// <param name="parameterCount">Length of the flat parameter buffer to fill.</param>
    /// <exception cref="CheckpointException">Any problem; the message names the file and, where it applies, the tensor.</exception>
    public static Checkpoint Load(string path, string architecture, IReadOnlyList<ParameterTensor> tensors, int parameterCount)
    {
        byte[] bytes = ReadAll(path);
        string file = path;
        if (bytes.Length < 8) throw new CheckpointException($"{file}: not a safetensors file: {bytes.Length} bytes, shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength || 8 + (long)headerLength > bytes.Length)
        {
            throw new CheckpointException(
                $"{file}: not a safetensors file or truncated: the header length field says {headerLength} bytes but the file has {bytes.Length - 8} bytes after it");
        }
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var found = new Dictionary<string, (int[] Shape, long Begin, long End)>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{file}: the safetensors header must be a JSON object, not {document.RootElement.ValueKind}");
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(file, property.Value, metadata);
                    continue;
                }
                found[property.Name] = ReadTensorEntry(file, property.Name, property.Value, dataLength);
            }
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{file}: the safetensors header is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{file}: the safetensors header is not valid UTF-8 JSON: {e.Message}", e);
        }

        if (metadata.TryGetValue(Checkpoint.ArchitectureKey, out string? saved) && saved != architecture)
        {
            throw new CheckpointException(
                $"{file}: checkpoint was saved for architecture '{saved}' but is being loaded into '{architecture}'");
        }

        string[] unexpected = found.Keys.Where(name => !tensors.Any(t => t.Name == name)).ToArray();
        if (unexpected.Length > 0)
        {
            throw new CheckpointException(
                $"{file}: tensor{(unexpected.Length > 1 ? "s" : "")} {string.Join(", ", unexpected.Select(n => $"'{n}'"))} not in the architecture {architecture} (it has {string.Join(", ", tensors.Select(t => t.Name))})");
        }

        var parameters = new float[parameterCount];
        long covered = 0;
        foreach (ParameterTensor tensor in tensors)
        {
            if (!found.TryGetValue(tensor.Name, out var entry))
                throw new CheckpointException($"{file}: tensor '{tensor.Name}' {tensor.ShapeText} that the architecture {architecture} expects is missing");
            if (!entry.Shape.AsSpan().SequenceEqual(tensor.Shape))
            {
                throw new CheckpointException(
                    $"{file}: tensor '{tensor.Name}' has shape [{string.Join(", ", entry.Shape)}] but the architecture {architecture} expects {tensor.ShapeText}");
            }
            ReadOnlySpan<byte> data = bytes.AsSpan(dataStart + (int)entry.Begin, (int)(entry.End - entry.Begin));
            Span<float> destination = parameters.AsSpan(tensor.Offset, tensor.Length);
            for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
            covered = Math.Max(covered, entry.End);
        }
        if (covered != dataLength)
        {
            throw new CheckpointException(
                $"{file}: the file has {dataLength} bytes of tensor data but the header describes {covered}; the file is truncated or has trailing bytes");
        }
        return new Checkpoint(parameters, metadata);
    }

    private static (int[] Shape, long Begin, long End) ReadTensorEntry(string file, string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object) throw new CheckpointException($"{file}: header entry of tensor '{name}' is not an object");
        if (!entry.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new CheckpointException($"{file}: tensor '{name}' has no dtype");
        if (dtype.GetString() != "F32")
            throw new CheckpointException($"{file}: tensor '{name}' has dtype {dtype.GetString()}; only F32 is supported");
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
            elements = Math.Min(elements * value, long.MaxValue / 8);
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
        if (end - begin != elements * 4)
        {
            throw new CheckpointException(
                $"{file}: tensor '{name}' of shape [{string.Join(", ", shape)}] needs {elements * 4} bytes but its data_offsets {offsets.GetRawText()} span {end - begin}");
        }
        return (shape, begin, end);
    }

    private static void ReadMetadata(string file, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new CheckpointException($"{file}: {MetadataKey} must be an object of strings");
        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException($"{file}: {MetadataKey} entry '{entry.Name}' must be a string");
            metadata[entry.Name] = entry.Value.GetString()!;
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

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; the destination is untouched either way.
        }
    }
}
