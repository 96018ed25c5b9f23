using System.Text.Json;
using LeNet5.Runtime;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Model.Tests;

/// <summary>The recipes the generator emits from the architecture files' <c>training</c> sections, and what LeNet5.Model ships.</summary>
public sealed class GeneratedRecipeTests
{
    [Fact]
    public void The_seed_network_has_the_recipe_of_its_file()
    {
        var expected = new TrainingRecipe
        {
            Epochs = 10, BatchSize = 64, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05f, LearningRateDecay = 0.85f, Momentum = 0.9f, WeightDecay = 0, Seed = 1,
        };
        Assert.Equal(expected, LeNet5Network.Description.Training);
    }

    [Fact]
    public void The_paper_network_has_the_recipe_of_its_file_with_its_schedule()
    {
        var expected = new TrainingRecipe
        {
            Epochs = 20, BatchSize = 1, Optimizer = OptimizerKind.Sdlm, LearningRate = 0.0005f,
            LearningRateSchedule = [0.0005f, 0.0005f, 0.0002f, 0.0002f, 0.0002f, 0.0001f, 0.0001f, 0.0001f, 5e-05f, 5e-05f, 5e-05f, 5e-05f, 1e-05f, 1e-05f, 1e-05f, 1e-05f, 1e-05f, 1e-05f, 1e-05f, 1e-05f],
            Damping = 0.5f, CurvatureSamples = 500, Distort = false, Seed = 1,
        };
        Assert.Equal(expected, PaperNetwork.Description.Training);
    }

    [Fact]
    public void A_file_without_a_training_section_gets_the_runtimes_defaults() => Assert.Equal(new TrainingRecipe(), ConvCheckNetwork.Description.Training);

    [Fact]
    public void The_architecture_schema_documents_the_runtimes_defaults_and_optimizer_names()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Architecture("architecture.schema.json")));
        JsonElement training = schema.RootElement.GetProperty("properties").GetProperty("training").GetProperty("properties");
        float Default(string name) => training.GetProperty(name).GetProperty("default").GetSingle();
        var recipe = new TrainingRecipe();
        Assert.Equal(recipe.Epochs, Default("epochs"));
        Assert.Equal(recipe.BatchSize, Default("batchSize"));
        Assert.Equal(recipe.LearningRate, Default("learningRate"));
        Assert.Equal(recipe.LearningRateDecay, Default("learningRateDecay"));
        Assert.Equal(recipe.Momentum, Default("momentum"));
        Assert.Equal(recipe.WeightDecay, Default("weightDecay"));
        Assert.Equal(recipe.Seed, Default("seed"));
        Assert.Equal(recipe.Damping, Default("damping"));
        Assert.Equal(recipe.CurvatureSamples, Default("curvatureSamples"));
        Assert.Equal(recipe.Distort, training.GetProperty("distort").GetProperty("default").GetBoolean());
        JsonElement optimizer = training.GetProperty("optimizer");
        Assert.Equal(Optimizers.Name(recipe.Optimizer), optimizer.GetProperty("default").GetString());
        Assert.Equal(Optimizers.Names, optimizer.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public void The_model_package_ships_only_the_trained_seed_network()
    {
        string[] networks = [.. typeof(DigitClassifier).Assembly.GetExportedTypes().Where(t => typeof(INetwork).IsAssignableFrom(t)).Select(t => t.Name)];
        Assert.Equal(["LeNet5Network"], networks);
    }
}
