using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli.Commands;

/// <summary>
/// <c>benchmark</c>: the network's speed on this machine as <c>key=value</c> lines, beside the machine's own limit (a
/// loop of independent FMAs), on synthetic data so that it needs no download.
/// </summary>
internal static class BenchmarkCommand
{
    public static Command Create(CommandContext context)
    {
        var steps = new Option<int>("--steps")
        {
            Description = "Training steps of batch 64 to time",
            DefaultValueFactory = _ => 300,
            HelpName = "N",
        };
        var command = new Command("benchmark", $"Time {context.Network.Name} on this machine: one image, batches of 1,000 and training, as key=value lines")
        {
            context.Threads, steps,
        };
        command.SetAction(parse => context.Network.Accept(new Run(parse.GetValue(context.Threads), parse.GetValue(steps), context.Output)));
        return command;
    }

    private sealed class Run(int threads, int steps, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Benchmark<TNetwork>(threads, steps, output);
    }

    private const int BatchImages = 1_000;
    private const int TrainingBatch = 64;

    private static int Benchmark<TNetwork>(int threads, int steps, Output output) where TNetwork : struct, INetwork
    {
        if (threads < 1) throw new LeNet5Exception($"--threads must be at least 1, not {threads}");
        if (steps < 10) throw new LeNet5Exception($"--steps must be at least 10, not {steps}");
        NetworkDescription network = TNetwork.Description;
        if (network.Input.Channels != 1) throw new LeNet5Exception($"{network.Name} takes {network.Input.Channels} channels; benchmark makes grey images only");
        TextWriter o = output.Out;
        void Line(string key, FormattableString value) => o.WriteLine($"{key}={value.ToString(CultureInfo.InvariantCulture)}");

        Line("network", $"{network.Name}");
        Line("parameters", $"{network.ParameterCount}");
        Line("processor", $"{MachineVectors.Processor}");
        Line("instruction_sets", $"{MachineVectors.InstructionSets}");
        Line("vector_bits", $"{MachineVectors.WidestBits}");
        Line("threads", $"{threads}");
        Line("fma_peak_gmacs_per_core", $"{MachineVectors.FmaPeakPerCore() / 1e9:F1}");

        MnistDataset data = SyntheticDigits<TNetwork>(TrainingBatch * steps);
        float[] parameters = new float[network.ParameterCount];
        TNetwork.InitializeParameters(parameters, new Random(network.Training.Seed));
        Line("single_image_us", $"{SingleImageMicroseconds<TNetwork>(parameters, data):F2}");
        Line("batch1000_images_per_s", $"{BatchImagesPerSecond<TNetwork>(parameters, data, threads):F0}");
        Line("train_images_per_s", $"{TrainingImagesPerSecond<TNetwork>(data, threads):F0}");
        return 0;
    }

    /// <summary>The median over rounds of the mean time of one-image inference calls on one thread.</summary>
    private static double SingleImageMicroseconds<TNetwork>(float[] parameters, MnistDataset data) where TNetwork : struct, INetwork
    {
        var logits = new float[TNetwork.Description.ClassCount];
        var workspace = new float[Math.Max(1, TNetwork.Description.WorkspaceSize)];
        const int calls = 1_000;
        var rounds = new double[7];
        for (int round = -2; round < rounds.Length; round++) // two rounds warm the code up
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) TNetwork.Infer(parameters, data.Image(i % data.Count), logits, workspace, 1);
            if (round >= 0) rounds[round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }

    /// <summary>The best of several evaluations of 1,000 images (inference, loss and class), on every thread.</summary>
    private static double BatchImagesPerSecond<TNetwork>(float[] parameters, MnistDataset data, int threads) where TNetwork : struct, INetwork
    {
        MnistDataset batch = data.Take(Math.Min(BatchImages, data.Count));
        using var evaluator = new Evaluator<TNetwork>(threads);
        double best = 0;
        for (int round = -2; round < 7; round++)
        {
            long start = Stopwatch.GetTimestamp();
            evaluator.Evaluate(parameters, batch);
            if (round >= 0) best = Math.Max(best, batch.Count / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    /// <summary>Images per second of a training epoch at batch 64 with the architecture's optimizer, after a warm-up epoch.</summary>
    private static double TrainingImagesPerSecond<TNetwork>(MnistDataset data, int threads) where TNetwork : struct, INetwork
    {
        TrainingRecipe recipe = TNetwork.Description.Training with { BatchSize = TrainingBatch, Distort = false };
        using var trainer = new Trainer<TNetwork>(recipe, new ExecutionSettings { Threads = threads });
        trainer.TrainEpoch(data.Take(Math.Min(data.Count, 20 * TrainingBatch)), 0);
        return trainer.TrainEpoch(data, 1).ImagesPerSecond;
    }

    /// <summary>Learnable grey images: a bright square whose place is the class, in noise, scaled like the network's input.</summary>
    private static MnistDataset SyntheticDigits<TNetwork>(int count) where TNetwork : struct, INetwork
    {
        NetworkDescription network = TNetwork.Description;
        int height = network.Input.Height, width = network.Input.Width, classes = network.ClassCount;
        var random = new Random(1);
        var images = new float[count * height * width];
        var labels = new byte[count];
        var pixels = new byte[height * width];
        for (int n = 0; n < count; n++)
        {
            int label = random.Next(classes);
            labels[n] = (byte)label;
            int top = label * (height - 4) / Math.Max(1, classes - 1), left = (label * 7) % Math.Max(1, width - 4);
            for (int i = 0; i < pixels.Length; i++)
            {
                int y = i / width, x = i % width;
                pixels[i] = y >= top && y < top + 4 && x >= left && x < left + 4 ? (byte)255 : (byte)random.Next(64);
            }
            network.InputScaling.Scale(pixels, images.AsSpan(n * pixels.Length, pixels.Length));
        }
        return new MnistDataset(images, labels, height, width);
    }
}
