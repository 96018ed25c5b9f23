using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[] RandomParameters(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void Round_trip_keeps_every_bit_and_the_metadata()
    {
        string path = _temp.File("sub/dir/model.safetensors");
        float[] parameters = RandomParameters(LeNet5Network.ParameterCount, 1);
        parameters[3] = float.Epsilon;
        parameters[4] = -0f;
        Checkpoint.Save<LeNet5Network>(path, parameters, new Dictionary<string, string> { ["epoch"] = "3" });
        Checkpoint loaded = Checkpoint.Load<LeNet5Network>(path);
        Assert.Equal(parameters.Select(BitConverter.SingleToInt32Bits), loaded.Parameters.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal("3", loaded.Metadata["epoch"]);
        Assert.Equal("LeNet5", loaded.Metadata["architecture"]);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left
    }

    [Fact]
    public void File_is_standard_safetensors()
    {
        string path = _temp.File("tiny.safetensors");
        float[] parameters = RandomParameters(TinyMlp.ParameterCount, 2);
        Checkpoint.Save<TinyMlp>(path, parameters);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.Equal(8 + headerLength + TinyMlp.ParameterCount * 4, bytes.Length);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        JsonElement outWeight = header.RootElement.GetProperty("out.weight");
        Assert.Equal("F32", outWeight.GetProperty("dtype").GetString());
        Assert.Equal([3, 8], outWeight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        long begin = outWeight.GetProperty("data_offsets")[0].GetInt64();
        Assert.Equal((128 + 8) * 4, begin);
        Assert.Equal(parameters[136], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + headerLength + begin))));
        Assert.Equal("TinyMlp", header.RootElement.GetProperty("__metadata__").GetProperty("architecture").GetString());
    }

    [Fact]
    public void Wrong_shape_names_the_file_tensor_and_both_shapes()
    {
        string path = _temp.File("checkpoint.safetensors");
        var tensors = LeNet5Network.Description.ParameterTensors.ToList();
        int extra = 2 * 25;
        tensors[0] = new ParameterTensor("c1.weight", 0, [8, 1, 5, 5]);
        for (int i = 1; i < tensors.Count; i++) tensors[i] = tensors[i] with { Offset = tensors[i].Offset + extra };
        SafeTensors.Save(path, tensors, new float[LeNet5Network.ParameterCount + extra]);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path));
        Assert.Equal($"{path}: tensor 'c1.weight' has shape [8, 1, 5, 5] but the architecture LeNet5 expects [6, 1, 5, 5]", error.Message);
    }

    [Fact]
    public void Unexpected_and_missing_names_are_refused()
    {
        string renamed = _temp.File("renamed.safetensors");
        var tensors = TinyMlp.Description.ParameterTensors.ToList();
        tensors[1] = tensors[1] with { Name = "hidden.offset" };
        SafeTensors.Save(renamed, tensors, new float[TinyMlp.ParameterCount]);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(renamed));
        Assert.Contains(renamed, error.Message);
        Assert.Contains("'hidden.offset' not in the architecture TinyMlp", error.Message);

        string missing = _temp.File("missing.safetensors");
        SafeTensors.Save(missing, TinyMlp.Description.ParameterTensors.Take(3).ToList(), new float[TinyMlp.ParameterCount]);
        error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(missing));
        Assert.Contains("tensor 'out.bias' [3] that the architecture TinyMlp expects is missing", error.Message);
    }

    [Fact]
    public void Checkpoint_of_another_architecture_is_refused()
    {
        string path = _temp.File("other.safetensors");
        SafeTensors.Save(path, TinyMlp.Description.ParameterTensors, new float[TinyMlp.ParameterCount], new Dictionary<string, string> { ["architecture"] = "Other" });
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Contains("'Other'", error.Message);
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        string path = _temp.File("truncated.safetensors");
        Checkpoint.Save<TinyMlp>(path, new float[TinyMlp.ParameterCount]);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);

        File.WriteAllBytes(path, bytes[..20]);
        error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Contains("truncated", error.Message);

        File.WriteAllBytes(path, bytes[..5]);
        error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Contains("not a safetensors file", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        string path = _temp.File("long.safetensors");
        Checkpoint.Save<TinyMlp>(path, new float[TinyMlp.ParameterCount]);
        File.AppendAllText(path, "garbage!");
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Contains("trailing", error.Message);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"hidden.weight\": {\"dtype\": \"I8\", \"shape\": [8, 16], \"data_offsets\": [0, 128]}}")]
    [InlineData("{\"hidden.weight\": {\"dtype\": \"F32\", \"shape\": [8, 16], \"data_offsets\": [0, 9999999]}}")]
    [InlineData("{\"hidden.weight\": {\"dtype\": \"F32\", \"shape\": [8, 16], \"data_offsets\": [0, 4]}}")]
    [InlineData("{\"hidden.weight\": {\"dtype\": \"F32\", \"shape\": \"big\", \"data_offsets\": [0, 512]}}")]
    public void Garbage_header_is_refused(string header)
    {
        string path = _temp.File("garbage.safetensors");
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 512];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.StartsWith(path + ":", error.Message);
    }

    [Fact]
    public void Missing_file_says_so()
    {
        string path = _temp.File("none.safetensors");
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void Save_over_an_existing_file_replaces_it_atomically()
    {
        string path = _temp.File("model.safetensors");
        float[] first = RandomParameters(TinyMlp.ParameterCount, 1), second = RandomParameters(TinyMlp.ParameterCount, 2);
        Checkpoint.Save<TinyMlp>(path, first);
        // A reader holding the old file keeps reading the old content: the save writes a new file and renames it over.
        using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            Checkpoint.Save<TinyMlp>(path, second);
            var old = new byte[reader.Length];
            reader.ReadExactly(old);
            Assert.Equal(File.ReadAllBytes(path).Length, old.Length);
            Assert.NotEqual(File.ReadAllBytes(path), old);
        }
        Assert.Equal(second, Checkpoint.Load<TinyMlp>(path).Parameters);
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Failed_save_leaves_the_previous_checkpoint_intact()
    {
        string path = _temp.File("model.safetensors");
        float[] good = RandomParameters(TinyMlp.ParameterCount, 1);
        Checkpoint.Save<TinyMlp>(path, good);
        // Too few parameters for the tensors: the save fails before anything replaces the file.
        Assert.ThrowsAny<ArgumentException>(() => Checkpoint.Save<TinyMlp>(path, new float[10]));
        Assert.Equal(good, Checkpoint.Load<TinyMlp>(path).Parameters);
        Assert.Single(Directory.GetFiles(_temp.Path));
    }
}
