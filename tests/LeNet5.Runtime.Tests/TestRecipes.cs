using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>Recipes for tests that set their own training options.</summary>
internal static class TestRecipes
{
    /// <summary>Adam at 1e-3, batch 64, seed 1: the recipe most trainer tests start from.</summary>
    public static TrainingRecipe Adam { get; } = new() { Epochs = 1, BatchSize = 64, Optimizer = OptimizerKind.Adam, LearningRate = 1e-3f, Momentum = 0, WeightDecay = 0, Seed = 1 };
}
