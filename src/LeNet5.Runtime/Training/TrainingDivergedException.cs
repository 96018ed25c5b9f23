namespace LeNet5.Runtime.Training;

/// <summary>Training stopped because the loss or the accuracy shows the run diverged (see <see cref="DivergenceMonitor"/>).</summary>
public sealed class TrainingDivergedException : LeNet5Exception
{
    /// <summary>Creates the exception with a user-facing message that says what was seen and its likely cause.</summary>
    public TrainingDivergedException(string message) : base(message) { }
}
