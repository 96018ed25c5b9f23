using System.CommandLine;
using System.Globalization;
using LeNet5.Runtime;

namespace LeNet5.Cli.Commands;

/// <summary><c>train</c>: trains the network, evaluating and saving a checkpoint after every epoch.</summary>
internal static class TrainCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create(CommandContext context)
    {
        TrainingDefaults d = context.Network.Training;
        var epochs = new Option<int?>("--epochs") { Description = $"Passes over the training set [default: {d.Epochs}]" };
        var batchSize = new Option<int?>("--batch-size") { Description = $"Images per optimizer step [default: {d.BatchSize}]" };
        var optimizer = new Option<string?>("--optimizer") { Description = $"sgd, adam or sdlm [default: {d.Optimizer}]" };
        optimizer.AcceptOnlyFromAmong([.. Optimizers.Names]);
        var learningRate = new Option<float?>("--learning-rate", "--lr") { Description = string.Create(Invariant, $"Step size [default: {d.LearningRate:G}]") };
        var learningRateDecay = new Option<float?>("--lr-decay") { Description = string.Create(Invariant, $"Learning-rate factor applied after every epoch [default: {d.LearningRateDecay:G}]") };
        var momentum = new Option<float?>("--momentum") { Description = string.Create(Invariant, $"SGD momentum [default: {d.Momentum:G}]") };
        var weightDecay = new Option<float?>("--weight-decay") { Description = string.Create(Invariant, $"L2 penalty [default: {d.WeightDecay:G}]") };
        var seed = new Option<int?>("--seed") { Description = $"Seed of initialisation and shuffling [default: {d.Seed}]" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Checkpoint to write after every epoch (safetensors); the history .csv and plot .png go beside it",
            DefaultValueFactory = _ => context.Network.DefaultCheckpoint,
            HelpName = "PATH",
        };
        var distort = new Option<bool?>("--distort")
        {
            Description = $"Random affine distortions of the training images: true or false [default: {(d.Distort ? "true" : "false")}]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var damping = new Option<float?>("--damping") { Description = string.Create(Invariant, $"The mu of sdlm: each step is lr / (mu + curvature) [default: {d.Damping:G}]") };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only (quick runs)", HelpName = "N" };
        var validation = new Option<int?>("--validation")
        {
            Description = "Hold out the last N training images and evaluate on them instead of the test set (to choose a recipe without looking at the test set)",
            HelpName = "N",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run saved at --output up to --epochs (same recipe; the result equals an uninterrupted run)",
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Start a new run even though --output holds the checkpoint of another one, and replace it",
        };
        var command = new Command("train", $"Train {context.Network.Name} on MNIST, evaluating on the test set after every epoch")
        {
            context.Data, context.Dataset, epochs, batchSize, optimizer, learningRate, learningRateDecay, momentum, weightDecay, seed,
            context.Threads, output, limit, validation, distort, damping, resume, overwrite,
        };
        command.SetAction(parse => context.Network.Accept(new Run(new TrainSettings
        {
            Data = parse.GetValue(context.Data),
            Dataset = parse.GetValue(context.Dataset),
            Epochs = parse.GetValue(epochs),
            BatchSize = parse.GetValue(batchSize),
            Optimizer = parse.GetValue(optimizer),
            LearningRate = parse.GetValue(learningRate),
            LearningRateDecay = parse.GetValue(learningRateDecay),
            Momentum = parse.GetValue(momentum),
            WeightDecay = parse.GetValue(weightDecay),
            Seed = parse.GetValue(seed),
            Threads = parse.GetValue(context.Threads),
            Output = parse.GetValue(output),
            Limit = parse.GetValue(limit),
            Validation = parse.GetValue(validation),
            Distort = parse.GetResult(distort) is null ? null : parse.GetValue(distort) ?? true,
            Damping = parse.GetValue(damping),
            Resume = parse.GetValue(resume),
            Overwrite = parse.GetValue(overwrite),
        }, context.Output)));
        return command;
    }

    private sealed class Run(TrainSettings settings, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Train<TNetwork>(settings, output);
    }

    private static int Train<TNetwork>(TrainSettings settings, Output output) where TNetwork : struct, INetwork
    {
        TrainingDefaults defaults = TNetwork.Training;
        int epochs = settings.Epochs ?? defaults.Epochs;
        if (epochs < 1) throw new LeNet5Exception($"--epochs must be at least 1, not {epochs}");
        if (settings.Limit is < 1) throw new LeNet5Exception($"--limit must be at least 1, not {settings.Limit}");
        if (settings.Validation is < 1) throw new LeNet5Exception($"--validation must be at least 1, not {settings.Validation}");
        TrainingOptions options = settings.Options(defaults);
        try
        {
            options.Validate();
        }
        catch (LeNet5Exception e)
        {
            throw new LeNet5Exception("invalid option: " + e.Message);
        }
        string defaultCheckpoint = new ConsoleNetwork<TNetwork>().DefaultCheckpoint;
        if (settings.Output is not null && string.IsNullOrWhiteSpace(settings.Output))
            throw new LeNet5Exception($"--output is empty; give the checkpoint's file name, for example {defaultCheckpoint}");
        string checkpoint = settings.Output ?? defaultCheckpoint;
        if (Directory.Exists(checkpoint)) throw new LeNet5Exception($"--output {checkpoint} is a folder; give the checkpoint's file name, for example {Path.Combine(checkpoint, Path.GetFileName(defaultCheckpoint))}");
        using OutputLock runLock = OutputLock.Acquire(checkpoint);
        EpochFiles.CheckWritable(checkpoint);
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
        output.Out.WriteLine(Describe(options, epochs));
        output.Out.WriteLine();
        output.Out.WriteLine(settings.Validation is null
            ? "epoch  train loss  test loss  test accuracy  images/s  seconds"
            : "epoch  train loss   val loss   val accuracy  images/s  seconds");

        var history = new TrainingHistory(TNetwork.Name, evaluated);
        int firstEpoch = 0;
        Checkpoint? resumed = settings.Resume ? EpochFiles.ResumePoint<TNetwork>(checkpoint, options, train.Count, settings.Validation ?? 0, epochs, out firstEpoch) : null;
        if (settings.Resume && resumed is null) output.Error.WriteLine($"{output.Program}: note: no checkpoint at {checkpoint} yet; the run starts from epoch 1");
        using var trainer = new Trainer<TNetwork>(options, resumed is null ? default : resumed.Parameters);
        // One id for the whole run, kept across resumes, binds each optimizer state to its own checkpoint.
        string runId = resumed is not null && resumed.Metadata.TryGetValue(Checkpoint.RunIdKey, out string? savedRun) ? savedRun : Guid.NewGuid().ToString("N");
        if (resumed is not null)
        {
            EpochFiles.LoadOptimizerState<TNetwork>(checkpoint, resumed, options.Optimizer, trainer.Optimizer);
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
                history.Add(EpochFiles.RecordOf(resumed, firstEpoch, evaluated));
                history.Write(checkpoint);
            }
            foreach (EpochRecord r in history.Records) WriteRow(output, r);
        }
        using var evaluator = new Evaluator<TNetwork>(options.Threads);
        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            EpochFiles.CheckFreeSpace<TNetwork>(checkpoint, trainer.Optimizer.StateBuffers.Sum(b => (long)b.Buffer.Length));
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
            EpochFiles.SaveEpoch(checkpoint, options.Optimizer, trainer, EpochFiles.Metadata(options, epochs, train.Count, settings.Validation ?? 0, evaluated, row, runId), runId);
            history.Write(checkpoint);
        }
        if (firstEpoch == epochs)
        {
            // Nothing left to train, but a run killed just after its last checkpoint left that epoch's save unfinished.
            output.Out.WriteLine($"{checkpoint} has already trained {epochs} epochs; nothing to train (ask for more with --epochs)");
            EpochFiles.DeletePreviousState(checkpoint);
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

    /// <summary>The recipe line printed before the table.</summary>
    private static string Describe(TrainingOptions options, int epochs)
    {
        string momentumText = options.Optimizer == "sgd" ? string.Create(Invariant, $" momentum {options.Momentum:G}") : "";
        string decayText = options.LearningRateSchedule.Count > 0
            ? " scheduled " + string.Join(", ", options.LearningRateSchedule.Select(r => r.ToString("G", Invariant)))
            : options.LearningRateDecay == 1f ? "" : string.Create(Invariant, $" x{options.LearningRateDecay:G} per epoch");
        if (options.Optimizer == "sdlm") decayText += string.Create(Invariant, $", mu {options.Damping:G}, curvature from {options.CurvatureSamples} images per epoch");
        if (options.Distort) decayText += ", affine distortions";
        string threadsText = options.Threads == 1 ? "1 thread" : $"{options.Threads} threads";
        return string.Create(Invariant,
            $"{epochs} epochs, batch {options.BatchSize}, {options.Optimizer} lr {options.LearningRate:G}{decayText}{momentumText}, weight decay {options.WeightDecay:G}, seed {options.Seed}, {threadsText}");
    }

    private static void WriteRow(Output output, EpochRecord row) =>
        output.Out.WriteLine(string.Create(Invariant,
            $"{row.Epoch,5}  {row.TrainLoss,10:F4}  {row.TestLoss,9:F4}  {row.TestAccuracy * 100,12:F2}%  {row.ImagesPerSecond,8:N0}  {row.Seconds,7:F1}"));
}

/// <summary>Options of <c>train</c>; null means the architecture's default.</summary>
internal sealed record TrainSettings
{
    public string? Data { get; init; }
    public string? Dataset { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public string? Optimizer { get; init; }
    public float? LearningRate { get; init; }
    public float? LearningRateDecay { get; init; }
    public float? Momentum { get; init; }
    public float? WeightDecay { get; init; }
    public int? Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Checkpoint path.</summary>
    public string? Output { get; init; }
    public bool? Distort { get; init; }
    /// <summary>The mu of sdlm.</summary>
    public float? Damping { get; init; }
    /// <summary>Train on the first N training images only.</summary>
    public int? Limit { get; init; }
    /// <summary>Hold out the last N training images and evaluate on them instead of the test set.</summary>
    public int? Validation { get; init; }
    /// <summary>Continue from the checkpoint at <see cref="Output"/> and its optimizer state.</summary>
    public bool Resume { get; init; }
    /// <summary>Replace a checkpoint of another run at <see cref="Output"/> instead of refusing to.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The architecture's recipe with these options applied.</summary>
    public TrainingOptions Options(TrainingDefaults defaults) => new(defaults)
    {
        BatchSize = BatchSize ?? defaults.BatchSize,
        Optimizer = (Optimizer ?? defaults.Optimizer).ToLowerInvariant(),
        LearningRate = LearningRate ?? defaults.LearningRate,
        LearningRateDecay = LearningRateDecay ?? defaults.LearningRateDecay,
        Momentum = Momentum ?? defaults.Momentum,
        WeightDecay = WeightDecay ?? defaults.WeightDecay,
        Seed = Seed ?? defaults.Seed,
        Threads = Threads,
        // A rate given on the command line replaces the architecture's per-epoch schedule.
        LearningRateSchedule = LearningRate is null && LearningRateDecay is null ? defaults.LearningRateSchedule ?? [] : [],
        Distort = Distort ?? defaults.Distort,
        Damping = Damping ?? defaults.Damping,
        CurvatureSamples = defaults.CurvatureSamples,
    };
}
