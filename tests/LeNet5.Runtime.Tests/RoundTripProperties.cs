using System.Runtime.InteropServices;
using CsCheck;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Tests;

/// <summary>CsCheck properties: what is saved loads back bit for bit, for random tensors, values and metadata.</summary>
public sealed class RoundTripProperties : IDisposable
{
    // Every finite float, subnormals and -0 included (NaN and infinities are refused on load by design).
    private static readonly Gen<float> FiniteFloat = Gen.Int.Select(BitConverter.Int32BitsToSingle).Where(float.IsFinite);

    // Text with quotes, backslashes, control and non-ASCII characters, which the JSON header must escape.
    private static readonly Gen<string> Text = Gen.Char['\u0000', '\uD7FF'].Array[0, 12].Select(chars => new string(chars));

    private static readonly Gen<Dictionary<string, string>> Metadata =
        Gen.Select(Text.Where(k => k != Checkpoint.ArchitectureKey).ArrayUnique[0, 4], Text.Array[4, 4])
            .Select((keys, values) => keys.Select((key, i) => (key, values[i])).ToDictionary(e => e.key, e => e.Item2));

    // One to five tensors of rank one to three, named by any text but the metadata key, laid out one after another.
    private static readonly Gen<ParameterTensor[]> Tensors =
        Gen.Select(Gen.Int[1, 4].Array[1, 3].Array[1, 5], Text.Where(n => n != "__metadata__").ArrayUnique[5, 5])
            .Select((shapes, names) =>
            {
                int offset = 0;
                return shapes.Select((shape, i) =>
                {
                    var tensor = new ParameterTensor(names[i], offset, shape);
                    offset += tensor.Length;
                    return tensor;
                }).ToArray();
            });

    private static readonly Gen<(ParameterTensor[], float[], Dictionary<string, string>)> Files =
        Gen.Select(Tensors, Metadata).SelectMany((tensors, metadata) =>
            FiniteFloat.Array[tensors.Sum(t => t.Length)].Select(values => (tensors, values, metadata)));

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Bits(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Fact]
    public void SafeTensors_of_random_tensors_load_back_bit_for_bit()
    {
        string path = _temp.File("random.safetensors");
        Files.Sample((tensors, values, metadata) =>
        {
            SafeTensors.Save(path, tensors, values, metadata);
            Checkpoint loaded = SafeTensors.Load(path, "Random", tensors, values.Length);
            Assert.Equal(Bits(values), Bits(loaded.Parameters));
            Assert.Equal(metadata.OrderBy(e => e.Key, StringComparer.Ordinal), loaded.Metadata.OrderBy(e => e.Key, StringComparer.Ordinal));
        }, seed: "0N0XIzNsQ0O2", iter: 200, threads: 1);
    }

    [Fact]
    public void Checkpoints_of_random_parameters_load_back_bit_for_bit_with_their_hash()
    {
        string path = _temp.File("tiny.safetensors");
        Gen.Select(FiniteFloat.Array[TinyMlp.ParameterCount], Metadata).Sample((parameters, metadata) =>
        {
            Checkpoint.Save<TinyMlp>(path, parameters, metadata);
            Checkpoint loaded = Checkpoint.Load<TinyMlp>(path);
            Assert.Equal(Bits(parameters), Bits(loaded.Parameters));
            Assert.Equal(Checkpoint.ContentHash(parameters), loaded.Metadata[Checkpoint.ContentHashKey]);
            Assert.Equal(TinyMlp.Description.Name, loaded.Metadata[Checkpoint.ArchitectureKey]);
            foreach ((string key, string value) in metadata.Where(e => e.Key is not (Checkpoint.ContentHashKey or "parameter_count")))
                Assert.Equal(value, loaded.Metadata[key]);
        }, seed: "0N0XIzNsQ0O2", iter: 100, threads: 1);
    }

    // A console recipe: optimizer, batch size, seed, distortions, epochs in all and the epoch the first run stops at.
    private static readonly Gen<(string Optimizer, int Batch, int Seed, bool Distort, int Epochs, int StopAt)> Runs =
        Gen.Select(Gen.Int[0, 2].Select(i => new[] { "sgd", "adam", "sdlm" }[i]), Gen.Int[0, 2].Select(i => 16 << i), Gen.Int[1, 1000], Gen.Bool, Gen.Int[2, 3])
            .SelectMany((optimizer, batch, seed, distort, epochs) =>
                Gen.Int[1, epochs - 1].Select(stopAt => (optimizer, batch, seed, distort, epochs, stopAt)));

    [Fact]
    public void A_console_run_stopped_after_any_epoch_resumes_to_the_uninterrupted_weights_and_history()
    {
        int sample = 0;
        Runs.Sample(run =>
        {
            string folder = $"run{++sample}";
            string[] recipe =
            [
                "train", "--data", TestData.MnistFolder, "--limit", "400", "--validation", "200", "--threads", "2",
                "--optimizer", run.Optimizer, "--batch-size", run.Batch.ToString(), "--seed", run.Seed.ToString(), "--distort", run.Distort ? "true" : "false",
                // sdlm's architecture default is tuned for the paper network; a small step keeps every recipe finite.
                .. run.Optimizer == "sdlm" ? new[] { "--lr", "0.0005" } : [],
            ];
            string straight = _temp.File(folder + "/straight/model.safetensors"), resumed = _temp.File(folder + "/resumed/model.safetensors");
            // A run's error output goes into the failure message, so that a failure says why.
            var error = new StringWriter();
            Assert.True(Lenet5Console.Run([.. recipe, "--epochs", run.Epochs.ToString(), "--output", straight], TextWriter.Null, error) == 0, error.ToString());
            Assert.True(Lenet5Console.Run([.. recipe, "--epochs", run.StopAt.ToString(), "--output", resumed], TextWriter.Null, error) == 0, error.ToString());
            Assert.True(Lenet5Console.Run([.. recipe, "--epochs", run.Epochs.ToString(), "--output", resumed, "--resume"], TextWriter.Null, error) == 0, error.ToString());

            Assert.Equal(Bits(Checkpoint.Load<LeNet5.Model.LeNet5Network>(straight).Parameters), Bits(Checkpoint.Load<LeNet5.Model.LeNet5Network>(resumed).Parameters));
            Assert.Equal(File.ReadAllBytes(OptimizerCheckpoint.PathFor(straight)).Length, File.ReadAllBytes(OptimizerCheckpoint.PathFor(resumed)).Length);
            // Epoch, losses and accuracy agree; images/s and seconds are timings.
            static string[] Rows(string checkpoint) =>
                [.. File.ReadAllLines(LeNet5.Cli.TrainingHistory.CsvPath(checkpoint)).Select(l => string.Join(',', l.Split(',')[..4]))];
            Assert.Equal(Rows(straight), Rows(resumed));
        }, seed: "0N0XIzNsQ0O2", iter: 4, threads: 1);
    }
}
