using System.Diagnostics;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Tests;

/// <summary>Every file the console writes appears whole or not at all, and temporary files of killed runs are removed.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The id of a process that has exited (a killed run's, as far as its files can tell).</summary>
    private static int DeadProcessId()
    {
        using Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private string Temporary(string name, int processId) => _temp.File($".{name}.{processId}.{Guid.NewGuid():N}.tmp");

    [Fact]
    public void A_write_that_fails_midway_leaves_the_old_file_and_no_temporary()
    {
        string path = _temp.File("model.onnx");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => WriteUntilTheDiskIsFull(path));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    private static void WriteUntilTheDiskIsFull(string path)
    {
        using AtomicFile file = AtomicFile.Create(path);
        file.Stream.Write(new byte[100_000]);
        throw new IOException("No space left on device"); // what a full disk does in the middle of a write
    }

    [Fact]
    public void Stale_temporaries_are_removed_and_a_live_writers_are_kept()
    {
        string path = _temp.File("model.safetensors");
        string stale = Temporary("model.safetensors", DeadProcessId());
        string live = Temporary("model.safetensors", Environment.ProcessId);
        string other = Temporary("other.safetensors", DeadProcessId());
        string unrelated = _temp.File(".model.safetensors.notes.tmp");
        foreach (string file in new[] { stale, live, other, unrelated }) File.WriteAllText(file, "partial");

        AtomicFile.Write(path, "new"u8);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other)); // another output's files are left to its own writer
        Assert.True(File.Exists(unrelated));
    }

    [Fact]
    public void The_next_training_run_cleans_up_after_a_killed_one()
    {
        string checkpoint = _temp.File("out/model.safetensors");
        Directory.CreateDirectory(_temp.File("out"));
        int dead = DeadProcessId();
        string[] leftovers =
        [
            _temp.File($"out/.model.safetensors.{dead}.{Guid.NewGuid():N}.tmp"),
            _temp.File($"out/.model.optimizer.safetensors.{dead}.{Guid.NewGuid():N}.tmp"),
            _temp.File($"out/.model.best.safetensors.{dead}.{Guid.NewGuid():N}.tmp"),
            _temp.File($"out/.model.csv.{dead}.{Guid.NewGuid():N}.tmp"),
            _temp.File($"out/.model.png.{dead}.{Guid.NewGuid():N}.tmp"),
        ];
        foreach (string file in leftovers) File.WriteAllText(file, "partial");

        var stderr = new StringWriter();
        int code = Lenet5Console.Run(["train", "--data", TestData.MnistFolder, "--epochs", "1", "--limit", "300", "--threads", "2", "--output", checkpoint], TextWriter.Null, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Equal(
            ["model.best.safetensors", "model.csv", "model.lock", "model.optimizer.safetensors", "model.png", "model.safetensors"],
            Directory.GetFiles(_temp.File("out")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Export_onnx_into_a_folder_uses_the_default_name()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(1));
        string checkpoint = _temp.File("lenet5.safetensors");
        Checkpoint.Save<LeNet5Network>(checkpoint, parameters);

        foreach (string folder in new[] { _temp.File("existing"), _temp.File("new") + Path.DirectorySeparatorChar })
        {
            if (!folder.EndsWith(Path.DirectorySeparatorChar)) Directory.CreateDirectory(folder);
            var stderr = new StringWriter();
            Assert.True(Lenet5Console.Run(["export", "onnx", "--checkpoint", checkpoint, "-o", folder], TextWriter.Null, stderr) == 0, stderr.ToString());
            Assert.True(File.Exists(Path.Combine(folder, "lenet5.onnx")), folder);
            Assert.Single(Directory.GetFiles(folder)); // no temporary left
        }
    }

    [Theory]
    [InlineData("train", "--output", "", "--output is empty; give the checkpoint's file name")]
    [InlineData("export", "onnx", "-o", "--output is empty; give the ONNX file's name")]
    public void An_empty_output_is_an_error(string command, string option, string third, string expected)
    {
        string[] args = command == "train" ? [command, option, third] : [command, option, third, ""];
        var stderr = new StringWriter();
        Assert.Equal(1, Lenet5Console.Run(args, TextWriter.Null, stderr));
        Assert.StartsWith("lenet5: error: " + expected, stderr.ToString());
    }

    [Fact]
    public void An_empty_checkpoint_path_is_an_error()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, Lenet5Console.Run(["evaluate", "--checkpoint", ""], TextWriter.Null, stderr));
        Assert.Equal("lenet5: error: the checkpoint path is empty; give the path of a .safetensors file", stderr.ToString().Trim());
    }
}
