using System.Text.RegularExpressions;
using LeNet5.Cli;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;
using LeNet5.Tests;

namespace LeNet5.Runtime.Tests;

/// <summary>The <c>lenet5</c> console, run in-process.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (int Code, string Out, string Error) Run(params string[] args) => Lenet5Console.Capture(args);

    [Fact]
    public void Train_evaluate_and_infer()
    {
        string checkpoint = _temp.File("out/model.safetensors");
        var train = Run("train", "--data", TestData.MnistFolder, "--epochs", "2", "--limit", "2000", "--threads", "2", "--output", checkpoint);
        Assert.True(train.Code == 0, train.Error);
        Assert.Matches(new Regex(@"^\s+1\s+\d+\.\d{4}\s+\d+\.\d{4}\s+\d+\.\d\d%", RegexOptions.Multiline), train.Out);
        Assert.Matches(new Regex(@"^\s+2\s+\d+\.\d{4}", RegexOptions.Multiline), train.Out);
        Assert.Contains("2,000 training", train.Out);
        Assert.Matches(@"best test accuracy \d+\.\d\d% at epoch [12]", train.Out);
        Assert.Contains("epoch 2/2: 100%", train.Error); // plain progress lines when not on a terminal
        Assert.True(File.Exists(checkpoint));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(_temp.File("out/model.png"))[..4]);
        string[] csv = File.ReadAllLines(_temp.File("out/model.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("epoch,train_loss,test_loss,test_accuracy", csv[0]);
        // Checkpoint, the best epoch's, optimizer state, history, plot and the run's lock; no temporary files left.
        Assert.Equal(
            ["model.best.safetensors", "model.csv", "model.lock", "model.optimizer.safetensors", "model.png", "model.safetensors"],
            Directory.GetFiles(_temp.File("out")).Select(Path.GetFileName).Order());
        Checkpoint saved = Checkpoint.Load<LeNet5.Model.LeNet5Network>(checkpoint);
        Assert.Equal("2", saved.Metadata["epoch"]);
        Assert.Equal(Optimizers.Name(LeNet5.Model.LeNet5Network.Description.Training.Optimizer), saved.Metadata["optimizer"]);

        var evaluate = Run("evaluate", "--checkpoint", checkpoint, "--data", TestData.MnistFolder);
        Assert.True(evaluate.Code == 0, evaluate.Error);
        Match accuracy = Regex.Match(evaluate.Out, @"accuracy: (\d+\.\d\d)% \((\d+) of 10000\)");
        Assert.True(accuracy.Success, evaluate.Out);
        Assert.InRange(double.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 80, 100);
        Assert.Contains("confusion matrix", evaluate.Out);
        Assert.Contains("trained: epoch 2 of 2", evaluate.Out);
        // Ten rows of the confusion matrix whose counts add up to the test set.
        int total = Regex.Matches(evaluate.Out, @"^\s+\d\s+((?:\s+\d+){10})\s+\d+\.\d%$", RegexOptions.Multiline)
            .Sum(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(int.Parse));
        Assert.Equal(10000, total);

        // Test image 0 (a 7) written as PNGs: grey 28x28, RGB 56x56 (each pixel 2x2), and inverted black-on-white.
        MnistDataset test = TestData.Test;
        byte[] grey = test.Image(0).ToArray().Select(v => (byte)MathF.Round((v * MnistPreprocessing.StandardDeviation + MnistPreprocessing.Mean) * 255)).ToArray();
        string plain = _temp.File("seven.png"), large = _temp.File("seven-large.png"), inverted = _temp.File("seven-inverted.png");
        PngWriter.Write(plain, 28, 28, grey, 1);
        var rgb = new byte[56 * 56 * 3];
        for (int y = 0; y < 56; y++)
            for (int x = 0; x < 56; x++)
                for (int c = 0; c < 3; c++) rgb[(y * 56 + x) * 3 + c] = grey[y / 2 * 28 + x / 2];
        PngWriter.Write(large, 56, 56, rgb, 3);
        PngWriter.Write(inverted, 28, 28, grey.Select(v => (byte)(255 - v)).ToArray(), 1);

        // --raw scales the whole image: the 28x28 PNG gives exactly the test image's input, and area averaging of the
        // 2x2 blocks restores it from the 56x56 one.
        var infer = Run("infer", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--raw", plain, large, "--index", "0");
        Assert.True(infer.Code == 0, infer.Error);
        string[] lines = infer.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("test[0]", lines[2]);
        Assert.Contains("true 7", lines[2]);
        string expected = Regex.Match(lines[2], @"class \d  confidence\s+\d+\.\d\d%").Value;
        Assert.NotEmpty(expected);
        Assert.Contains(expected, lines[0]);
        Assert.Contains(expected, lines[1]);
        var rawInverted = Run("infer", "--checkpoint", checkpoint, "--raw", "--invert", inverted);
        Assert.True(rawInverted.Code == 0, rawInverted.Error);
        Assert.Contains(expected, rawInverted.Out);

        // By default every image is prepared as MNIST's digits were, whatever its polarity, and --show writes what the
        // network saw.
        string digit = Regex.Match(expected, @"class \d").Value;
        string shown = _temp.File("shown");
        var prepared = Run("infer", "--checkpoint", checkpoint, plain, large, inverted, "--show", shown);
        Assert.True(prepared.Code == 0, prepared.Error);
        Assert.Equal(3, Regex.Matches(prepared.Out, digit).Count);
        Assert.Equal(["seven-inverted.png", "seven-large.png", "seven.png"], Directory.GetFiles(shown).Select(Path.GetFileName).Order());
        foreach (string[] polarity in (string[][])[["--invert"], ["--polarity", "dark-on-light"]])
        {
            var given = Run(["infer", "--checkpoint", checkpoint, inverted, .. polarity]);
            Assert.True(given.Code == 0, given.Error);
            Assert.Contains(digit, given.Out);
        }
    }

    [Fact]
    public void Errors_are_one_line_on_stderr_with_exit_code_1()
    {
        string garbage = _temp.File("garbage.safetensors");
        File.WriteAllText(garbage, "this is not a checkpoint");
        string badPng = _temp.File("bad.png");
        File.WriteAllBytes(badPng, [0x89, 1, 2, 3, 4, 5]);
        string small = _temp.File("small.png");
        PngWriter.Write(small, 10, 10, new byte[100], 1);
        string tiny = _temp.File("tiny.safetensors");
        Checkpoint.Save<TinyMlp>(tiny, new float[TinyMlp.ParameterCount]);
        string missing = _temp.File("no-such-folder");

        (string[] Args, string Expected)[] cases =
        [
            (["evaluate", "--checkpoint", garbage, "--data", TestData.MnistFolder], garbage),
            (["evaluate", "--checkpoint", _temp.File("none.safetensors")], "not found"),
            (["evaluate", "--checkpoint", tiny, "--data", TestData.MnistFolder], "TinyMlp"),
            (["train", "--data", missing], missing),
            (["train", "--output", _temp.Path], "is a folder"),
            (["train", "--epochs", "0"], "--epochs"),
            (["train", "--epochs", "many"], "'many' is not a valid value for --epochs"),
            (["train", "--batch-size", "0", "--data", TestData.MnistFolder], "batch size"),
            (["train", "--optimizer", "rmsprop"], "rmsprop"),
            (["train", "--learning-rate", "-1", "--data", TestData.MnistFolder], "learning rate"),
            (["infer", "--checkpoint", tiny], "needs image files"),
            (["bogus"], "bogus"),
        ];
        foreach ((string[] args, string expectedText) in cases)
        {
            var result = Run(args);
            Assert.True(result.Code == 1, $"{string.Join(' ', args)}: exit {result.Code}");
            string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, $"{string.Join(' ', args)}: {result.Error}");
            Assert.StartsWith("lenet5: error: ", lines[0]);
            Assert.Contains(expectedText, lines[0]);
            Assert.DoesNotContain("   at ", result.Error);
        }
    }

    [Fact]
    public void Validation_holds_out_the_end_of_the_training_set()
    {
        string checkpoint = _temp.File("held/model.safetensors");
        var train = Run("train", "--data", TestData.MnistFolder, "--epochs", "1", "--limit", "2000", "--validation", "1000", "--threads", "2", "--output", checkpoint);
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("2,000 training and 1,000 validation images", train.Out);
        Assert.Contains("val accuracy", train.Out);
        Assert.Matches(@"best validation accuracy \d+\.\d\d% at epoch 1", train.Out);
        Assert.StartsWith("epoch,train_loss,validation_loss,validation_accuracy", File.ReadAllLines(_temp.File("held/model.csv"))[0]);

        // The reported accuracy is that of the last 1,000 training images, not of the test set.
        Checkpoint saved = Checkpoint.Load<LeNet5.Model.LeNet5Network>(checkpoint);
        Assert.Equal("1000", saved.Metadata["validation_images"]);
        Assert.False(saved.Metadata.ContainsKey("test_accuracy"));
        using var evaluator = new Evaluator<LeNet5.Model.LeNet5Network>();
        double heldOut = evaluator.Evaluate(saved.Parameters, TestData.Train.Skip(59_000)).Accuracy;
        Assert.Equal(heldOut.ToString("R", System.Globalization.CultureInfo.InvariantCulture), saved.Metadata["validation_accuracy"]);

        var resume = Run("train", "--data", TestData.MnistFolder, "--epochs", "2", "--limit", "2000", "--output", checkpoint, "--resume");
        Assert.Equal(1, resume.Code);
        Assert.Contains("validation_images 1000 but this run has 0; give the same --validation", resume.Error);
        // A checkpoint from before --validation existed has no 'validation_images': it held none out and resumes.
        string older = _temp.File("older/model.safetensors");
        Assert.Equal(0, Run("train", "--data", TestData.MnistFolder, "--epochs", "1", "--limit", "500", "--threads", "1", "--output", older).Code);
        Checkpoint first = Checkpoint.Load<LeNet5.Model.LeNet5Network>(older);
        Checkpoint.Save<LeNet5.Model.LeNet5Network>(older, first.Parameters, first.Metadata.Where(p => p.Key != "validation_images").ToDictionary());
        var resumed = Run("train", "--data", TestData.MnistFolder, "--epochs", "2", "--limit", "500", "--threads", "1", "--output", older, "--resume");
        Assert.True(resumed.Code == 0, resumed.Error);

        var tooMany = Run("train", "--data", TestData.MnistFolder, "--validation", "60000", "--output", _temp.File("none.safetensors"));
        Assert.Equal(1, tooMany.Code);
        Assert.Contains("--validation 60000 leaves no training images", tooMany.Error);
        var zero = Run("train", "--validation", "0");
        Assert.Equal(1, zero.Code);
        Assert.Contains("--validation must be at least 1", zero.Error);
    }

    [Fact]
    public void Bad_images_are_reported_by_infer()
    {
        string checkpoint = _temp.File("zero.safetensors");
        Checkpoint.Save<LeNet5.Model.LeNet5Network>(checkpoint, new float[LeNet5.Model.LeNet5Network.ParameterCount]);
        string badPng = _temp.File("bad.png");
        File.WriteAllBytes(badPng, [0x89, 1, 2, 3, 4, 5]);
        string blank = _temp.File("blank.png");
        PngWriter.Write(blank, 10, 10, new byte[100], 1);
        string small = _temp.File("small.png");
        byte[] bar = new byte[100];
        for (int y = 2; y < 8; y++) bar[y * 10 + 5] = 255;
        PngWriter.Write(small, 10, 10, bar, 1);

        // Every file that can be classified is (an image smaller than 28x28 too); each bad one is one line on stderr
        // naming it, and the exit code is 1.
        var result = Run("infer", "--checkpoint", checkpoint, badPng, small, blank, _temp.Path, _temp.File("none.png"));
        Assert.Equal(1, result.Code);
        Assert.Contains(small, result.Out);
        string[] errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, errors.Length);
        Assert.StartsWith($"lenet5: error: {badPng}: not a", errors[0]);
        Assert.StartsWith($"lenet5: error: {blank}: no digit found", errors[1]);
        Assert.StartsWith($"lenet5: error: {_temp.Path}: is a folder", errors[2]);
        Assert.StartsWith($"lenet5: error: {_temp.File("none.png")}: file not found", errors[3]);
        var index = Run("infer", "--checkpoint", checkpoint, "--data", TestData.MnistFolder, "--index", "10000");
        Assert.Equal(1, index.Code);
        Assert.Contains("--index 10000 is out of range", index.Error);
        var contradiction = Run("infer", "--checkpoint", checkpoint, "--invert", "--polarity", "light-on-dark", small);
        Assert.Equal(1, contradiction.Code);
        Assert.Contains("--invert means --polarity dark-on-light", contradiction.Error);
    }

    [Theory]
    [InlineData]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("infer")]
    [InlineData("export")]
    [InlineData("export", "onnx")]
    public void Help_works_on_every_command(params string[] command)
    {
        var result = Run([.. command, "--help"]);
        Assert.Equal(0, result.Code);
        Assert.Contains("Usage:", result.Out);
        Assert.Empty(result.Error);
    }

    [Fact]
    public void Help_shows_the_architecture_defaults()
    {
        var result = Run("train", "--help");
        Assert.Contains($"[default: {LeNet5.Model.LeNet5Network.Description.Training.Epochs}]", result.Out);
        Assert.Contains("--threads", result.Out);
        Assert.Contains("--limit", result.Out);
        Assert.Contains("--validation", result.Out);
    }

    [Theory]
    [InlineData("--architecture", "paper")]
    [InlineData("-a", "paper")]
    [InlineData("-a", "PAPER")]
    [InlineData("--architecture=paper")]
    public void Every_spelling_of_the_architecture_option_picks_the_network(params string[] option)
    {
        var result = Run(["train", .. option, "--help"]);
        Assert.Equal(0, result.Code);
        Assert.Contains($"[default: {LeNet5.Trainer.PaperNetwork.Description.Training.Epochs}]", result.Out);
        Assert.Contains("Train Paper on MNIST", result.Out);
    }

    [Fact]
    public void An_unknown_architecture_is_an_error()
    {
        var result = Run("train", "-a", "lenet6", "--help");
        Assert.Equal(1, result.Code);
        Assert.Contains("unknown architecture 'lenet6'; known: lenet5, paper", result.Error);
    }
}

/// <summary><c>lenet5 benchmark</c> prints every figure as a key=value line, for any network (no timing is asserted).</summary>
public sealed class BenchmarkCommandTests
{
    [Theory]
    [InlineData("lenet5", "61706")]
    [InlineData("paper", "60000")]
    public void Benchmark_prints_the_machine_and_every_figure(string architecture, string parameters)
    {
        var stdout = new StringWriter();
        Assert.Equal(0, Lenet5Console.Run(["benchmark", "-a", architecture, "--steps", "10", "--threads", "2"], stdout, TextWriter.Null));
        Dictionary<string, string> figures = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r').Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal(
            ["network", "parameters", "processor", "instruction_sets", "vector_bits", "threads", "fma_peak_gmacs_per_core", "single_image_us", "batch1000_images_per_s", "train_images_per_s"],
            figures.Keys);
        Assert.Equal(parameters, figures["parameters"]);
        Assert.Contains(figures["vector_bits"], new[] { "0", "128", "256", "512" });
        foreach (string key in new[] { "fma_peak_gmacs_per_core", "single_image_us", "batch1000_images_per_s", "train_images_per_s" })
            Assert.True(double.Parse(figures[key], System.Globalization.CultureInfo.InvariantCulture) > 0, key);
    }

    [Fact]
    public void Benchmark_refuses_too_few_steps()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, Lenet5Console.Run(["benchmark", "--steps", "3"], TextWriter.Null, stderr));
        Assert.Equal("lenet5: error: --steps must be at least 10, not 3", stderr.ToString().Trim());
    }
}
