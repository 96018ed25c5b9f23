using System.Globalization;
using System.Text;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Cli;

/// <summary>One row of the training history.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double ImagesPerSecond, double Seconds);

/// <summary>
/// Per-epoch history, written beside the checkpoint as CSV and as a PNG plot (ScottPlot). <paramref name="evaluated"/>
/// names the images evaluated after each epoch: "test", or "validation" when they are held out of the training set.
/// </summary>
public sealed class TrainingHistory(string architecture, string evaluated = "test")
{
    private readonly List<EpochRecord> _records = [];

    /// <summary>What each epoch was evaluated on: "test" or "validation".</summary>
    public string Evaluated => evaluated;

    /// <summary>The rows so far.</summary>
    public IReadOnlyList<EpochRecord> Records => _records;

    /// <summary>Appends a row.</summary>
    public void Add(EpochRecord record) => _records.Add(record);

    /// <summary>The best row so far: the first with the highest accuracy (a tie is no improvement); null before any.</summary>
    public EpochRecord? Best => _records.Aggregate((EpochRecord?)null, (best, r) => Improves(r, best) ? r : best);

    /// <summary>Whether <paramref name="row"/> beats <paramref name="best"/>: a strictly higher accuracy.</summary>
    public static bool Improves(EpochRecord row, EpochRecord? best) => best is null || row.TestAccuracy > best.TestAccuracy;

    /// <summary>The CSV path for a checkpoint path.</summary>
    public static string CsvPath(string checkpoint) => Path.ChangeExtension(checkpoint, ".csv");

    /// <summary>The plot path for a checkpoint path.</summary>
    public static string PlotPath(string checkpoint) => Path.ChangeExtension(checkpoint, ".png");

    /// <summary>Reads the rows of a history CSV written by <see cref="Write"/>; none if the file does not exist.</summary>
    public static IReadOnlyList<EpochRecord> ReadCsv(string path)
    {
        if (!File.Exists(path)) return [];
        var records = new List<EpochRecord>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] f = line.Split(',');
            if (f.Length < 6) continue;
            CultureInfo c = CultureInfo.InvariantCulture;
            if (int.TryParse(f[0], NumberStyles.None, c, out int epoch) && double.TryParse(f[1], NumberStyles.Float, c, out double trainLoss)
                && double.TryParse(f[2], NumberStyles.Float, c, out double testLoss) && double.TryParse(f[3], NumberStyles.Float, c, out double accuracy)
                && double.TryParse(f[4], NumberStyles.Float, c, out double speed) && double.TryParse(f[5], NumberStyles.Float, c, out double seconds))
            {
                records.Add(new EpochRecord(epoch, trainLoss, testLoss, accuracy, speed, seconds));
            }
        }
        return records;
    }

    /// <summary>Writes the CSV and the plot beside <paramref name="checkpoint"/>.</summary>
    public void Write(string checkpoint)
    {
        var csv = new StringBuilder($"epoch,train_loss,{evaluated}_loss,{evaluated}_accuracy,images_per_second,seconds\n");
        foreach (EpochRecord r in _records)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Epoch},{r.TrainLoss:R},{r.TestLoss:R},{r.TestAccuracy:R},{r.ImagesPerSecond:F1},{r.Seconds:F3}\n");
        }
        WriteAtomically(CsvPath(checkpoint), Encoding.UTF8.GetBytes(csv.ToString()), "training history");
        WriteAtomically(PlotPath(checkpoint), RenderPlot(), "plot");
    }

    /// <summary>Loss (left, log scale) and accuracy (right) per epoch, as PNG bytes (see <see cref="TrainingPlot"/>).</summary>
    public byte[] RenderPlot() => TrainingPlot.Render(_records, Best, architecture, evaluated);

    private static void WriteAtomically(string path, byte[] content, string what)
    {
        try
        {
            AtomicFile.Write(path, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot write the {what}: {e.Message}", e);
        }
    }
}
