using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void The_learning_rate_decays_once_per_epoch()
    {
        using var trainer = new Trainer<LeNet5Network>(TestRecipes.Adam with { Optimizer = OptimizerKind.Sgd, LearningRate = 0.05f, LearningRateDecay = 0.5f }, new ExecutionSettings { Threads = 1 });
        Assert.Equal(0.05f, trainer.LearningRateAt(0));
        Assert.Equal(0.025f, trainer.LearningRateAt(1));
        Assert.Equal(0.00625f, trainer.LearningRateAt(3));
    }

    [Fact]
    public void A_decay_outside_zero_to_one_is_refused()
    {
        var error = Assert.Throws<LeNet5Exception>(() => (TestRecipes.Adam with { LearningRateDecay = 1.5f }).Validate());
        Assert.Equal("learning rate decay must be in (0, 1], not 1.5", error.Message);
    }

    [Fact]
    public void The_seed_recipe_declares_its_schedule()
    {
        TrainingRecipe recipe = LeNet5Network.Description.Training;
        Assert.Equal(0.85f, recipe.LearningRateDecay);
        Assert.Equal(OptimizerKind.Sgd, recipe.Optimizer);
    }
}
