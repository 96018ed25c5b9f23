using System.Globalization;
using System.Runtime.ExceptionServices;
using LeNet5.Imaging;
using LeNet5.Runtime;
using LeNet5.Runtime.Onnx;

namespace LeNet5.Cli;

/// <summary>The console commands, specialised for one generated network.</summary>
/// <typeparam name="TNetwork">The generated network.</typeparam>
public sealed class ArchitectureCommands<TNetwork> : IArchitectureCommands where TNetwork : struct, INetwork
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string Name => TNetwork.Name;

    /// <inheritdoc />
    public TrainingDefaults Training => TNetwork.Training;

    /// <summary>The ONNX file name used when none is given, or only a folder.</summary>
    public static string DefaultOnnxName => TNetwork.Name.ToLowerInvariant() + ".onnx";

    /// <summary>The checkpoint path used when none is given.</summary>
    public static string DefaultCheckpoint => Path.Combine("checkpoints", TNetwork.Name.ToLowerInvariant() + ".safetensors");

    /// <inheritdoc />
    public int Train(TrainSettings settings, Output output)
    {
        TrainingDefaults defaults = TNetwork.Training;
        int epochs = settings.Epochs ?? defaults.Epochs;
        if (epochs < 1) throw new LeNet5Exception($"--epochs must be at least 1, not {epochs}");
        if (settings.Limit is < 1) throw new LeNet5Exception($"--limit must be at least 1, not {settings.Limit}");
        if (settings.Validation is < 1) throw new LeNet5Exception($"--validation must be at least 1, not {settings.Validation}");
        var options = new TrainingOptions(defaults)
        {
            BatchSize = settings.BatchSize ?? defaults.BatchSize,
            Optimizer = (settings.Optimizer ?? defaults.Optimizer).ToLowerInvariant(),
            LearningRate = settings.LearningRate ?? defaults.LearningRate,
            LearningRateDecay = settings.LearningRateDecay ?? defaults.LearningRateDecay,
            Momentum = settings.Momentum ?? defaults.Momentum,
            WeightDecay = settings.WeightDecay ?? defaults.WeightDecay,
            Seed = settings.Seed ?? defaults.Seed,
            Threads = settings.Threads,
            // A rate given on the command line replaces the architecture's per-epoch schedule.
            LearningRateSchedule = settings.LearningRate is null && settings.LearningRateDecay is null ? defaults.LearningRateSchedule ?? [] : [],
            Distort = settings.Distort ?? defaults.Distort,
            Damping = settings.Damping ?? defaults.Damping,
            CurvatureSamples = defaults.CurvatureSamples,
        };
        try
        {
            options.Validate();
        }
        catch (LeNet5Exception e)
        {
            throw new LeNet5Exception("invalid option: " + e.Message);
        }
        if (settings.Output is not null && string.IsNullOrWhiteSpace(settings.Output))
            throw new LeNet5Exception($"--output is empty; give the checkpoint's file name, for example {DefaultCheckpoint}");
        string checkpoint = settings.Output ?? DefaultCheckpoint;
        if (Directory.Exists(checkpoint)) throw new LeNet5Exception($"--output {checkpoint} is a folder; give the checkpoint's file name, for example {Path.Combine(checkpoint, Path.GetFileName(DefaultCheckpoint))}");
        using OutputLock runLock = OutputLock.Acquire(checkpoint);
        CheckWritable(checkpoint);
        if (!settings.Resume && !settings.Overwrite && File.Exists(checkpoint))
            throw new LeNet5Exception($"{checkpoint} holds the checkpoint of another run; continue that run with --resume, or replace it with --overwrite");

        DatasetKind dataset = DataSource.Parse(settings.Dataset);
        string folder = DataSource.Resolve(settings.Data, dataset, output);
        MnistDataset train = DataSource.LoadTraining<TNetwork>(folder, dataset);
        MnistDataset test;
        string evaluated = settings.Validation is null ? "test" : "validation";
        if (settings.Validation is int held)
        {
            if (held >= train.Count) throw new LeNet5Exception($"--validation {held} leaves no training images: there are {train.Count:N0}");
            test = train.Skip(train.Count - held);
            train = train.Take(train.Count - held);
        }
        else
        {
            test = DataSource.LoadTest<TNetwork>(folder, dataset);
        }
        if (settings.Limit is int limit) train = train.Take(limit);

        string heldText = settings.Validation is null ? "test images" : "validation images (the last of the training set)";
        output.Out.WriteLine(string.Create(Invariant,
            $"{TNetwork.Name}: {TNetwork.ParameterCount:N0} parameters; {train.Count:N0} training and {test.Count:N0} {heldText} from {folder}"));
        string momentumText = options.Optimizer == "sgd" ? string.Create(Invariant, $" momentum {options.Momentum:G}") : "";
        string decayText = options.LearningRateSchedule.Count > 0
            ? " scheduled " + string.Join(", ", options.LearningRateSchedule.Select(r => r.ToString("G", Invariant)))
            : options.LearningRateDecay == 1f ? "" : string.Create(Invariant, $" x{options.LearningRateDecay:G} per epoch");
        if (options.Optimizer == "sdlm") decayText += string.Create(Invariant, $", mu {options.Damping:G}, curvature from {options.CurvatureSamples} images per epoch");
        if (options.Distort) decayText += ", affine distortions";
        string threadsText = options.Threads == 1 ? "1 thread" : $"{options.Threads} threads";
        output.Out.WriteLine(string.Create(Invariant,
            $"{epochs} epochs, batch {options.BatchSize}, {options.Optimizer} lr {options.LearningRate:G}{decayText}{momentumText}, weight decay {options.WeightDecay:G}, seed {options.Seed}, {threadsText}"));
        output.Out.WriteLine();
        output.Out.WriteLine(settings.Validation is null
            ? "epoch  train loss  test loss  test accuracy  images/s  seconds"
            : "epoch  train loss   val loss   val accuracy  images/s  seconds");

        var history = new TrainingHistory(TNetwork.Name, evaluated);
        int firstEpoch = 0;
        Checkpoint? resumed = settings.Resume ? ResumePoint(checkpoint, options, train.Count, settings.Validation ?? 0, epochs, out firstEpoch) : null;
        using var trainer = new Trainer<TNetwork>(options, resumed is null ? default : resumed.Parameters);
        // One id for the whole run, kept across resumes, binds each optimizer state to its own checkpoint.
        string runId = resumed is not null && resumed.Metadata.TryGetValue(Checkpoint.RunIdKey, out string? savedRun) ? savedRun : Guid.NewGuid().ToString("N");
        if (resumed is not null)
        {
            LoadOptimizerState(checkpoint, resumed, options.Optimizer, trainer.Optimizer);
            int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
            if (trainer.Steps != firstEpoch * stepsPerEpoch)
            {
                throw new LeNet5Exception(
                    $"{OptimizerCheckpoint.PathFor(checkpoint)}: optimizer state after step {trainer.Steps} does not belong to the checkpoint of epoch {firstEpoch} ({firstEpoch * stepsPerEpoch} steps); cannot resume");
            }
            foreach (EpochRecord record in TrainingHistory.ReadCsv(TrainingHistory.CsvPath(checkpoint)).Where(r => r.Epoch <= firstEpoch)) history.Add(record);
            // A run killed after saving the checkpoint but before the history has the checkpoint's row only in its metadata;
            // it is written back at once, as a later kill of this run could leave the history without it for good.
            if (history.Records.Count == 0 || history.Records[^1].Epoch != firstEpoch)
            {
                history.Add(RecordOf(resumed, firstEpoch, evaluated));
                history.Write(checkpoint);
            }
            foreach (EpochRecord r in history.Records) WriteRow(output, r);
        }
        using var evaluator = new Evaluator<TNetwork>(options.Threads);
        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            CheckFreeSpace(checkpoint, trainer.Optimizer.StateBuffers.Sum(b => (long)b.Buffer.Length));
            var progress = new ProgressDisplay(output.Error, output.Interactive, epoch, epochs);
            EpochResult result;
            EvaluationResult evaluation;
            try
            {
                result = trainer.TrainEpoch(train, epoch, progress.Report, output.Cancellation);
                progress.Finish();
                evaluation = evaluator.Evaluate(trainer.Parameters, test);
                trainer.Divergence.ObserveEvaluation(epoch, evaluated, evaluation);
            }
            catch (TrainingDivergedException e)
            {
                // The diverged epoch is not saved: the files of the last good epoch stay as they are.
                string kept = epoch == 0 ? "nothing was saved" : $"the checkpoint of epoch {epoch} at {checkpoint} is kept";
                throw new TrainingDivergedException($"{e.Message}; {kept}");
            }
            var row = new EpochRecord(epoch + 1, result.MeanLoss, evaluation.MeanLoss, evaluation.Accuracy, result.ImagesPerSecond, result.Elapsed.TotalSeconds);
            history.Add(row);
            WriteRow(output, row);

            var metadata = new Dictionary<string, string>
            {
                ["epoch"] = (epoch + 1).ToString(Invariant),
                ["epochs"] = epochs.ToString(Invariant),
                ["batch_size"] = options.BatchSize.ToString(Invariant),
                ["optimizer"] = options.Optimizer,
                ["learning_rate"] = options.LearningRate.ToString("R", Invariant),
                ["learning_rate_decay"] = options.LearningRateDecay.ToString("R", Invariant),
                ["momentum"] = options.Momentum.ToString("R", Invariant),
                ["weight_decay"] = options.WeightDecay.ToString("R", Invariant),
                ["seed"] = options.Seed.ToString(Invariant),
                ["distort"] = options.Distort ? "true" : "false",
                ["damping"] = options.Damping.ToString("R", Invariant),
                ["training_images"] = train.Count.ToString(Invariant),
                ["validation_images"] = (settings.Validation ?? 0).ToString(Invariant),
                ["train_loss"] = row.TrainLoss.ToString("R", Invariant),
                [evaluated + "_loss"] = row.TestLoss.ToString("R", Invariant),
                [evaluated + "_accuracy"] = row.TestAccuracy.ToString("R", Invariant),
                ["images_per_second"] = row.ImagesPerSecond.ToString("R", Invariant),
                ["seconds"] = row.Seconds.ToString("R", Invariant),
                [Checkpoint.RunIdKey] = runId,
            };
            SaveEpoch(checkpoint, options.Optimizer, trainer, metadata, runId);
            history.Write(checkpoint);
        }
        if (firstEpoch == epochs)
        {
            // Nothing left to train, but a run killed just after its last checkpoint left that epoch's save unfinished.
            output.Out.WriteLine($"{checkpoint} has already trained {epochs} epochs; nothing to train (ask for more with --epochs)");
            DeletePreviousState(checkpoint);
            history.Write(checkpoint);
        }
        EpochRecord best = history.Records.MaxBy(r => r.TestAccuracy)!;
        output.Out.WriteLine();
        output.Out.WriteLine(string.Create(Invariant,
            $"best {evaluated} accuracy {best.TestAccuracy * 100:F2}% at epoch {best.Epoch}; final {history.Records[^1].TestAccuracy * 100:F2}%; training time {history.Records.Sum(r => r.Seconds):F1} s"));
        output.Out.WriteLine($"checkpoint: {checkpoint}");
        output.Out.WriteLine($"history:    {TrainingHistory.CsvPath(checkpoint)}");
        output.Out.WriteLine($"plot:       {TrainingHistory.PlotPath(checkpoint)}");
        return 0;
    }

    /// <summary>
    /// Saves an epoch so that a kill between any two renames still resumes: the state of the checkpoint on disk is
    /// kept as the previous state until the new checkpoint is in place, and the history row can be rebuilt from the
    /// checkpoint's metadata.
    /// </summary>
    private static void SaveEpoch(string checkpoint, string optimizer, Trainer<TNetwork> trainer, Dictionary<string, string> metadata, string runId)
    {
        string state = OptimizerCheckpoint.PathFor(checkpoint), previous = OptimizerCheckpoint.PreviousPathFor(checkpoint);
        try
        {
            if (File.Exists(state)) File.Move(state, previous, overwrite: true);
            OptimizerCheckpoint.Save<TNetwork>(state, optimizer, trainer.Optimizer, runId, Checkpoint.ContentHash(trainer.Parameters));
            Checkpoint.Save<TNetwork>(checkpoint, trainer.Parameters, metadata);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{checkpoint}: cannot save the epoch: {e.Message}", e);
        }
        DeletePreviousState(checkpoint);
    }

    /// <summary>The last step of a save: the state of the epoch before is no longer needed once the checkpoint is in place.</summary>
    private static void DeletePreviousState(string checkpoint)
    {
        string previous = OptimizerCheckpoint.PreviousPathFor(checkpoint);
        try
        {
            File.Delete(previous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{previous}: cannot delete the optimizer state of the epoch before: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads the optimizer state of <paramref name="resumed"/>: the current state file, else the previous one (a run
    /// killed mid-save), which then becomes the current one again: the next save moves the current state aside as the
    /// checkpoint's, and would otherwise replace the only state that fits it with one that does not.
    /// </summary>
    private static void LoadOptimizerState(string checkpoint, Checkpoint resumed, string optimizer, IOptimizer into)
    {
        string state = OptimizerCheckpoint.PathFor(checkpoint), previous = OptimizerCheckpoint.PreviousPathFor(checkpoint);
        try
        {
            OptimizerCheckpoint.Load<TNetwork>(state, optimizer, into, resumed);
        }
        catch (CheckpointException current) when (File.Exists(previous))
        {
            try
            {
                OptimizerCheckpoint.Load<TNetwork>(previous, optimizer, into, resumed);
            }
            catch (CheckpointException)
            {
                // Neither fits: the current state's error is the one to act on.
                ExceptionDispatchInfo.Throw(current);
            }
            try
            {
                File.Move(previous, state, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LeNet5Exception($"{previous}: cannot restore the optimizer state of the checkpoint: {e.Message}", e);
            }
        }
    }

    /// <summary>The history row of the epoch a checkpoint holds, from its metadata.</summary>
    private static EpochRecord RecordOf(Checkpoint checkpoint, int epoch, string evaluated)
    {
        double Value(string key) => checkpoint.Metadata.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, Invariant, out double value) ? value : double.NaN;
        return new EpochRecord(epoch, Value("train_loss"), Value(evaluated + "_loss"), Value(evaluated + "_accuracy"), Value("images_per_second"), Value("seconds"));
    }

    private static void WriteRow(Output output, EpochRecord row) =>
        output.Out.WriteLine(string.Create(Invariant,
            $"{row.Epoch,5}  {row.TrainLoss,10:F4}  {row.TestLoss,9:F4}  {row.TestAccuracy * 100,12:F2}%  {row.ImagesPerSecond,8:N0}  {row.Seconds,7:F1}"));

    /// <summary>
    /// Loads the checkpoint to resume from and checks that it was trained with the same recipe (resuming then gives
    /// exactly the result of an uninterrupted run).
    /// </summary>
    private static Checkpoint ResumePoint(string path, TrainingOptions options, int trainingImages, int validationImages, int epochs, out int completedEpochs)
    {
        if (!File.Exists(path)) throw new LeNet5Exception($"--resume: there is no checkpoint at {path} to resume from");
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(path);
        IReadOnlyDictionary<string, string> m = checkpoint.Metadata;
        (string Key, string Option, string Value)[] recipe =
        [
            ("optimizer", "--optimizer", options.Optimizer),
            ("batch_size", "--batch-size", options.BatchSize.ToString(Invariant)),
            ("learning_rate", "--learning-rate", options.LearningRate.ToString("R", Invariant)),
            ("learning_rate_decay", "--lr-decay", options.LearningRateDecay.ToString("R", Invariant)),
            ("momentum", "--momentum", options.Momentum.ToString("R", Invariant)),
            ("weight_decay", "--weight-decay", options.WeightDecay.ToString("R", Invariant)),
            ("seed", "--seed", options.Seed.ToString(Invariant)),
            ("training_images", "--limit", trainingImages.ToString(Invariant)),
            ("validation_images", "--validation", validationImages.ToString(Invariant)),
            ("distort", "--distort", options.Distort ? "true" : "false"),
            ("damping", "--damping", options.Damping.ToString("R", Invariant)),
        ];
        foreach ((string key, string option, string value) in recipe)
        {
            // Checkpoints written before --validation existed held no images out.
            string? saved = m.TryGetValue(key, out string? stored) ? stored : key == "validation_images" ? "0" : null;
            if (saved is null) throw new LeNet5Exception($"{path}: the checkpoint has no '{key}' in its metadata; cannot resume");
            if (saved != value)
                throw new LeNet5Exception($"--resume: {path} was trained with {key} {saved} but this run has {value}; give the same {option} to resume");
        }
        if (!m.TryGetValue("epoch", out string? epochText) || !int.TryParse(epochText, NumberStyles.None, Invariant, out completedEpochs))
            throw new LeNet5Exception($"{path}: the checkpoint has no valid 'epoch' in its metadata; cannot resume");
        if (completedEpochs > epochs)
            throw new LeNet5Exception($"--resume: {path} has already trained {completedEpochs} epochs, more than the {epochs} asked for; give --epochs {completedEpochs} or more");
        return checkpoint;
    }

    /// <summary>
    /// Fails before an epoch's work, not after it, when the disk cannot hold that epoch's saves: the checkpoint, the
    /// optimizer state and the previous state kept aside while they are written, plus room for the history and plot.
    /// </summary>
    private static void CheckFreeSpace(string checkpoint, long optimizerStateFloats)
    {
        long needed = (long)sizeof(float) * (2L * TNetwork.ParameterCount + 2L * optimizerStateFloats) + (1 << 20);
        long available;
        try
        {
            available = new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return; // Not every file system reports its free space; the atomic saves still keep what was written.
        }
        if (available < needed)
            throw new LeNet5Exception(string.Create(Invariant,
                $"{checkpoint}: the disk has {available:N0} bytes free but an epoch's saves need about {needed:N0}; free some space or choose another --output"));
    }

    /// <summary>Fails before training, not after the first epoch, when the checkpoint cannot be written.</summary>
    private static void CheckWritable(string checkpoint)
    {
        try
        {
            // Creates the temporary file a save would (and removes those of killed runs), then deletes it.
            using (AtomicFile.Create(checkpoint)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{checkpoint}: cannot write the checkpoint there: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public int Evaluate(EvaluateSettings settings, Output output)
    {
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(settings.Checkpoint);
        if (settings.Threads < 1) throw new LeNet5Exception($"--threads must be at least 1, not {settings.Threads}");
        DatasetKind dataset = DataSource.Parse(settings.Dataset);
        MnistDataset test = DataSource.LoadTest<TNetwork>(DataSource.Resolve(settings.Data, dataset, output), dataset);
        using var evaluator = new Evaluator<TNetwork>(settings.Threads);
        EvaluationResult result = evaluator.Evaluate(checkpoint.Parameters, test);

        TextWriter o = output.Out;
        o.WriteLine($"{TNetwork.Name} checkpoint {settings.Checkpoint} on {test.Count:N0} test images");
        if (checkpoint.Metadata.TryGetValue("epoch", out string? epoch) && checkpoint.Metadata.TryGetValue("optimizer", out string? optimizer))
        {
            string of = checkpoint.Metadata.TryGetValue("epochs", out string? epochs) ? $" of {epochs}" : "";
            string rate = checkpoint.Metadata.TryGetValue("learning_rate", out string? lr) ? $" lr {lr}" : "";
            o.WriteLine($"trained: epoch {epoch}{of}, {optimizer}{rate}");
        }
        o.WriteLine(string.Create(Invariant, $"accuracy: {result.Accuracy * 100:F2}% ({result.Correct} of {result.Count}), error {100 - result.Accuracy * 100:F2}%"));
        o.WriteLine(string.Create(Invariant, $"loss:     {result.MeanLoss:F4}"));
        o.WriteLine();
        WriteConfusion(o, result);
        return 0;
    }

    private static void WriteConfusion(TextWriter o, EvaluationResult result)
    {
        int classes = result.ClassCount;
        o.WriteLine("confusion matrix (rows: true digit, columns: predicted digit)");
        o.Write("true\\pred");
        for (int c = 0; c < classes; c++) o.Write(string.Create(Invariant, $"{c,6}"));
        o.WriteLine("  recall");
        for (int t = 0; t < classes; t++)
        {
            o.Write(string.Create(Invariant, $"{t,9}"));
            int total = 0;
            for (int p = 0; p < classes; p++)
            {
                o.Write(string.Create(Invariant, $"{result[t, p],6}"));
                total += result[t, p];
            }
            double recall = total == 0 ? 0 : 100.0 * result[t, t] / total;
            o.WriteLine(string.Create(Invariant, $"  {recall,5:F1}%"));
        }
    }

    /// <inheritdoc />
    public int Infer(InferSettings settings, Output output)
    {
        if (settings.Files.Count == 0 && settings.Indices.Count == 0)
            throw new LeNet5Exception($"infer needs image files and/or --index N (see '{output.Program} infer --help')");
        if (TNetwork.InputChannels != 1)
            throw new LeNet5Exception($"{TNetwork.Name} takes {TNetwork.InputChannels} channels; infer reads grey images only");
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(settings.Checkpoint);
        var options = new DigitImageOptions
        {
            Height = TNetwork.InputHeight,
            Width = TNetwork.InputWidth,
            Polarity = settings.Polarity,
            Framing = settings.Raw ? DigitFraming.WholeImage : DigitFraming.Mnist,
        };
        var shown = settings.Show is null ? null : new ShownImages(settings.Show);

        var logits = new float[TNetwork.ClassCount];
        var probabilities = new float[TNetwork.ClassCount];
        var workspace = new float[Math.Max(1, TNetwork.WorkspaceSize)];
        int width = settings.Files.Select(f => f.Length).Concat(settings.Indices.Select(i => $"test[{i}]".Length)).Max();
        void Classify(string label, float[] pixels, int? truth)
        {
            TNetwork.Infer(checkpoint.Parameters, pixels, logits, workspace, 1);
            int classIndex = ClassProbabilities.Compute(logits, probabilities);
            IReadOnlyList<string> names = TNetwork.ClassNames;
            string line = string.Create(Invariant, $"{label.PadRight(width)}  class {names[classIndex]}  confidence {probabilities[classIndex] * 100,6:F2}%");
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
                Classify(file, image.Normalize(TNetwork.InputScaling), null);
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

    /// <inheritdoc />
    public int ExportOnnx(ExportSettings settings, Output output)
    {
        if (string.IsNullOrWhiteSpace(settings.Output)) throw new LeNet5Exception("--output is empty; give the ONNX file's name, for example " + DefaultOnnxName);
        // A folder (existing, or written with a trailing separator) receives the model under its default name.
        string model = Directory.Exists(settings.Output) || Path.EndsInDirectorySeparator(settings.Output)
            ? Path.Combine(settings.Output, DefaultOnnxName)
            : settings.Output;
        if (Directory.Exists(model)) throw new LeNet5Exception($"--output {model} is a folder; give the ONNX file's name");
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(settings.Checkpoint);
        OnnxExporter.Export<TNetwork>(model, checkpoint.Parameters);
        output.Out.WriteLine(string.Create(Invariant,
            $"{TNetwork.Name} checkpoint {settings.Checkpoint} written as ONNX (opset {OnnxExporter.OpsetVersion}) to {model}: input '{OnnxExporter.InputName}' [batch, {TNetwork.InputChannels}, {TNetwork.InputHeight}, {TNetwork.InputWidth}], output '{OnnxExporter.OutputName}' [batch, {TNetwork.ClassCount}]"));
        return 0;
    }
}
