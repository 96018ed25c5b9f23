using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Cli;

/// <summary>What <c>train --keep</c> keeps beside the checkpoint of the last epoch.</summary>
public enum KeepMode
{
    /// <summary>Only the last epoch's checkpoint.</summary>
    Last,

    /// <summary>Also <c>NAME.best.safetensors</c>, the epoch with the highest accuracy so far.</summary>
    Best,

    /// <summary>Also the best and every epoch's own <c>NAME.epoch-03.safetensors</c>.</summary>
    All,
}

/// <summary>
/// The copies of epochs that <c>--keep</c> asks for: the best so far (<c>NAME.best.safetensors</c>) and each epoch
/// (<c>NAME.epoch-01.safetensors</c>), written after the epoch's checkpoint. Each is a checkpoint with that epoch's
/// metadata, so <c>evaluate</c>, <c>infer</c> and <c>export</c> take it as it is. Which epoch is the best follows
/// from the history; the best file's own metadata says which epoch and run it holds, which is how a resumed run
/// checks it (and rewrites it after a kill between the checkpoint's save and its own).
/// </summary>
internal static class KeptCheckpoints
{
    /// <summary>The names <c>--keep</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["best", "last", "all"];

    /// <summary>The mode named <paramref name="name"/> (null: best).</summary>
    public static KeepMode Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "best" => KeepMode.Best,
        "last" => KeepMode.Last,
        "all" => KeepMode.All,
        _ => throw new LeNet5Exception($"unknown --keep '{name}'; use one of: {string.Join(", ", Names)}"),
    };

    /// <summary>The best epoch's file: <c>lenet5.best.safetensors</c> beside <c>lenet5.safetensors</c>.</summary>
    public static string BestPath(string checkpoint) => Path.ChangeExtension(checkpoint, ".best.safetensors");

    /// <summary>Epoch <paramref name="epoch"/>'s own file (1-based): <c>lenet5.epoch-03.safetensors</c>.</summary>
    public static string EpochPath(string checkpoint, int epoch) => EpochPath(checkpoint, epoch.ToString("D2", CultureInfo.InvariantCulture));

    /// <summary>The name of the epochs' files, as the console tells it: <c>lenet5.epoch-NN.safetensors</c>.</summary>
    public static string EpochPattern(string checkpoint) => Path.GetFileName(EpochPath(checkpoint, "NN"));

    private static string EpochPath(string checkpoint, string epoch) => Path.ChangeExtension(checkpoint, $".epoch-{epoch}.safetensors");

    /// <summary>How many more copies of the parameters an epoch's save writes.</summary>
    public static int ExtraFiles(KeepMode keep) => keep switch
    {
        KeepMode.Last => 0,
        KeepMode.Best => 1,
        _ => 2,
    };

    /// <summary>
    /// Writes the copies of epoch <paramref name="epoch"/> (1-based), just saved at <paramref name="checkpoint"/> with
    /// <paramref name="parameters"/> and <paramref name="metadata"/>, that <paramref name="keep"/> asks for; the best
    /// file only when <paramref name="isBest"/>.
    /// </summary>
    public static void SaveEpoch<TNetwork>(string checkpoint, KeepMode keep, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string> metadata, int epoch, bool isBest)
        where TNetwork : struct, INetwork
    {
        if (keep != KeepMode.Last && isBest) Save<TNetwork>(BestPath(checkpoint), parameters, metadata, "the best epoch's checkpoint");
        if (keep == KeepMode.All) Save<TNetwork>(EpochPath(checkpoint, epoch), parameters, metadata, $"epoch {epoch}'s checkpoint");
    }

    /// <summary>
    /// On <c>--resume</c> from epoch <paramref name="resumedEpoch"/>: makes sure the copies of that epoch exist (a
    /// kill can fall between the checkpoint's save and theirs) and that the best file holds <paramref name="best"/>.
    /// </summary>
    /// <exception cref="LeNet5Exception">The best epoch is an earlier one whose weights were not kept.</exception>
    public static void Resume<TNetwork>(string checkpoint, KeepMode keep, Checkpoint resumed, int resumedEpoch, EpochRecord best, string runId)
        where TNetwork : struct, INetwork
    {
        if (keep == KeepMode.Last) return;
        string bestPath = BestPath(checkpoint);
        string? mismatch = Mismatch<TNetwork>(bestPath, best.Epoch, runId);
        if (mismatch is not null)
        {
            if (best.Epoch != resumedEpoch)
            {
                throw new LeNet5Exception(
                    $"--resume: {bestPath} should hold epoch {best.Epoch}, the best of this run so far, but {mismatch}; resume with --keep last, or start a new run with --overwrite");
            }
            Save<TNetwork>(bestPath, resumed.Parameters, resumed.Metadata, "the best epoch's checkpoint");
        }
        string epochPath = EpochPath(checkpoint, resumedEpoch);
        if (keep == KeepMode.All && !File.Exists(epochPath)) Save<TNetwork>(epochPath, resumed.Parameters, resumed.Metadata, $"epoch {resumedEpoch}'s checkpoint");
    }

    /// <summary>Why <paramref name="path"/> is not epoch <paramref name="epoch"/> of run <paramref name="runId"/>, or null if it is.</summary>
    private static string? Mismatch<TNetwork>(string path, int epoch, string runId) where TNetwork : struct, INetwork
    {
        if (!File.Exists(path)) return "there is no such file (the run kept only its last checkpoint?)";
        IReadOnlyDictionary<string, string> metadata = Checkpoint.Load<TNetwork>(path).Metadata;
        if (!metadata.TryGetValue(Checkpoint.RunIdKey, out string? run) || run != runId) return "it belongs to another training run";
        string saved = metadata.TryGetValue("epoch", out string? text) ? text : "no epoch";
        return saved == epoch.ToString(CultureInfo.InvariantCulture) ? null : $"it holds epoch {saved}";
    }

    private static void Save<TNetwork>(string path, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string> metadata, string what)
        where TNetwork : struct, INetwork
    {
        try
        {
            Checkpoint.Save<TNetwork>(path, parameters, metadata);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot save {what}: {e.Message}", e);
        }
    }
}
