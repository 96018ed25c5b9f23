using LeNet5.Cli;

namespace LeNet5.Runtime.Tests;

/// <summary>One run per <c>--output</c>: a live run's lock refuses a second one, and a new run does not replace another's checkpoint unasked.</summary>
public sealed class OutputLockTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Train(string output, params string[] more) =>
        ["train", "--data", TestData.MnistFolder, "--limit", "300", "--threads", "2", "--epochs", "1", "--output", output, .. more];

    private static (int Code, string Error) Run(string[] args)
    {
        var stderr = new StringWriter();
        int code = Lenet5Console.Run(args, TextWriter.Null, stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public void A_second_run_on_the_same_output_is_refused_while_the_first_holds_the_lock()
    {
        string checkpoint = _temp.File("out/model.safetensors");
        using (OutputLock.Acquire(checkpoint))
        {
            var (code, error) = Run(Train(checkpoint));
            Assert.Equal(1, code);
            string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"lenet5: error: {checkpoint}: another training run is writing this checkpoint (it holds {OutputLock.PathFor(checkpoint)}); wait for it to end or choose another --output", line);
            Assert.False(File.Exists(checkpoint));
        }
        var after = Run(Train(checkpoint));
        Assert.True(after.Code == 0, after.Error);
    }

    [Fact]
    public void A_lock_file_left_by_an_ended_run_does_not_lock()
    {
        string checkpoint = _temp.File("model.safetensors");
        File.WriteAllText(OutputLock.PathFor(checkpoint), "");
        var (code, error) = Run(Train(checkpoint));
        Assert.True(code == 0, error);
    }

    [Fact]
    public void A_new_run_replaces_the_checkpoint_of_another_only_with_overwrite()
    {
        string checkpoint = _temp.File("model.safetensors");
        Assert.Equal(0, Run(Train(checkpoint)).Code);
        byte[] first = File.ReadAllBytes(checkpoint);

        var (code, error) = Run(Train(checkpoint, "--seed", "2"));
        Assert.Equal(1, code);
        Assert.Equal($"lenet5: error: {checkpoint} holds the checkpoint of another run; continue that run with --resume, or replace it with --overwrite", error.Trim());
        Assert.Equal(first, File.ReadAllBytes(checkpoint));

        var overwritten = Run(Train(checkpoint, "--seed", "2", "--overwrite"));
        Assert.True(overwritten.Code == 0, overwritten.Error);
        Assert.NotEqual(first, File.ReadAllBytes(checkpoint));
    }
}
