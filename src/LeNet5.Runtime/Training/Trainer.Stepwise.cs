using System.Diagnostics;
using LeNet5.Runtime.Data;

namespace LeNet5.Runtime.Training;

public sealed partial class Trainer<TNetwork>
{
    /// <summary>
    /// Starts an epoch to be trained one optimizer step at a time by the caller, for hosts that must hand control back
    /// between steps (a browser's single thread, a UI loop). <see cref="TrainEpoch"/> is this loop run to the end, so
    /// the shuffle, learning rate, shards and divergence checks are the same and the parameters end bit-identical.
    /// With <see cref="ExecutionSettings.Threads"/> 1 no thread is ever started.
    /// </summary>
    /// <param name="data">Training images; their size must be the network's input size. Keep it unchanged until the epoch ends.</param>
    /// <param name="epoch">The epoch number (0-based), which selects the shuffle and the learning rate.</param>
    /// <returns>The epoch in progress; call <see cref="EpochRun.Step"/> until <see cref="EpochRun.IsComplete"/>, then <see cref="EpochRun.Finish"/>.</returns>
    /// <exception cref="LeNet5Exception">The images do not fit the network.</exception>
    public EpochRun BeginEpoch(MnistDataset data, int epoch)
    {
        long started = Stopwatch.GetTimestamp();
        StartEpoch(data, epoch);
        return new EpochRun(this, data, epoch, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// An epoch trained one step at a time (see <see cref="BeginEpoch"/>). Time is counted only inside
    /// <see cref="BeginEpoch"/> and <see cref="Step"/>, so <see cref="TrainingProgress.ImagesPerSecond"/> is the
    /// training speed, not including what the host did between steps.
    /// </summary>
    public sealed class EpochRun
    {
        private readonly Trainer<TNetwork> _trainer;
        private readonly MnistDataset _data;
        private TimeSpan _elapsed;
        private double _lossSum;
        private int _done;
        private int _steps;
        private bool _finished;

        internal EpochRun(Trainer<TNetwork> trainer, MnistDataset data, int epoch, TimeSpan elapsed)
        {
            _trainer = trainer;
            _data = data;
            Epoch = epoch;
            _elapsed = elapsed;
        }

        /// <summary>The epoch, 0-based.</summary>
        public int Epoch { get; }

        /// <summary>Whether every image of the epoch has been trained.</summary>
        public bool IsComplete => _done >= _data.Count;

        /// <summary>Optimizer steps taken in this epoch.</summary>
        public int Steps => _steps;

        /// <summary>Progress so far (as <see cref="TrainEpoch"/> reports after each step).</summary>
        public TrainingProgress Progress => new(Epoch, _done, _data.Count, _done == 0 ? 0 : _lossSum / _done,
            _done / Math.Max(_elapsed.TotalSeconds, 1e-9), _elapsed);

        /// <summary>Trains the next batch and returns the progress after it.</summary>
        /// <exception cref="InvalidOperationException">The epoch is complete, or another epoch was begun since.</exception>
        /// <exception cref="TrainingDivergedException">The loss stopped being finite or rose far above the initial loss.</exception>
        public TrainingProgress Step()
        {
            if (IsComplete || _finished) throw new InvalidOperationException($"epoch {Epoch + 1} is complete");
            if (_trainer._epoch != Epoch) throw new InvalidOperationException($"epoch {_trainer._epoch + 1} was begun since epoch {Epoch + 1}");
            long started = Stopwatch.GetTimestamp();
            int start = _done;
            int size = Math.Min(_trainer.Recipe.BatchSize, _data.Count - start);
            double batchLoss;
            _trainer._data = _data;
            try
            {
                batchLoss = _trainer.Step(start, size);
            }
            finally
            {
                _trainer._data = null;
            }
            _trainer.Divergence.ObserveStep(Epoch, _steps + 1, size, batchLoss / size, (_lossSum + batchLoss) / (start + size));
            _lossSum += batchLoss;
            _done = start + size;
            _steps++;
            _elapsed += Stopwatch.GetElapsedTime(started);
            return Progress;
        }

        /// <summary>Ends the epoch (it must be complete) and returns what <see cref="TrainEpoch"/> would.</summary>
        /// <exception cref="InvalidOperationException">Images of the epoch remain to be trained.</exception>
        public EpochResult Finish()
        {
            if (!IsComplete) throw new InvalidOperationException($"epoch {Epoch + 1} has {_data.Count - _done} images left");
            double meanLoss = _data.Count == 0 ? 0 : _lossSum / _data.Count;
            if (!_finished && _data.Count > 0) _trainer.Divergence.ObserveEpoch(Epoch, meanLoss);
            _finished = true;
            return new EpochResult(Epoch, _data.Count, _steps, meanLoss, _elapsed);
        }
    }
}
