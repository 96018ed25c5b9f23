using System.Runtime.InteropServices;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Loss;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;
using PaperNetwork = LeNet5.Trainer.PaperNetwork;

namespace LeNet5.Runtime.Tests;

/// <summary>The pieces of the paper's recipe: the MAP loss, sdlm, distortions, input scaling, and a short paper training.</summary>
public sealed class PaperRecipeTests
{
    [Fact]
    public void Map_criterion_gradient_matches_finite_differences_and_adds_the_constant_logit()
    {
        float[] logits = [-3f, -0.5f, -7f, -1.25f];
        byte[] label = [1];
        const float j = 1.5f;
        var gradient = new float[4];
        double loss = MapCriterion.SumLoss(logits, label, 4, j, gradient, 1f);
        double expected = -logits[1] + Math.Log(Math.Exp(-j) + logits.Sum(z => Math.Exp(z)));
        Assert.Equal(expected, loss, 5);
        for (int k = 0; k < 4; k++)
        {
            float[] plus = (float[])logits.Clone(), minus = (float[])logits.Clone();
            plus[k] += 1e-3f;
            minus[k] -= 1e-3f;
            double numeric = (MapCriterion.SumLoss(plus, label, 4, j, [], 0f) - MapCriterion.SumLoss(minus, label, 4, j, [], 0f)) / 2e-3;
            Assert.Equal(numeric, gradient[k], 3);
        }
        // The extra logit takes some probability mass: the gradients sum to -P(-j), not 0.
        Assert.True(gradient.Sum() < -0.01f);
    }

    [Fact]
    public void Map_criterion_is_finite_for_far_away_prototypes()
    {
        float[] logits = [-900f, -850f, -1000f];
        var gradient = new float[3];
        double loss = MapCriterion.SumLoss(logits, [0], 3, 1f, gradient, 1f);
        Assert.True(double.IsFinite(loss));
        Assert.Equal(-1f, gradient[0], 4);
    }

    [Fact]
    public void Sdlm_steps_each_parameter_by_eta_over_mu_plus_curvature()
    {
        var optimizer = new SdlmOptimizer(10, learningRate: 0.1f, damping: 0.5f);
        for (int i = 0; i < 10; i++) optimizer.Curvature[i] = i;
        var parameters = new float[10];
        var gradients = Enumerable.Repeat(2f, 10).ToArray();
        optimizer.Step(parameters, gradients);
        for (int i = 0; i < 10; i++) Assert.Equal(-0.1f / (0.5f + i) * 2f, parameters[i], 6);
    }

    [Fact]
    public void Distortion_is_deterministic_per_seed_epoch_and_index_and_keeps_the_background()
    {
        var image = new float[28 * 28];
        Array.Fill(image, -0.1f);
        for (int y = 10; y < 18; y++) for (int x = 12; x < 16; x++) image[y * 28 + x] = 1.175f;
        float[] a = new float[image.Length], b = new float[image.Length], c = new float[image.Length], d = new float[image.Length];
        AffineDistortion.Apply(image, a, 28, 28, -0.1f, seed: 1, epoch: 3, index: 7);
        AffineDistortion.Apply(image, b, 28, 28, -0.1f, seed: 1, epoch: 3, index: 7);
        AffineDistortion.Apply(image, c, 28, 28, -0.1f, seed: 1, epoch: 4, index: 7);
        AffineDistortion.Apply(image, d, 28, 28, -0.1f, seed: 1, epoch: 3, index: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
        Assert.Equal(-0.1f, a[0], 5);
        Assert.All(a, v => Assert.InRange(v, -0.1f - 1e-5f, 1.175f + 1e-5f));
        // The stroke moves and changes shape, but most of its ink survives.
        double ink = image.Sum(v => v + 0.1), moved = a.Sum(v => v + 0.1);
        Assert.InRange(moved / ink, 0.7, 1.3);
    }

    [Fact]
    public void Input_scaling_maps_background_and_foreground()
    {
        var values = new float[3];
        InputScaling.Paper.Scale([0, 255, 51], values);
        Assert.Equal(-0.1f, values[0], 6);
        Assert.Equal(1.175f, values[1], 6);
        Assert.Equal(-0.1f + 0.2f * 1.275f, values[2], 5);
        Assert.Equal(PaperNetwork.Description.InputScaling, InputScaling.Paper);
        Assert.Equal(LeNet5Network.Description.InputScaling, InputScaling.Standardized);
    }

    [Fact]
    public void The_paper_recipe_learns_on_a_subset_with_distortions_and_any_thread_count()
    {
        MnistDataset train = MnistDataset.LoadTraining(TestData.MnistFolder, PaperNetwork.Description.InputScaling).Take(1500);
        MnistDataset test = MnistDataset.LoadTest(TestData.MnistFolder, PaperNetwork.Description.InputScaling).Take(1000);
        TrainingRecipe recipe = PaperNetwork.Description.Training with { Distort = true, CurvatureSamples = 100 };
        Assert.Equal(OptimizerKind.Sdlm, recipe.Optimizer);
        Assert.Equal(1, recipe.BatchSize);
        float[] one, two;
        using (var trainer = new Trainer<PaperNetwork>(recipe, new ExecutionSettings { Threads = 1 }))
        {
            trainer.TrainEpoch(train, 0);
            one = trainer.Parameters.ToArray();
            Assert.Equal(0.0005f, trainer.LearningRateAt(1));
            Assert.Equal(0.0002f, trainer.LearningRateAt(2));
            Assert.Equal(0.00001f, trainer.LearningRateAt(40));
        }
        using (var trainer = new Trainer<PaperNetwork>(recipe, new ExecutionSettings { Threads = 2 }))
        {
            trainer.TrainEpoch(train, 0);
            two = trainer.Parameters.ToArray();
        }
        Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(two.AsSpan())));
        using var evaluator = new Evaluator<PaperNetwork>();
        EvaluationResult result = evaluator.Evaluate(one, test);
        // A smoke test: chance is 10%; 1,500 images at the first pass's rate are far from converged.
        Assert.True(result.Accuracy >= 0.3, $"test accuracy {result.Accuracy:P2} after 1,500 distorted images");
    }
}
