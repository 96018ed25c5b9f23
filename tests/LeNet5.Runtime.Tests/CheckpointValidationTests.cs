using System.Buffers.Binary;
using System.Text;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// Checkpoints that would load into wrong numbers are refused, by every loader (file, bytes, in place, optimizer
/// state) and every console command that reads one, with one line naming the file and what is wrong.
/// </summary>
public sealed class CheckpointValidationTests : IDisposable
{
    // TinyMlp: hidden.weight [8, 16], hidden.bias [8], out.weight [3, 8], out.bias [3]; 163 floats, 652 bytes.
    private const string HiddenBias = "\"hidden.bias\": {\"dtype\": \"F32\", \"shape\": [8], \"data_offsets\": [512, 544]}";
    private const string OutWeight = "\"out.weight\": {\"dtype\": \"F32\", \"shape\": [3, 8], \"data_offsets\": [544, 640]}";
    private const string OutBias = "\"out.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [640, 652]}";
    private const string HiddenWeight = "\"hidden.weight\": {\"dtype\": \"F32\", \"shape\": [8, 16], \"data_offsets\": [0, 512]}";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] File(string header, int dataBytes = 652)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Header(params string[] entries) => "{" + string.Join(", ", entries) + "}";

    private static CheckpointException Refused(byte[] file) =>
        Assert.Throws<CheckpointException>(() => SafeTensors.Load(file, "x.safetensors", TinyMlp.Description.Name, TinyMlp.Description.ParameterTensors, TinyMlp.ParameterCount));

    [Fact]
    public void A_valid_handmade_file_loads()
    {
        Assert.Equal(TinyMlp.ParameterCount, SafeTensors.Load(File(Header(HiddenWeight, HiddenBias, OutWeight, OutBias)), "x", TinyMlp.Description.Name, TinyMlp.Description.ParameterTensors, TinyMlp.ParameterCount).Parameters.Length);
    }

    [Theory]
    // hidden.bias inside hidden.weight; the tail of the data then belongs to no tensor.
    [InlineData("\"hidden.bias\": {\"dtype\": \"F32\", \"shape\": [8], \"data_offsets\": [0, 32]}", "overlap tensor 'hidden.bias'")]
    [InlineData("\"hidden.bias\": {\"dtype\": \"F32\", \"shape\": [8], \"data_offsets\": [500, 532]}", "overlap tensor 'hidden.weight'")]
    public void Overlapping_tensors_are_refused(string bias, string expected)
    {
        CheckpointException error = Refused(File(Header(HiddenWeight, bias, OutWeight, OutBias)));
        Assert.StartsWith("x.safetensors: tensor '", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_gap_between_tensors_is_refused()
    {
        string bias = "\"hidden.bias\": {\"dtype\": \"F32\", \"shape\": [8], \"data_offsets\": [516, 548]}";
        string outWeight = "\"out.weight\": {\"dtype\": \"F32\", \"shape\": [3, 8], \"data_offsets\": [548, 644]}";
        string outBias = "\"out.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [644, 656]}";
        CheckpointException error = Refused(File(Header(HiddenWeight, bias, outWeight, outBias), 656));
        Assert.Contains("tensor 'hidden.bias' data_offsets [516, 548] leave a gap of 4 bytes after the end of tensor 'hidden.weight' (512)", error.Message);

        var one = new List<ParameterTensor> { new("a", 0, [2]) };
        byte[] late = File(Header("\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]}"), 16);
        error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(late, "x", "One", one, 2));
        Assert.Equal("x: tensor 'a' data_offsets [8, 16] leave a gap of 8 bytes after the start of the data; the tensors must cover the data without gaps", error.Message);
    }

    [Fact]
    public void An_unaligned_tensor_is_refused()
    {
        // One F16 value first puts every F32 tensor after it at an odd multiple of 2.
        var tensors = new List<ParameterTensor> { new("a", 0, [1]), new("b", 1, [2]) };
        string header = Header(
            "\"a\": {\"dtype\": \"F16\", \"shape\": [1], \"data_offsets\": [0, 2]}",
            "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [2, 10]}");
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(File(header, 10), "x", "Two", tensors, 3));
        Assert.Contains("tensor 'b' data_offsets [2, 10] start at a byte offset that is not a multiple of its F32 element size (4)", error.Message);
    }

    [Fact]
    public void Offsets_past_the_end_are_refused()
    {
        string outBias = "\"out.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [640, 652]}";
        CheckpointException error = Refused(File(Header(HiddenWeight, HiddenBias, OutWeight, outBias), 648));
        Assert.Equal("x.safetensors: tensor 'out.bias' data_offsets [640, 652] go past the end of the data (648 bytes); the file is truncated", error.Message);
    }

    [Theory]
    [InlineData("tensor", "the safetensors header lists tensor 'hidden.bias' twice; each tensor must appear once")]
    [InlineData("metadata", "the safetensors header has __metadata__ twice")]
    [InlineData("metadata key", "__metadata__ has the key 'architecture' twice")]
    [InlineData("entry key", "the header entry of tensor 'out.bias' has the key 'data_offsets' twice")]
    public void Duplicate_keys_are_refused(string where, string expected)
    {
        string header = where switch
        {
            "tensor" => Header(HiddenWeight, "\"hidden.bias\": {\"dtype\": \"F32\", \"shape\": [8], \"data_offsets\": [0, 32]}", HiddenBias, OutWeight, OutBias),
            "metadata" => Header("\"__metadata__\": {}", HiddenWeight, HiddenBias, OutWeight, OutBias, "\"__metadata__\": {}"),
            "metadata key" => Header("\"__metadata__\": {\"architecture\": \"TinyMlp\", \"architecture\": \"Other\"}", HiddenWeight, HiddenBias, OutWeight, OutBias),
            _ => Header(HiddenWeight, HiddenBias, OutWeight, "\"out.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12], \"data_offsets\": [640, 652]}"),
        };
        Assert.Equal("x.safetensors: " + expected, Refused(File(header)).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xff })]
    [InlineData(new byte[] { 0xc3 })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })] // an encoded surrogate
    public void Invalid_utf8_in_the_header_names_the_file(byte[] bad)
    {
        byte[] file = File(Header(HiddenWeight, HiddenBias, OutWeight, OutBias));
        int at = 8 + 2; // inside the first tensor name
        bad.CopyTo(file, at);
        string path = _temp.File("utf8.safetensors");
        System.IO.File.WriteAllBytes(path, file);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Equal($"{path}: the safetensors header is not valid UTF-8 (byte {at} of the file); the file is corrupt or not a safetensors file", error.Message);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_refused()
    {
        string header = Header("\"__metadata__\": {\"note\": \"\\ud800\"}", HiddenWeight, HiddenBias, OutWeight, OutBias);
        Assert.Contains("not valid text", Refused(File(header)).Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_values_name_the_tensor_and_index(float value, string text)
    {
        string path = _temp.File("nan.safetensors");
        var parameters = new float[TinyMlp.ParameterCount];
        parameters[128 + 8 + 13] = value; // out.weight[1, 5]
        parameters[160] = value; // a later one is not the first
        Checkpoint.Save<TinyMlp>(path, parameters);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(path));
        Assert.Equal($"{path}: tensor 'out.weight' holds {text} at index 13 ([1, 5]), its first non-finite value; the checkpoint is corrupt or was saved from a diverged run", error.Message);

        // Read in place (embedded weights) too.
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        error = Assert.Throws<CheckpointException>(() => SafeTensors.FindFlatData(bytes, "embedded", TinyMlp.Description.Name, TinyMlp.Description.ParameterTensors, TinyMlp.ParameterCount));
        Assert.Contains("tensor 'out.weight' holds", error.Message);
    }

    [Fact]
    public void A_double_too_large_for_float_is_refused_not_made_infinite()
    {
        var tensors = new List<ParameterTensor> { new("a", 0, [2, 3]) };
        byte[] file = File(Header("\"a\": {\"dtype\": \"F64\", \"shape\": [2, 3], \"data_offsets\": [0, 48]}"), 48);
        BinaryPrimitives.WriteDoubleLittleEndian(file.AsSpan(file.Length - 16), -1e300);
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(file, "x", "One", tensors, 6));
        Assert.Equal("x: tensor 'a' holds -1E+300 at index 4 ([1, 1]), beyond float's range (3.4028235E+38); it cannot be loaded as F32", error.Message);
    }

    [Fact]
    public void Non_finite_optimizer_state_is_refused()
    {
        string path = _temp.File("state.optimizer.safetensors");
        var optimizer = new SgdOptimizer(TinyMlp.ParameterCount, 0.1f, 0.9f);
        optimizer.StateBuffers[0].Buffer[3] = float.NaN;
        OptimizerCheckpoint.Save<TinyMlp>(path, OptimizerKind.Sgd, optimizer);
        var error = Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load<TinyMlp>(path, OptimizerKind.Sgd, new SgdOptimizer(TinyMlp.ParameterCount, 0.1f, 0.9f)));
        Assert.StartsWith($"{path}: tensor 'hidden.weight.momentum_buffer' holds NaN at index 3", error.Message);
    }

    [Fact]
    public void A_folder_is_not_access_denied()
    {
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyMlp>(_temp.Path));
        Assert.Equal($"{_temp.Path}: is a folder, not a checkpoint file; give the path of a .safetensors file", error.Message);
    }

    [Fact]
    public void A_huge_shape_does_not_overflow()
    {
        string header = Header("\"hidden.weight\": {\"dtype\": \"F32\", \"shape\": [2147483647, 2147483647, 2147483647], \"data_offsets\": [0, 512]}", HiddenBias, OutWeight, OutBias);
        Assert.Contains("needs", Refused(File(header)).Message);
    }

    [Fact]
    public void Every_command_refuses_a_bad_checkpoint_in_one_line()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(1));
        parameters[7] = float.NaN;
        string nan = _temp.File("nan.safetensors");
        Checkpoint.Save<LeNet5Network>(nan, parameters);
        string overlap = _temp.File("overlap.safetensors");
        byte[] bytes = System.IO.File.ReadAllBytes(nan);
        string text = Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        // c1.bias [600, 624] moved to [0, 24], inside c1.weight, with the header kept at the same length.
        string moved = text.Replace("\"data_offsets\":[600,624]", "\"data_offsets\":[0,24]    ");
        Assert.NotEqual(text, moved);
        Encoding.UTF8.GetBytes(moved).CopyTo(bytes, 8);
        System.IO.File.WriteAllBytes(overlap, bytes);

        foreach (string checkpoint in new[] { nan, overlap, _temp.Path })
        {
            string expected = checkpoint == nan ? "tensor 'c1.weight' holds NaN at index 7" : checkpoint == overlap ? "overlap" : "is a folder";
            string[][] commands =
            [
                ["evaluate", "--checkpoint", checkpoint, "--data", TestData.MnistFolder],
                ["infer", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--index", "0"],
                ["export", "onnx", "--checkpoint", checkpoint, "--output", _temp.File("model.onnx")],
            ];
            foreach (string[] command in commands)
            {
                var stderr = new StringWriter();
                Assert.Equal(1, Lenet5Console.Run(command, TextWriter.Null, stderr));
                string line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith($"lenet5: error: {checkpoint}: ", line);
                Assert.Contains(expected, line);
            }
        }
        Assert.False(System.IO.File.Exists(_temp.File("model.onnx")));
    }
}
