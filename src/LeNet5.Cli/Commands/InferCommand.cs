using System.CommandLine;
using System.Globalization;
using LeNet5.Imaging;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;

namespace LeNet5.Cli.Commands;

/// <summary><c>infer</c>: classifies image files and test-set images with a checkpoint.</summary>
internal static class InferCommand
{
    private static readonly Dictionary<string, InkPolarity> PolarityNames = new()
    {
        ["auto"] = InkPolarity.Auto,
        ["light-on-dark"] = InkPolarity.LightOnDark,
        ["dark-on-light"] = InkPolarity.DarkOnLight,
    };

    public static Command Create(CommandContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Images to classify (PNG, JPEG, BMP or GIF; any size, grey or colour; either polarity), prepared " +
                          "as MNIST's digits were made: cropped to the ink, fitted to 20x20 keeping the aspect ratio, centred by the centre of mass in 28x28",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var index = new Option<int[]>("--index", "-i")
        {
            Description = "MNIST test-set image to classify (repeatable); prints the true label too",
            HelpName = "N",
            AllowMultipleArgumentsPerToken = true,
        };
        var polarity = new Option<string>("--polarity")
        {
            Description = "How the digits are drawn: auto (found from each image), light-on-dark (MNIST, chalk) or dark-on-light (pen on paper)",
            DefaultValueFactory = _ => "auto",
        };
        polarity.AcceptOnlyFromAmong([.. PolarityNames.Keys]);
        var invert = new Option<bool>("--invert") { Description = "Same as --polarity dark-on-light" };
        var raw = new Option<bool>("--raw") { Description = "Scale the whole image to the input without cropping or centring (for images already in MNIST form)" };
        var show = new Option<string?>("--show") { Description = "Write the image the network saw for each input into this folder, as PNG", HelpName = "DIR" };
        var command = new Command("infer", "Classify image files and/or MNIST test images with a checkpoint")
        {
            files, context.Checkpoint, index, polarity, invert, raw, show, context.Data, context.Dataset,
        };
        command.SetAction(parse =>
        {
            string polarityName = parse.GetValue(polarity)!;
            if (parse.GetValue(invert))
            {
                if (parse.GetResult(polarity) is { Implicit: false } && polarityName != "dark-on-light")
                    throw new LeNet5Exception($"--invert means --polarity dark-on-light; it contradicts --polarity {polarityName}");
                polarityName = "dark-on-light";
            }
            return context.Network.Accept(new Run(new InferSettings
            {
                Checkpoint = parse.GetValue(context.Checkpoint)!,
                Files = parse.GetValue(files) ?? [],
                Indices = parse.GetValue(index) ?? [],
                Polarity = PolarityNames[polarityName],
                Raw = parse.GetValue(raw),
                Show = parse.GetValue(show),
                Data = parse.GetValue(context.Data),
                Dataset = parse.GetValue(context.Dataset),
            }, context.Output));
        });
        return command;
    }

    private sealed class Run(InferSettings settings, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Infer<TNetwork>(settings, output);
    }

    private static int Infer<TNetwork>(InferSettings settings, Output output) where TNetwork : struct, INetwork
    {
        if (settings.Files.Count == 0 && settings.Indices.Count == 0)
            throw new LeNet5Exception($"infer needs image files and/or --index N (see '{output.Program} infer --help')");
        NetworkDescription network = TNetwork.Description;
        if (network.Input.Channels != 1)
            throw new LeNet5Exception($"{network.Name} takes {network.Input.Channels} channels; infer reads grey images only");
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(settings.Checkpoint);
        var options = new DigitImageOptions
        {
            Height = network.Input.Height,
            Width = network.Input.Width,
            Polarity = settings.Polarity,
            Framing = settings.Raw ? DigitFraming.WholeImage : DigitFraming.Mnist,
        };
        var shown = settings.Show is null ? null : new ShownImages(settings.Show);

        var logits = new float[network.ClassCount];
        var probabilities = new float[network.ClassCount];
        var workspace = new float[Math.Max(1, network.WorkspaceSize)];
        int width = settings.Files.Select(f => f.Length).Concat(settings.Indices.Select(i => $"test[{i}]".Length)).Max();
        void Classify(string label, float[] pixels, int? truth)
        {
            TNetwork.Infer(checkpoint.Parameters, pixels, logits, workspace, 1);
            int classIndex = ClassProbabilities.Compute(logits, probabilities);
            IReadOnlyList<string> names = network.ClassNames;
            string line = string.Create(CultureInfo.InvariantCulture, $"{label.PadRight(width)}  class {names[classIndex]}  confidence {probabilities[classIndex] * 100,6:F2}%");
            if (truth is int t) line += t == classIndex ? $"  true {names[t]}" : $"  true {names[t]} (wrong)";
            output.Out.WriteLine(line);
        }

        // Every input that can be classified is; each one that cannot is one error line, and the exit code says so.
        int failed = 0;
        foreach (string file in settings.Files)
        {
            try
            {
                DigitImage image = DigitImage.Load(file, options);
                Classify(file, image.Normalize(network.InputScaling), null);
                shown?.Save(file, image);
            }
            catch (LeNet5Exception e)
            {
                output.Error.WriteLine($"{output.Program}: error: {e.Message}");
                failed++;
            }
        }
        if (settings.Indices.Count > 0)
        {
            DatasetKind dataset = DataSource.Parse(settings.Dataset);
            MnistDataset test = DataSource.LoadTest<TNetwork>(DataSource.Resolve(settings.Data, dataset, output), dataset);
            foreach (int index in settings.Indices)
            {
                if (index >= 0 && index < test.Count)
                {
                    Classify($"test[{index}]", test.Image(index).ToArray(), test.Labels[index]);
                    continue;
                }
                output.Error.WriteLine($"{output.Program}: error: --index {index} is out of range; the test set has indices 0 to {test.Count - 1}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
}

/// <summary>Options of <c>infer</c>.</summary>
internal sealed record InferSettings
{
    public required string Checkpoint { get; init; }
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>Test-set indices.</summary>
    public IReadOnlyList<int> Indices { get; init; } = [];
    public InkPolarity Polarity { get; init; } = InkPolarity.Auto;
    /// <summary>Scale the whole image to the input (no crop, fit or centring), for images already in MNIST form.</summary>
    public bool Raw { get; init; }
    /// <summary>Folder to write, for each input, the image the network saw as PNG; null for none.</summary>
    public string? Show { get; init; }
    public string? Data { get; init; }
    public string? Dataset { get; init; }
}
