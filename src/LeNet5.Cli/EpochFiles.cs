using System.Globalization;
using System.Runtime.ExceptionServices;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli;

/// <summary>
/// The files of a training run (checkpoint, optimizer state, history) saved so that a kill at any moment resumes,
/// and the checks that pair them up again on <c>--resume</c>.
/// </summary>
internal static class EpochFiles
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The images a run trains and evaluates on, which the checkpoint's metadata holds beside the recipe and a resume
    /// compares: key, the option that sets it and the value.
    /// </summary>
    private static (string Key, string Option, string Value)[] Data(int trainingImages, int validationImages) =>
    [
        ("training_images", "--limit", trainingImages.ToString(Invariant)),
        ("validation_images", "--validation", validationImages.ToString(Invariant)),
    ];

    /// <summary>The option that sets each setting of the recipe's metadata, for the message of a resume that differs.</summary>
    private static readonly Dictionary<string, string> RecipeOptions = new()
    {
        ["optimizer"] = "--optimizer",
        ["batch_size"] = "--batch-size",
        ["learning_rate"] = "--learning-rate",
        ["learning_rate_decay"] = "--lr-decay",
        ["learning_rate_schedule"] = "--learning-rate and --lr-decay",
        ["momentum"] = "--momentum",
        ["weight_decay"] = "--weight-decay",
        ["seed"] = "--seed",
        ["distort"] = "--distort",
        ["damping"] = "--damping",
    };

    /// <summary>The checkpoint's metadata after an epoch: the recipe and data (checked on resume), the epoch's row and the run id.</summary>
    public static Dictionary<string, string> Metadata(TrainingRecipe recipe, int trainingImages, int validationImages, string evaluated, EpochRecord row, string runId)
    {
        var metadata = new Dictionary<string, string>
        {
            ["epoch"] = row.Epoch.ToString(Invariant),
            ["train_loss"] = row.TrainLoss.ToString("R", Invariant),
            [evaluated + "_loss"] = row.TestLoss.ToString("R", Invariant),
            [evaluated + "_accuracy"] = row.TestAccuracy.ToString("R", Invariant),
            ["images_per_second"] = row.ImagesPerSecond.ToString("R", Invariant),
            ["seconds"] = row.Seconds.ToString("R", Invariant),
            [Checkpoint.RunIdKey] = runId,
        };
        foreach ((string key, string value) in recipe.ToMetadata()) metadata[key] = value;
        foreach ((string key, _, string value) in Data(trainingImages, validationImages)) metadata[key] = value;
        return metadata;
    }

    /// <summary>
    /// Saves an epoch so that a kill between any two renames still resumes: the state of the checkpoint on disk is
    /// kept as the previous state until the new checkpoint is in place, and the history row can be rebuilt from the
    /// checkpoint's metadata.
    /// </summary>
    public static void SaveEpoch<TNetwork>(string checkpoint, OptimizerKind optimizer, Trainer<TNetwork> trainer, Dictionary<string, string> metadata, string runId)
        where TNetwork : struct, INetwork
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
    public static void DeletePreviousState(string checkpoint)
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
    public static void LoadOptimizerState<TNetwork>(string checkpoint, Checkpoint resumed, OptimizerKind optimizer, IOptimizer into)
        where TNetwork : struct, INetwork
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
    public static EpochRecord RecordOf(Checkpoint checkpoint, int epoch, string evaluated)
    {
        double Value(string key) => checkpoint.Metadata.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, Invariant, out double value) ? value : double.NaN;
        return new EpochRecord(epoch, Value("train_loss"), Value(evaluated + "_loss"), Value(evaluated + "_accuracy"), Value("images_per_second"), Value("seconds"));
    }

    /// <summary>
    /// Loads the checkpoint to resume from and checks that it was trained with the same recipe, the number of epochs
    /// aside, and on the same images (resuming then gives exactly the result of an uninterrupted run); null when the run
    /// has no checkpoint yet (killed in its first epoch), which then starts from the beginning, as the same run would.
    /// A checkpoint saved before a setting was recorded is taken to have used this run's.
    /// </summary>
    public static Checkpoint? ResumePoint<TNetwork>(string path, TrainingRecipe recipe, int trainingImages, int validationImages, out int completedEpochs)
        where TNetwork : struct, INetwork
    {
        completedEpochs = 0;
        if (!File.Exists(path)) return null;
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(path);
        IReadOnlyDictionary<string, string> m = checkpoint.Metadata;
        TrainingRecipe saved;
        try
        {
            saved = TrainingRecipe.FromMetadata(m, absent: recipe) with { Epochs = recipe.Epochs };
        }
        catch (CheckpointException e)
        {
            throw new LeNet5Exception($"{path}: {e.Message}; cannot resume", e);
        }
        if (saved != recipe) throw Differs(path, saved, recipe);
        foreach ((string key, string option, string value) in Data(trainingImages, validationImages))
        {
            // Checkpoints written before --validation existed held no images out.
            string? held = m.TryGetValue(key, out string? stored) ? stored : key == "validation_images" ? "0" : null;
            if (held is null) throw new LeNet5Exception($"{path}: the checkpoint has no '{key}' in its metadata; cannot resume");
            if (held != value)
                throw new LeNet5Exception($"--resume: {path} was trained with {key} {held} but this run has {value}; give the same {option} to resume");
        }
        if (!m.TryGetValue("epoch", out string? epochText) || !int.TryParse(epochText, NumberStyles.None, Invariant, out completedEpochs))
            throw new LeNet5Exception($"{path}: the checkpoint has no valid 'epoch' in its metadata; cannot resume");
        if (completedEpochs > recipe.Epochs)
            throw new LeNet5Exception($"--resume: {path} has already trained {completedEpochs} epochs, more than the {recipe.Epochs} asked for; give --epochs {completedEpochs} or more");
        return checkpoint;
    }

    /// <summary>The error of a resume whose recipe differs from the checkpoint's, naming the first setting that does.</summary>
    private static LeNet5Exception Differs(string path, TrainingRecipe saved, TrainingRecipe recipe)
    {
        IReadOnlyDictionary<string, string> before = saved.ToMetadata();
        foreach ((string key, string value) in recipe.ToMetadata())
        {
            if (before[key] == value) continue;
            string advice = RecipeOptions.TryGetValue(key, out string? option)
                ? $"give the same {option} to resume"
                : "the architecture's training section has changed since; cannot resume";
            return new LeNet5Exception($"--resume: {path} was trained with {key} {Shown(before[key])} but this run has {Shown(value)}; {advice}");
        }
        return new LeNet5Exception($"--resume: {path} was trained with another recipe ({saved}) than this run's ({recipe}); cannot resume");
    }

    private static string Shown(string value) => value.Length == 0 ? "none" : value;

    /// <summary>
    /// Fails before an epoch's work, not after it, when the disk cannot hold that epoch's saves: the checkpoint, the
    /// optimizer state and the previous state kept aside while they are written, <paramref name="extraCheckpoints"/>
    /// copies of the parameters (<c>--keep</c>), plus room for the history and plot.
    /// </summary>
    public static void CheckFreeSpace<TNetwork>(string checkpoint, long optimizerStateFloats, int extraCheckpoints = 0) where TNetwork : struct, INetwork
    {
        long needed = (long)sizeof(float) * ((2L + extraCheckpoints) * TNetwork.Description.ParameterCount + 2L * optimizerStateFloats) + (1 << 20);
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
    public static void CheckWritable(string checkpoint)
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
}
