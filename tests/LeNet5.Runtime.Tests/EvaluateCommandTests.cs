using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeNet5.Cli;
using LeNet5.Cli.Commands;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Training;
using PaperNetwork = LeNet5.Trainer.PaperNetwork;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <c>evaluate</c> on the 10,000 MNIST test images with the trained weights of LeNet5.Model: the per-class table, the
/// mistakes, the JSON and the pictures, for the seed network, the paper's and one with its own class names.
/// </summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The seed network's trained weights as a checkpoint in <paramref name="folder"/>.</summary>
    private string TrainedCheckpoint<TNetwork>(string folder, string name = "lenet5.safetensors") where TNetwork : struct, INetwork
    {
        string path = _temp.File(Path.Combine(folder, name));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Checkpoint.Save<TNetwork>(path, DigitClassifier.Parameters, new Dictionary<string, string> { ["epoch"] = "10", ["optimizer"] = "sgd" });
        return path;
    }

    [Fact]
    public void Text_lists_scores_per_class_and_the_most_confident_mistakes_and_pictures_go_beside_the_checkpoint()
    {
        string checkpoint = TrainedCheckpoint<LeNet5Network>("model");
        var run = Lenet5Console.Capture("evaluate", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--threads", "2", "--top", "5");
        Assert.True(run.Code == 0, run.Error);
        AssertWithin80Columns(run.Out, _temp.Path);

        // One row per digit: support, precision, recall, F1; the supports are the test set's.
        MatchCollection rows = Regex.Matches(run.Out, @"^(\d)\s+([\d,]+)\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%$", RegexOptions.Multiline);
        Assert.Equal(10, rows.Count);
        int[] support = [.. rows.Select(r => int.Parse(r.Groups[2].Value, NumberStyles.AllowThousands, Invariant))];
        Assert.Equal(10_000, support.Sum());
        Assert.Equal(TestData.Test.Labels.Count(l => l == 1), support[1]);
        Match macro = Regex.Match(run.Out, @"^macro avg\s+10,000\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%$", RegexOptions.Multiline);
        Assert.True(macro.Success, run.Out);
        double meanRecall = rows.Average(r => double.Parse(r.Groups[4].Value, Invariant));
        Assert.Equal(meanRecall, double.Parse(macro.Groups[2].Value, Invariant), 0.01);
        Assert.Contains("confusion matrix (rows: true class, columns: predicted)", run.Out);

        // Five mistakes, the most confident first, each with a true class other than the predicted one.
        Match header = Regex.Match(run.Out, @"most confident mistakes \(5 of (\d+); --top N lists more, --json all\):");
        Assert.True(header.Success, run.Out);
        MatchCollection mistakes = Regex.Matches(run.Out, @"^\s*(\d+)  (\d)\s+(\d)\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%\s+(\d+\.\d\d)$", RegexOptions.Multiline);
        Assert.Equal(5, mistakes.Count);
        double[] confidence = [.. mistakes.Select(m => double.Parse(m.Groups[4].Value, Invariant))];
        Assert.Equal(confidence.OrderDescending(), confidence);
        foreach (Match m in mistakes)
        {
            int index = int.Parse(m.Groups[1].Value, Invariant);
            Assert.Equal(TestData.Test.Labels[index].ToString(Invariant), m.Groups[2].Value);
            Assert.NotEqual(m.Groups[2].Value, m.Groups[3].Value);
        }

        // The pictures, named after the checkpoint, written atomically beside it.
        string folder = Path.GetDirectoryName(checkpoint)!;
        Assert.Equal(
            ["lenet5.confusion.png", "lenet5.filters.png", "lenet5.misclassified.png", "lenet5.safetensors"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Contains($"pictures: {Path.Combine(folder, "lenet5.confusion.png")}", run.Out);
        // 8 columns of 108 px and 5 rows of 128 px for the 40 most confident mistakes; 6 filters of 80 px in one row.
        Assert.Equal((896, 716), PngSize(Path.Combine(folder, "lenet5.misclassified.png")));
        Assert.Equal((560, 226), PngSize(Path.Combine(folder, "lenet5.filters.png")));
        (int width, int height) = PngSize(Path.Combine(folder, "lenet5.confusion.png"));
        Assert.InRange(width, 10 * 56 + 100, 1000); // ten 56 px cells, the row labels and the recall column
        Assert.InRange(height, 10 * 56 + 100, 1000);
    }

    [Fact]
    public void Json_holds_every_score_and_mistake_in_its_documented_shape()
    {
        string checkpoint = TrainedCheckpoint<LeNet5Network>("json");
        var run = Lenet5Console.Capture("evaluate", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--json", "--no-pictures");
        Assert.True(run.Code == 0, run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Out);
        JsonElement root = document.RootElement;

        Assert.Equal(
            ["format", "network", "checkpoint", "metadata", "images", "correct", "accuracy", "loss", "classes", "perClass", "macro", "confusion", "misclassified", "pictures"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("lenet5-evaluation/1", root.GetProperty("format").GetString());
        Assert.Equal("LeNet5", root.GetProperty("network").GetString());
        Assert.Equal(checkpoint, root.GetProperty("checkpoint").GetString());
        Assert.Equal("10", root.GetProperty("metadata").GetProperty("epoch").GetString());
        int images = root.GetProperty("images").GetInt32(), correct = root.GetProperty("correct").GetInt32();
        Assert.Equal(10_000, images);
        Assert.Equal((double)correct / images, root.GetProperty("accuracy").GetDouble());
        Assert.InRange(correct, 9_850, 10_000);
        Assert.True(root.GetProperty("loss").GetDouble() is > 0 and < 0.1);
        Assert.Equal(LeNet5Network.Description.ClassNames, root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pictures").ValueKind);
        Assert.Equal(["lenet5.safetensors"], Directory.GetFiles(Path.GetDirectoryName(checkpoint)!).Select(Path.GetFileName));

        // The confusion matrix, rows true classes; each class's counts agree with it.
        int[][] confusion = [.. root.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray())];
        Assert.Equal(10, confusion.Length);
        Assert.All(confusion, row => Assert.Equal(10, row.Length));
        Assert.Equal(images, confusion.Sum(r => r.Sum()));
        Assert.Equal(correct, Enumerable.Range(0, 10).Sum(c => confusion[c][c]));
        JsonElement[] perClass = [.. root.GetProperty("perClass").EnumerateArray()];
        Assert.Equal(10, perClass.Length);
        for (int c = 0; c < 10; c++)
        {
            JsonElement scores = perClass[c];
            Assert.Equal(["class", "name", "support", "predicted", "correct", "precision", "recall", "f1"], scores.EnumerateObject().Select(p => p.Name));
            Assert.Equal(c, scores.GetProperty("class").GetInt32());
            Assert.Equal(c.ToString(Invariant), scores.GetProperty("name").GetString());
            int support = confusion[c].Sum(), predicted = confusion.Sum(r => r[c]);
            Assert.Equal(support, scores.GetProperty("support").GetInt32());
            Assert.Equal(TestData.Test.Labels.Count(l => l == c), support);
            Assert.Equal(predicted, scores.GetProperty("predicted").GetInt32());
            double precision = (double)confusion[c][c] / predicted, recall = (double)confusion[c][c] / support;
            Assert.Equal(precision, scores.GetProperty("precision").GetDouble(), 1e-12);
            Assert.Equal(recall, scores.GetProperty("recall").GetDouble(), 1e-12);
            Assert.Equal(2 * precision * recall / (precision + recall), scores.GetProperty("f1").GetDouble(), 1e-12);
        }
        JsonElement macro = root.GetProperty("macro");
        Assert.Equal(perClass.Average(s => s.GetProperty("precision").GetDouble()), macro.GetProperty("precision").GetDouble(), 1e-12);
        Assert.Equal(perClass.Average(s => s.GetProperty("recall").GetDouble()), macro.GetProperty("recall").GetDouble(), 1e-12);
        Assert.Equal(perClass.Average(s => s.GetProperty("f1").GetDouble()), macro.GetProperty("f1").GetDouble(), 1e-12);

        // Every mistake, the most confident first, each one what the network computes for that image.
        JsonElement[] mistakes = [.. root.GetProperty("misclassified").EnumerateArray()];
        Assert.Equal(images - correct, mistakes.Length);
        Assert.Equal(["index", "true", "predicted", "confidence", "trueProbability", "margin"], mistakes[0].EnumerateObject().Select(p => p.Name));
        double[] confidence = [.. mistakes.Select(m => m.GetProperty("confidence").GetDouble())];
        Assert.Equal(confidence.OrderDescending(), confidence);
        Assert.Equal(images - correct, mistakes.Select(m => m.GetProperty("index").GetInt32()).Distinct().Count());
        var logits = new float[10];
        var probabilities = new float[10];
        var workspace = new float[LeNet5Network.WorkspaceSize];
        foreach (JsonElement mistake in mistakes)
        {
            int index = mistake.GetProperty("index").GetInt32(), label = mistake.GetProperty("true").GetInt32();
            Assert.Equal(TestData.Test.Labels[index], label);
            LeNet5Network.Infer(DigitClassifier.Parameters, TestData.Test.Image(index), logits, workspace, 1);
            int predicted = ClassProbabilities.Compute(logits, probabilities);
            Assert.NotEqual(label, predicted);
            Assert.Equal(predicted, mistake.GetProperty("predicted").GetInt32());
            Assert.Equal(probabilities[predicted], mistake.GetProperty("confidence").GetDouble(), 1e-6);
            Assert.Equal(probabilities[label], mistake.GetProperty("trueProbability").GetDouble(), 1e-6);
            Assert.Equal(logits[predicted] - logits[label], mistake.GetProperty("margin").GetDouble(), 1e-4);
        }
    }

    [Fact]
    public void The_paper_network_with_its_rbf_output_is_evaluated_with_pictures_in_the_folder_given()
    {
        // An untrained paper network: its probabilities saturate, so equal confidences are ordered by the logit margin.
        var parameters = new float[PaperNetwork.ParameterCount];
        PaperNetwork.InitializeParameters(parameters, new Random(3));
        string checkpoint = _temp.File("paper.safetensors"), pictures = _temp.File("pictures");
        Checkpoint.Save<PaperNetwork>(checkpoint, parameters);
        var run = Lenet5Console.Capture("evaluate", "-a", "paper", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--json", "--pictures", pictures);
        Assert.True(run.Code == 0, run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Out);
        JsonElement root = document.RootElement;
        Assert.Equal("Paper", root.GetProperty("network").GetString());
        Assert.True(double.IsFinite(root.GetProperty("loss").GetDouble()));
        var order = root.GetProperty("misclassified").EnumerateArray()
            .Select(m => (Confidence: m.GetProperty("confidence").GetDouble(), Margin: m.GetProperty("margin").GetDouble())).ToArray();
        Assert.Equal(10_000 - root.GetProperty("correct").GetInt32(), order.Length);
        for (int i = 1; i < order.Length; i++)
            Assert.True(order[i - 1].Confidence > order[i].Confidence || (order[i - 1].Confidence == order[i].Confidence && order[i - 1].Margin >= order[i].Margin), $"mistakes {i - 1} and {i} are out of order");

        JsonElement paths = root.GetProperty("pictures");
        Assert.Equal(Path.Combine(pictures, "paper.confusion.png"), paths.GetProperty("confusion").GetString());
        Assert.Equal(Path.Combine(pictures, "paper.filters.png"), paths.GetProperty("filters").GetString());
        Assert.Equal(["paper.confusion.png", "paper.filters.png", "paper.misclassified.png"], Directory.GetFiles(pictures).Select(Path.GetFileName).Order());
        Assert.Equal(["paper.safetensors"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
        Assert.Equal((560, 226), PngSize(Path.Combine(pictures, "paper.filters.png")));
    }

    [Fact]
    public void A_network_with_its_own_class_names_uses_them_within_80_columns()
    {
        string checkpoint = TrainedCheckpoint<NamedClassesNetwork>("fashion", "fashion.safetensors");
        var catalog = new NetworkCatalog([NetworkConsole.Network<NamedClassesNetwork>()]) { ProgramName = "fashion" };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = NetworkConsole.Run(["evaluate", "--checkpoint", checkpoint, "--data", TestData.MnistFolder], stdout, stderr, catalog);
        string text = stdout.ToString();
        Assert.True(code == 0, stderr.ToString());
        AssertWithin80Columns(text, _temp.Path);
        Assert.Contains("Fashion checkpoint", text);
        Assert.DoesNotContain("digit", text);
        // The names label the per-class rows and the mistakes; the matrix, too narrow for them, numbers its classes.
        Assert.Matches(new Regex(@"^ 0 T-shirt/top\s+980\s", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^ 9 Ankle boot\s+1,009\s", RegexOptions.Multiline), text);
        Assert.Contains("confusion matrix (rows: true class, columns: predicted; classes by index)", text);
        Assert.Matches(new Regex(@"^\s+\d+  (T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) ", RegexOptions.Multiline), text);
        // Names too long for "true → predicted" on one line take a line each: 5 rows of 143 px.
        Assert.Equal((896, 791), PngSize(_temp.File("fashion/fashion.misclassified.png")));
    }

    [Fact]
    public void A_matrix_too_wide_for_80_columns_gives_the_most_frequent_confusions()
    {
        // 30 classes: 30 columns of at least 2 characters cannot fit.
        const int classes = 30;
        var confusion = new int[classes * classes];
        for (int c = 0; c < classes; c++) confusion[c * classes + c] = 50;
        confusion[3 * classes + 8] = 7; // 3 taken for 8 most often
        confusion[8 * classes + 3] = 2;
        confusion[29 * classes + 0] = 5;
        var result = new EvaluationResult(classes, confusion, 0.1, new byte[confusion.Sum()]);
        string[] names = [.. Enumerable.Range(0, classes).Select(c => ((char)('a' + c % 26)).ToString() + c.ToString(Invariant))];
        var text = new StringWriter();
        EvaluateCommand.WriteConfusion(text, result, names);
        string output = text.ToString();
        AssertWithin80Columns(output);
        Assert.Contains("confusion matrix: too wide for 30 classes (see --json or the picture)", output);
        Assert.Contains("most frequent confusions (3 of 3):", output);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^d3\s+i8\s+7$", lines[3]);
        Assert.Matches(@"^d29\s+a0\s+5$", lines[4]);
        Assert.Matches(@"^i8\s+d3\s+2$", lines[5]);
    }

    [Fact]
    public void Contradicting_or_negative_options_are_one_line_errors()
    {
        var top = Lenet5Console.Capture("evaluate", "--top", "-1");
        Assert.Equal(1, top.Code);
        Assert.Equal("lenet5: error: --top must be 0 or more, not -1\n", top.Error.ReplaceLineEndings("\n"));
        var both = Lenet5Console.Capture("evaluate", "--no-pictures", "--pictures", _temp.Path);
        Assert.Equal(1, both.Code);
        Assert.Equal("lenet5: error: --pictures and --no-pictures contradict each other; give one\n", both.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Pictures_into_a_file_are_refused_naming_it()
    {
        string checkpoint = TrainedCheckpoint<LeNet5Network>("refused");
        string file = _temp.File("refused/not-a-folder");
        File.WriteAllText(file, "x");
        var run = Lenet5Console.Capture("evaluate", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--pictures", file);
        Assert.Equal(1, run.Code);
        Assert.Equal($"lenet5: error: --pictures {file} is a file; give a folder\n", run.Error.ReplaceLineEndings("\n"));
        Assert.Empty(run.Out);
    }

    /// <summary>Every line fits 80 columns, but for those naming a file in <paramref name="paths"/> (a path is not cut).</summary>
    internal static void AssertWithin80Columns(string text, string? paths = null)
    {
        foreach (string line in text.Split('\n'))
        {
            if (paths is not null && line.Contains(paths, StringComparison.Ordinal)) continue;
            Assert.True(line.TrimEnd('\r').Length <= 80, $"{line.Length} columns: {line}");
        }
    }

    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
