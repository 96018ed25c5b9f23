using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Optimization;

/// <summary>The optimizers' names (as architecture files, the console and checkpoints spell them), and their creation.</summary>
public static class Optimizers
{
    /// <summary>Every optimizer's name, in the order of <see cref="OptimizerKind"/>: <c>sgd</c>, <c>adam</c>, <c>sdlm</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "adam", "sdlm"];

    /// <summary>The name of <paramref name="kind"/>: <c>sgd</c>, <c>adam</c> or <c>sdlm</c>.</summary>
    public static string Name(OptimizerKind kind) =>
        (uint)kind < (uint)Names.Count ? Names[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an optimizer");

    /// <summary>The optimizer named <paramref name="name"/> (any case), as <see cref="Parse"/> reads it; false if none is.</summary>
    public static bool TryParse(string? name, out OptimizerKind kind)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                kind = (OptimizerKind)i;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>The optimizer named <paramref name="name"/> (any case).</summary>
    /// <exception cref="LeNet5Exception">No optimizer has that name.</exception>
    public static OptimizerKind Parse(string name) =>
        TryParse(name, out OptimizerKind kind) ? kind : throw new LeNet5Exception($"unknown optimizer '{name}'; use one of: {string.Join(", ", Names)}");

    /// <summary>
    /// The optimizer of <paramref name="recipe"/> for <paramref name="parameterCount"/> parameters: <see cref="SgdOptimizer"/>
    /// (learning rate, momentum, weight decay), <see cref="AdamOptimizer"/> (learning rate, weight decay) or
    /// <see cref="SdlmOptimizer"/> (learning rate, damping).
    /// </summary>
    public static IOptimizer Create(TrainingRecipe recipe, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return recipe.Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(parameterCount, recipe.LearningRate, recipe.Momentum, recipe.WeightDecay),
            OptimizerKind.Adam => new AdamOptimizer(parameterCount, recipe.LearningRate, weightDecay: recipe.WeightDecay),
            OptimizerKind.Sdlm => new SdlmOptimizer(parameterCount, recipe.LearningRate, recipe.Damping),
            _ => throw new LeNet5Exception($"unknown optimizer {(int)recipe.Optimizer}; use one of: {string.Join(", ", Names)}"),
        };
    }

    /// <summary>The one check of a step size, shared by every optimizer's constructor and schedule.</summary>
    internal static float CheckedLearningRate(float value) =>
        value > 0 && float.IsFinite(value) ? value : throw new LeNet5Exception($"learning rate must be a positive number, not {value}");
}
