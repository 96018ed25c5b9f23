namespace LeNet5.Runtime;

/// <summary>An optimizer that updates a flat parameter buffer in place from its gradient.</summary>
public interface IOptimizer
{
    /// <summary>Number of steps taken so far.</summary>
    int StepCount { get; }

    /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradients"/> (same length as the parameters).</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
