namespace LeNet5.Runtime.Optimization;

/// <summary>An optimizer that updates a flat parameter buffer in place from its gradient.</summary>
public interface IOptimizer
{
    /// <summary>Number of steps taken so far.</summary>
    int StepCount { get; }

    /// <summary>The step size of the next steps; a schedule changes it between epochs.</summary>
    float LearningRate { get; set; }

    /// <summary>
    /// The optimizer's state, one buffer per entry with one float per parameter, named as in PyTorch's optimizer
    /// <c>state_dict</c> (<c>momentum_buffer</c>; <c>exp_avg</c>, <c>exp_avg_sq</c>). Written in place to restore a state.
    /// </summary>
    IReadOnlyList<(string Name, float[] Buffer)> StateBuffers { get; }

    /// <summary>Sets <see cref="StepCount"/> after <see cref="StateBuffers"/> have been filled from a saved state.</summary>
    void RestoreStepCount(int stepCount);

    /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradients"/> (same length as the parameters).</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
