namespace LeNet5.Runtime;

/// <summary>An optimizer that updates a flat parameter buffer in place from its gradient.</summary>
public interface IOptimizer
{
    /// <summary>Number of steps taken so far.</summary>
    int StepCount { get; }

    /// <summary>The step size of the next steps; a schedule changes it between epochs.</summary>
    float LearningRate { get; set; }

    /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradients"/> (same length as the parameters).</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
