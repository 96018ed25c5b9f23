using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using LeNet5.Cli;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;
using Xunit.Abstractions;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <c>kill -9</c> at any moment loses nothing: the built <c>lenet5</c>, killed again and again and resumed each
/// time, ends with the tensors, history and files (the kept best and per-epoch copies too) of a run that was never
/// interrupted.
/// </summary>
public sealed class KillTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string Lenet5Dll = Path.Combine(AppContext.BaseDirectory, "lenet5.dll");
    private const int Epochs = 4;
    private static readonly Regex Row = new(@"^\s+(\d+)\s+\d+\.\d{4}\s");
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Train(string output, bool resume) =>
        ["train", "--data", TestData.MnistFolder, "--limit", "2000", "--validation", "1000", "--epochs", Epochs.ToString(), "--threads", "1", "--keep", "all", "--output", output, .. resume ? new[] { "--resume" } : []];

    [Fact]
    public void A_run_killed_at_random_moments_resumes_to_the_uninterrupted_result()
    {
        string straight = _temp.File("straight/model.safetensors");
        var clock = Stopwatch.StartNew();
        using (Lenet5 run = Lenet5.Start(Train(straight, resume: false), _ => { }))
            Assert.True(run.WaitForExit() == 0, run.Error);
        TimeSpan uninterrupted = clock.Elapsed;

        var random = new Random(14);
        int kills = 0, runs = 0;
        for (int trial = 1; trial <= 2; trial++)
        {
            string killed = _temp.File($"killed{trial}/model.safetensors");
            kills += KillUntilDone(killed, uninterrupted, random, ref runs);
            Assert.Equal(TensorBytes(straight), TensorBytes(killed));
            // --keep all: the best epoch's copy and every epoch's too.
            Assert.Equal(TensorBytes(KeptCheckpoints.BestPath(straight)), TensorBytes(KeptCheckpoints.BestPath(killed)));
            for (int epoch = 1; epoch <= Epochs; epoch++)
                Assert.Equal(TensorBytes(KeptCheckpoints.EpochPath(straight, epoch)), TensorBytes(KeptCheckpoints.EpochPath(killed, epoch)));
            string[] expected = File.ReadAllLines(TrainingHistory.CsvPath(straight)), actual = File.ReadAllLines(TrainingHistory.CsvPath(killed));
            Assert.Equal(Epochs + 1, actual.Length);
            // Epoch, losses and accuracy agree; images/s and seconds are timings.
            Assert.Equal(expected.Select(l => string.Join(',', l.Split(',')[..4])), actual.Select(l => string.Join(',', l.Split(',')[..4])));
            Assert.Equal(Files(straight), Files(killed));
        }
        log.WriteLine($"{kills} kills in {runs} runs; the uninterrupted run took {uninterrupted.TotalSeconds:F1} s");
    }

    /// <summary>Starts, kills and resumes a run at <paramref name="killed"/> until it finishes; returns the number of kills.</summary>
    private int KillUntilDone(string killed, TimeSpan uninterrupted, Random random, ref int runs)
    {
        for (int kills = 0; ; kills++)
        {
            Assert.True(kills <= 5, "the run never finished");
            // Every restart resumes, as a user would; one killed before its first checkpoint starts the run again.
            bool resume = kills > 0;
            int resumedEpoch = File.Exists(killed) ? int.Parse(Checkpoint.Load<LeNet5Network>(killed).Metadata["epoch"]) : 0;
            // The save to kill in, if this run is killed there: an epoch's row is printed just before its checkpoint is saved.
            // A resumed run prints the rows before it first; one with nothing left to train then finishes the last save.
            int savedEpoch = random.Next(Math.Min(resumedEpoch + 1, Epochs), Epochs + 1);
            using var epochSaving = new ManualResetEventSlim();
            using Lenet5 run = Lenet5.Start(Train(killed, resume), line =>
            {
                Match row = Row.Match(line);
                if (row.Success && int.Parse(row.Groups[1].Value) == savedEpoch) epochSaving.Set();
            });
            runs++;
            string moment = "not killed";
            if (kills < 4)
            {
                // Half the kills at any moment of a run, half in the save that follows an epoch.
                if (random.Next(2) == 0)
                {
                    int delay = random.Next((int)uninterrupted.TotalMilliseconds);
                    Thread.Sleep(delay);
                    moment = $"killed {delay} ms after the start";
                }
                else
                {
                    int delay = random.Next(40);
                    while (!epochSaving.Wait(10) && !run.HasExited) { }
                    Thread.Sleep(delay);
                    moment = $"killed {delay} ms after the row of epoch {savedEpoch}";
                }
                run.Kill();
            }
            int code = run.WaitForExit();
            log.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(killed))} {(resume ? $"resumed at epoch {resumedEpoch}" : "from scratch")}: {moment}, exit code {code}; files {string.Join(" ", Files(killed))}");
            if (code == 0) return kills;
            Assert.True(code == 137, $"exit code {code}: {run.Error}"); // 128 + SIGKILL: the kill, not an error
        }
    }

    private static byte[] TensorBytes(string checkpoint) => MemoryMarshal.AsBytes(Checkpoint.Load<LeNet5Network>(checkpoint).Parameters.AsSpan()).ToArray();

    private static string[] Files(string checkpoint) =>
        [.. Directory.GetFiles(Path.GetDirectoryName(checkpoint)!).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    /// <summary><c>dotnet lenet5.dll</c> as a child process, its lines read as they come.</summary>
    private sealed class Lenet5 : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _error = new();

        private Lenet5(Process process) => _process = process;

        public string Error
        {
            get
            {
                lock (_error) return _error.ToString();
            }
        }

        public static Lenet5 Start(string[] args, Action<string> onLine)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Lenet5Dll);
            foreach (string arg in args) info.ArgumentList.Add(arg);
            var lenet5 = new Lenet5(new Process { StartInfo = info });
            lenet5._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null) onLine(e.Data);
            };
            lenet5._process.ErrorDataReceived += (_, e) =>
            {
                lock (lenet5._error) lenet5._error.AppendLine(e.Data);
            };
            lenet5._process.Start();
            lenet5._process.BeginOutputReadLine();
            lenet5._process.BeginErrorReadLine();
            return lenet5;
        }

        public bool HasExited => _process.HasExited;

        /// <summary>SIGKILL, as <c>kill -9</c> sends: no handler, no finally block runs.</summary>
        public void Kill() => _process.Kill();

        public int WaitForExit()
        {
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }
}
