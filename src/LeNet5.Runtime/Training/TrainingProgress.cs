namespace LeNet5.Runtime.Training;

/// <summary>Progress through an epoch, reported after every optimizer step.</summary>
/// <param name="Epoch">The epoch, 0-based.</param>
/// <param name="ImagesDone">Images of this epoch trained so far.</param>
/// <param name="ImagesTotal">Images in the epoch.</param>
/// <param name="RunningLoss">Mean training loss over the images of this epoch so far.</param>
/// <param name="ImagesPerSecond">Throughput so far in this epoch.</param>
/// <param name="Elapsed">Time since the epoch started.</param>
public readonly record struct TrainingProgress(int Epoch, int ImagesDone, int ImagesTotal, double RunningLoss, double ImagesPerSecond, TimeSpan Elapsed)
{
    /// <summary>Fraction of the epoch done, 0 to 1.</summary>
    public double Fraction => ImagesTotal == 0 ? 1 : (double)ImagesDone / ImagesTotal;
}

/// <summary>The outcome of one training epoch.</summary>
/// <param name="Epoch">The epoch, 0-based.</param>
/// <param name="Images">Images trained.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="MeanLoss">Mean training loss over the epoch's images (measured before each step's update).</param>
/// <param name="Elapsed">Wall time of the epoch.</param>
public sealed record EpochResult(int Epoch, int Images, int Steps, double MeanLoss, TimeSpan Elapsed)
{
    /// <summary>Throughput of the epoch.</summary>
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Images / Elapsed.TotalSeconds : 0;
}
