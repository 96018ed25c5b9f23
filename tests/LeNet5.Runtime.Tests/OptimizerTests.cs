using LeNet5.Runtime;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

public sealed class OptimizerTests
{
    // 19 parameters: more than a SIMD vector so both the vector loop and the scalar tail run.
    private static float[] Start() => Enumerable.Range(0, 19).Select(i => (i - 9) * 0.25f).ToArray();

    private static float[] Gradient(int step) => Enumerable.Range(0, 19).Select(i => MathF.Sin(i + 3 * step) * 0.5f).ToArray();

    [Fact]
    public void Sgd_plain_step_by_hand()
    {
        var sgd = new SgdOptimizer(2, learningRate: 0.1f);
        float[] p = [1f, -2f];
        sgd.Step(p, [0.5f, -1f]);
        Assert.Equal(new[] { 0.95f, -1.9f }, p);
    }

    [Fact]
    public void Sgd_momentum_and_weight_decay_by_hand()
    {
        // torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.01), p = 1, grads 0.5 then 0.25:
        // step 1: d = 0.5 + 0.01 * 1 = 0.51; buf = 0.51; p = 1 - 0.051 = 0.949
        // step 2: d = 0.25 + 0.00949 = 0.25949; buf = 0.9 * 0.51 + 0.25949 = 0.71849; p = 0.949 - 0.071849 = 0.877151
        var sgd = new SgdOptimizer(1, 0.1f, 0.9f, 0.01f);
        float[] p = [1f];
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.949f, p[0], 6);
        sgd.Step(p, [0.25f]);
        Assert.Equal(0.877151f, p[0], 6);
        Assert.Equal(0.71849f, sgd.Velocity[0], 6);
    }

    [Fact]
    public void Sgd_follows_torch_formulas_for_several_steps()
    {
        const double lr = 0.05, mu = 0.9, wd = 1e-3;
        float[] p = Start();
        double[] reference = p.Select(x => (double)x).ToArray();
        double[] buffer = new double[p.Length];
        var sgd = new SgdOptimizer(p.Length, (float)lr, (float)mu, (float)wd);
        for (int step = 0; step < 4; step++)
        {
            float[] g = Gradient(step);
            sgd.Step(p, g);
            for (int i = 0; i < p.Length; i++)
            {
                double d = g[i] + wd * reference[i];
                buffer[i] = step == 0 ? d : mu * buffer[i] + d;
                reference[i] -= lr * buffer[i];
            }
        }
        for (int i = 0; i < p.Length; i++) Assert.Equal(reference[i], p[i], 5);
    }

    [Fact]
    public void Adam_first_step_moves_every_parameter_by_the_learning_rate()
    {
        // With bias correction, step 1 is p -= lr * g / (|g| + eps * ...) = lr * sign(g) for |g| >> eps.
        var adam = new AdamOptimizer(3, learningRate: 0.01f);
        float[] p = [1f, 2f, 3f];
        adam.Step(p, [0.5f, -2f, 1e-3f]);
        Assert.Equal(0.99f, p[0], 6);
        Assert.Equal(2.01f, p[1], 6);
        Assert.Equal(2.99f, p[2], 5);
    }

    [Fact]
    public void Adam_by_hand_for_two_steps()
    {
        // torch.optim.Adam(lr=0.1), p = 1, grads 1 then -1:
        // step 1: m = 0.1, v = 0.001; m_hat = 1, v_hat = 1; p = 1 - 0.1 * 1 / (1 + 1e-8) = 0.9
        // step 2: m = 0.09 - 0.1 = -0.01, v = 0.000999 + 0.001 = 0.001999
        //         m_hat = -0.01 / 0.19 = -0.0526316, v_hat = 0.001999 / 0.001999 = 1 -> p = 0.9 + 0.00526316 = 0.9052632
        var adam = new AdamOptimizer(1, learningRate: 0.1f);
        float[] p = [1f];
        adam.Step(p, [1f]);
        Assert.Equal(0.9f, p[0], 6);
        adam.Step(p, [-1f]);
        Assert.Equal(-0.01f, adam.FirstMoment[0], 6);
        Assert.Equal(0.001999f, adam.SecondMoment[0], 6);
        Assert.Equal(0.9052632f, p[0], 6);
    }

    [Fact]
    public void Adam_follows_torch_formulas_for_several_steps_with_weight_decay()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        float[] p = Start();
        double[] reference = p.Select(x => (double)x).ToArray();
        double[] m = new double[p.Length], v = new double[p.Length];
        var adam = new AdamOptimizer(p.Length, (float)lr, weightDecay: (float)wd);
        for (int step = 1; step <= 5; step++)
        {
            float[] g = Gradient(step);
            adam.Step(p, g);
            for (int i = 0; i < p.Length; i++)
            {
                double d = g[i] + wd * reference[i];
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                double mHat = m[i] / (1 - Math.Pow(b1, step));
                double denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, step)) + eps;
                reference[i] -= lr * mHat / denominator;
            }
        }
        for (int i = 0; i < p.Length; i++) Assert.Equal(reference[i], p[i], 5);
        Assert.Equal(5, adam.StepCount);
    }

    [Fact]
    public void Names_are_parsed_in_any_case_and_others_are_refused()
    {
        Assert.Equal(OptimizerKind.Sgd, Optimizers.Parse("SGD"));
        Assert.Equal(OptimizerKind.Adam, Optimizers.Parse("adam"));
        Assert.Equal(OptimizerKind.Sdlm, Optimizers.Parse("Sdlm"));
        var error = Assert.Throws<LeNet5Exception>(() => Optimizers.Parse("rmsprop"));
        Assert.Equal("unknown optimizer 'rmsprop'; use one of: sgd, adam, sdlm", error.Message);
        Assert.False(Optimizers.TryParse(null, out _));
    }

    [Fact]
    public void Every_kind_has_one_name_that_parses_back_to_it()
    {
        OptimizerKind[] kinds = Enum.GetValues<OptimizerKind>();
        Assert.Equal(kinds.Length, Optimizers.Names.Count);
        foreach (OptimizerKind kind in kinds) Assert.Equal(kind, Optimizers.Parse(Optimizers.Name(kind)));
        Assert.Equal(Optimizers.Names, kinds.Select(Optimizers.Name));
    }

    [Fact]
    public void The_factory_creates_the_recipes_optimizer_with_its_settings()
    {
        var recipe = new TrainingRecipe { LearningRate = 0.1f, Momentum = 0.5f, WeightDecay = 0.01f, Damping = 0.3f };
        var sgd = Assert.IsType<SgdOptimizer>(Optimizers.Create(recipe with { Optimizer = OptimizerKind.Sgd }, 4));
        Assert.Equal((0.1f, 0.5f, 0.01f), (sgd.LearningRate, sgd.Momentum, sgd.WeightDecay));
        var adam = Assert.IsType<AdamOptimizer>(Optimizers.Create(recipe with { Optimizer = OptimizerKind.Adam }, 4));
        Assert.Equal((0.1f, 0.01f), (adam.LearningRate, adam.WeightDecay));
        var sdlm = Assert.IsType<SdlmOptimizer>(Optimizers.Create(recipe with { Optimizer = OptimizerKind.Sdlm }, 4));
        Assert.Equal((0.1f, 0.3f), (sdlm.LearningRate, sdlm.Damping));
        Assert.Throws<LeNet5Exception>(() => Optimizers.Create(recipe with { Optimizer = (OptimizerKind)7 }, 4));
    }

    [Fact]
    public void Only_the_optimizers_that_need_curvature_ask_for_it()
    {
        var recipe = new TrainingRecipe();
        Assert.IsAssignableFrom<ICurvatureOptimizer>(Optimizers.Create(recipe with { Optimizer = OptimizerKind.Sdlm }, 4));
        Assert.IsNotAssignableFrom<ICurvatureOptimizer>(Optimizers.Create(recipe with { Optimizer = OptimizerKind.Sgd }, 4));
        Assert.IsNotAssignableFrom<ICurvatureOptimizer>(Optimizers.Create(recipe with { Optimizer = OptimizerKind.Adam }, 4));
    }

    [Fact]
    public void Invalid_learning_rate_is_refused()
    {
        Assert.Throws<LeNet5Exception>(() => new SgdOptimizer(1, -1f));
        Assert.Throws<LeNet5Exception>(() => new AdamOptimizer(1, float.NaN));
    }
}
