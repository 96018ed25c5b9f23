namespace LeNet5.Runtime;

/// <summary>Creates optimizers by name.</summary>
public static class Optimizers
{
    /// <summary>The optimizer names understood by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "adam", "sdlm"];

    /// <summary>Creates <c>sgd</c> (<see cref="SgdOptimizer"/>) <c>adam</c> (<see cref="AdamOptimizer"/>) or <c>sdlm</c> (<see cref="SdlmOptimizer"/>).</summary>
    /// <exception cref="LeNet5Exception">The name is not one of <see cref="Names"/>.</exception>
    public static IOptimizer Create(string name, int parameterCount, float learningRate, float momentum, float weightDecay, float damping = 0.02f) =>
        name.ToLowerInvariant() switch
        {
            "sdlm" => new SdlmOptimizer(parameterCount, learningRate, damping),
            "sgd" => new SgdOptimizer(parameterCount, learningRate, momentum, weightDecay),
            "adam" => new AdamOptimizer(parameterCount, learningRate, weightDecay: weightDecay),
            _ => throw new LeNet5Exception($"unknown optimizer '{name}'; use one of: {string.Join(", ", Names)}"),
        };

    /// <summary>The one check of a step size, shared by every optimizer's constructor and schedule.</summary>
    internal static float CheckedLearningRate(float value) =>
        value > 0 && float.IsFinite(value) ? value : throw new LeNet5Exception($"learning rate must be a positive number, not {value}");
}
