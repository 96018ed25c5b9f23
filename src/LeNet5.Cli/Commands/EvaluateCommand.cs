using System.CommandLine;
using System.Globalization;
using LeNet5.Cli.Pictures;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli.Commands;

/// <summary>
/// <c>evaluate</c>: accuracy, loss, precision, recall and F1 per class, the confusion matrix and the most confident
/// mistakes of a checkpoint on the test set, as text or JSON, and pictures of them beside the checkpoint.
/// </summary>
internal static class EvaluateCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The text output stays within this many columns.</summary>
    private const int Columns = 80;

    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the whole evaluation as JSON on stdout, every mistake included (docs/evaluation.md)" };
        var top = new Option<int>("--top")
        {
            Description = "Mistakes to list in the text output, the most confident first",
            DefaultValueFactory = _ => 10,
            HelpName = "N",
        };
        var pictures = new Option<string?>("--pictures")
        {
            Description = "Folder for the pictures (confusion matrix, misclassified images, first-layer filters) [default: beside the checkpoint]",
            HelpName = "DIR",
        };
        var noPictures = new Option<bool>("--no-pictures") { Description = "Write no pictures" };
        var command = new Command("evaluate", "Accuracy, per-class precision, recall and F1, confusion matrix and mistakes of a checkpoint on the test set")
        {
            context.Checkpoint, context.Data, context.Dataset, context.Threads, json, top, pictures, noPictures,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(noPictures) && parse.GetValue(pictures) is not null) throw new LeNet5Exception("--pictures and --no-pictures contradict each other; give one");
            return context.Network.Accept(new Run(new EvaluateSettings
            {
                Checkpoint = parse.GetValue(context.Checkpoint)!,
                Data = parse.GetValue(context.Data),
                Dataset = parse.GetValue(context.Dataset),
                Threads = parse.GetValue(context.Threads),
                Json = parse.GetValue(json),
                Top = parse.GetValue(top),
                Pictures = parse.GetValue(noPictures) ? null : parse.GetValue(pictures) ?? PictureFolder(parse.GetValue(context.Checkpoint)!),
            }, context.Output));
        });
        return command;
    }

    private static string PictureFolder(string checkpoint) => Path.GetDirectoryName(checkpoint) ?? "";

    private sealed class Run(EvaluateSettings settings, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Evaluate<TNetwork>(settings, output);
    }

    private static int Evaluate<TNetwork>(EvaluateSettings settings, Output output) where TNetwork : struct, INetwork
    {
        if (settings.Threads < 1) throw new LeNet5Exception($"--threads must be at least 1, not {settings.Threads}");
        if (settings.Top < 0) throw new LeNet5Exception($"--top must be 0 or more, not {settings.Top}");
        if (settings.Pictures is not null && File.Exists(settings.Pictures)) throw new LeNet5Exception($"--pictures {settings.Pictures} is a file; give a folder");
        NetworkDescription network = TNetwork.Description;
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(settings.Checkpoint);
        DatasetKind dataset = DataSource.Parse(settings.Dataset);
        MnistDataset test = DataSource.LoadTest<TNetwork>(DataSource.Resolve(settings.Data, dataset, output), dataset);
        using var evaluator = new Evaluator<TNetwork>(settings.Threads);
        EvaluationResult result = evaluator.Evaluate(checkpoint.Parameters, test);
        IReadOnlyList<Misclassification> mistakes = result.Misclassified();
        PicturePaths? pictures = settings.Pictures is null
            ? null
            : EvaluationPictures.Write<TNetwork>(settings.Pictures, Path.GetFileNameWithoutExtension(settings.Checkpoint), result, mistakes, test, checkpoint.Parameters);

        if (settings.Json)
        {
            output.Out.WriteLine(EvaluationJson.Write(network.Name, settings.Checkpoint, checkpoint.Metadata, network.ClassNames, result, mistakes, pictures));
            return 0;
        }

        TextWriter o = output.Out;
        o.WriteLine($"{network.Name} checkpoint {settings.Checkpoint} on {test.Count:N0} test images");
        if (checkpoint.Metadata.TryGetValue("epoch", out string? epoch) && checkpoint.Metadata.TryGetValue("optimizer", out string? optimizer))
        {
            string of = checkpoint.Metadata.TryGetValue("epochs", out string? epochs) ? $" of {epochs}" : "";
            string rate = checkpoint.Metadata.TryGetValue("learning_rate", out string? lr) ? $" lr {lr}" : "";
            o.WriteLine($"trained: epoch {epoch}{of}, {optimizer}{rate}");
        }
        o.WriteLine(string.Create(Invariant, $"accuracy: {result.Accuracy * 100:F2}% ({result.Correct} of {result.Count}), error {100 - result.Accuracy * 100:F2}%"));
        o.WriteLine(string.Create(Invariant, $"loss:     {result.MeanLoss:F4}"));
        o.WriteLine();
        WriteScores(o, result.Report, network.ClassNames);
        o.WriteLine();
        WriteConfusion(o, result, network.ClassNames);
        o.WriteLine();
        WriteMistakes(o, mistakes, settings.Top, network.ClassNames);
        if (pictures is not null)
        {
            o.WriteLine();
            o.WriteLine($"pictures: {pictures.Confusion}");
            o.WriteLine($"          {pictures.Misclassified}");
            if (pictures.Filters is not null) o.WriteLine($"          {pictures.Filters}");
        }
        return 0;
    }

    /// <summary>
    /// Precision, recall and F1 per class, and their macro averages; classes named other than by their index are listed
    /// with the index too, which the confusion matrix may use.
    /// </summary>
    private static void WriteScores(TextWriter o, ClassificationReport report, IReadOnlyList<string> names)
    {
        bool indexed = !IndicesAreNames(names);
        string[] labels = [.. names.Select((n, i) => indexed ? $"{i,2} {n}" : n)];
        int name = Math.Clamp(labels.Max(n => n.Length), "macro avg".Length, 24);
        o.WriteLine($"{"class".PadRight(name)}  {"support",7}  {"precision",9}  {"recall",7}  {"f1",7}");
        foreach (ClassScores c in report.Classes)
            o.WriteLine(string.Create(Invariant, $"{Cut(labels[c.Class], name).PadRight(name)}  {c.Support,7:N0}  {c.Precision * 100,8:F2}%  {c.Recall * 100,6:F2}%  {c.F1 * 100,6:F2}%"));
        int support = report.Classes.Sum(c => c.Support);
        o.WriteLine(string.Create(Invariant, $"{"macro avg".PadRight(name)}  {support,7:N0}  {report.MacroPrecision * 100,8:F2}%  {report.MacroRecall * 100,6:F2}%  {report.MacroF1 * 100,6:F2}%"));
    }

    private static bool IndicesAreNames(IReadOnlyList<string> names) => names.Select((n, i) => n == i.ToString(Invariant)).All(same => same);

    /// <summary>
    /// The matrix with the class names as headers, or their indices when the names are too wide; when even the indices
    /// do not fit in 80 columns, the most frequent confusions instead.
    /// </summary>
    internal static void WriteConfusion(TextWriter o, EvaluationResult result, IReadOnlyList<string> names)
    {
        int classes = result.ClassCount;
        int counts = result.Confusion.Max().ToString(Invariant).Length;
        string[] labels = [.. names];
        int cell = Math.Max(counts, labels.Max(l => l.Length)) + 1;
        const string corner = "true\\pred", recall = "  recall";
        int rowLabel = Math.Max(corner.Length, labels.Max(l => l.Length));
        if (rowLabel + classes * cell + recall.Length > Columns)
        {
            labels = [.. Enumerable.Range(0, classes).Select(i => i.ToString(Invariant))];
            cell = Math.Max(counts, labels[^1].Length) + 1;
            rowLabel = corner.Length;
        }
        if (rowLabel + classes * cell + recall.Length > Columns)
        {
            WriteFrequentConfusions(o, result, names);
            return;
        }

        bool byIndex = !labels.SequenceEqual(names);
        o.WriteLine($"confusion matrix (rows: true class, columns: predicted{(byIndex ? "; classes by index" : "")})");
        o.Write(corner.PadLeft(rowLabel));
        foreach (string label in labels) o.Write(label.PadLeft(cell));
        o.WriteLine(recall);
        for (int t = 0; t < classes; t++)
        {
            o.Write(labels[t].PadLeft(rowLabel));
            int total = 0;
            for (int p = 0; p < classes; p++)
            {
                o.Write(result[t, p].ToString(Invariant).PadLeft(cell));
                total += result[t, p];
            }
            double share = total == 0 ? 0 : 100.0 * result[t, t] / total;
            o.WriteLine(string.Create(Invariant, $"  {share,5:F1}%"));
        }
    }

    private static void WriteFrequentConfusions(TextWriter o, EvaluationResult result, IReadOnlyList<string> names)
    {
        var pairs = new List<(int True, int Predicted, int Count)>();
        for (int t = 0; t < result.ClassCount; t++)
            for (int p = 0; p < result.ClassCount; p++)
                if (t != p && result[t, p] > 0) pairs.Add((t, p, result[t, p]));
        pairs.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : (a.True, a.Predicted).CompareTo((b.True, b.Predicted)));
        o.WriteLine($"confusion matrix: too wide for {result.ClassCount} classes (see --json or the picture)");
        o.WriteLine($"most frequent confusions ({Math.Min(10, pairs.Count)} of {pairs.Count}):");
        int name = Math.Clamp(names.Max(n => n.Length), "true".Length, 24);
        o.WriteLine($"{"true".PadRight(name)}  {"predicted".PadRight(name)}  {"images",6}");
        foreach (var (t, p, count) in pairs.Take(10))
            o.WriteLine($"{Cut(names[t], name).PadRight(name)}  {Cut(names[p], name).PadRight(name)}  {count,6}");
    }

    private static void WriteMistakes(TextWriter o, IReadOnlyList<Misclassification> mistakes, int top, IReadOnlyList<string> names)
    {
        if (mistakes.Count == 0)
        {
            o.WriteLine("no image is misclassified");
            return;
        }
        int shown = Math.Min(top, mistakes.Count);
        if (shown == 0)
        {
            o.WriteLine($"{mistakes.Count:N0} images misclassified (--top N lists the most confident, --json all)");
            return;
        }
        string more = shown < mistakes.Count ? "; --top N lists more, --json all" : "";
        o.WriteLine($"most confident mistakes ({shown} of {mistakes.Count:N0}{more}):");
        int name = Math.Clamp(names.Max(n => n.Length), "predicted".Length, 18);
        o.WriteLine($"{"index",6}  {"true".PadRight(name)}  {"predicted".PadRight(name)}  {"confidence",10}  {"p(true)",7}  {"margin",8}");
        foreach (Misclassification m in mistakes.Take(shown))
        {
            o.WriteLine(string.Create(Invariant,
                $"{m.Index,6}  {Cut(names[m.TrueClass], name).PadRight(name)}  {Cut(names[m.PredictedClass], name).PadRight(name)}  {m.Confidence * 100,9:F2}%  {m.TrueClassProbability * 100,6:F2}%  {m.Margin,8:F2}"));
        }
    }

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> characters, a cut one ending in '~'.</summary>
    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "~";
}

/// <summary>Options of <c>evaluate</c>.</summary>
internal sealed record EvaluateSettings
{
    public required string Checkpoint { get; init; }
    public string? Data { get; init; }
    public string? Dataset { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary><c>--json</c>: JSON on stdout instead of text.</summary>
    public bool Json { get; init; }

    /// <summary><c>--top N</c>: mistakes listed in the text.</summary>
    public int Top { get; init; } = 10;

    /// <summary>Folder for the pictures, or null for none.</summary>
    public string? Pictures { get; init; }
}
