using LeNet5.Runtime;

namespace LeNet5.Model.Tests;

/// <summary>
/// Where the Gauss-Newton diagonal is the exact Hessian diagonal, BackwardCurvature must equal the second derivative of
/// the loss itself, not just agree with another implementation of the same recipe. A single dense layer without an
/// activation: the logits z = W x + b are linear in the parameters, w_ij and b_i reach only z_i, so
/// d^2 L / d w_ij^2 = x_j^2 d^2 L / d z_i^2 and d^2 L / d b_i^2 = d^2 L / d z_i^2, with d^2 L / d z_i^2 = p_i (1 - p_i)
/// exactly, for the plain softmax cross-entropy and for the map loss (whose softmax holds the extra logit -j).
/// </summary>
public sealed class CurvatureExactnessTests
{
    [Fact]
    public void Softmax_cross_entropy_linear_network_curvature_is_the_exact_second_derivative()
        => AssertExact<LinearCheckNetwork>("tests/LeNet5.Model.Tests/Architectures/linear.architecture.json");

    [Fact]
    public void Map_loss_linear_network_curvature_is_the_exact_second_derivative()
        => AssertExact<LinearMapCheckNetwork>("tests/LeNet5.Model.Tests/Architectures/linearmap.architecture.json");

    [Fact]
    public void Reference_curvature_is_the_exact_second_derivative_too()
    {
        // The oracle of GeneratedNetworkTests.Curvature_matches_the_reference, checked against mathematics where it can be.
        foreach (string file in new[] { "linear", "linearmap" })
        {
            var reference = new ReferenceNetwork(RepositoryPaths.Architecture($"tests/LeNet5.Model.Tests/Architectures/{file}.architecture.json"));
            var random = new Random(9);
            double[] parameters = Enumerable.Range(0, reference.ParameterCount).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double[] image = Enumerable.Range(0, reference.InputSize).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            double[] curvature = reference.Curvature(parameters, image, 1);
            for (int index = 0; index < parameters.Length; index++)
            {
                const double step = 1e-3;
                double saved = parameters[index];
                double centre = reference.Loss(parameters, image, [0]);
                parameters[index] = saved + step;
                double plus = reference.Loss(parameters, image, [0]);
                parameters[index] = saved - step;
                double minus = reference.Loss(parameters, image, [0]);
                parameters[index] = saved;
                double exact = (plus - 2 * centre + minus) / (step * step);
                Assert.True(Math.Abs(exact - curvature[index]) <= 1e-6 + 1e-5 * exact, $"{file}: parameter {index}: second difference {exact}, reference curvature {curvature[index]}");
            }
        }
    }

    private static void AssertExact<TNetwork>(string architectureFile) where TNetwork : struct, INetwork
    {
        var check = new NetworkCheck<TNetwork>(architectureFile);
        // Larger weights than the initialisation's, so the softmax is far from uniform and p (1 - p) differs per class.
        for (int i = 0; i < check.Parameters.Length; i++) check.Parameters[i] *= 4;
        float[] image = check.RandomImages(1);
        int[] label = check.RandomLabels(1);
        var curvature = new float[TNetwork.Description.ParameterCount];
        check.AddCurvature(image, 1, curvature);

        double[] probabilities = check.ReferenceLogits(image, 1).Select(Math.Exp).ToArray();
        Assert.True(probabilities.Max() / probabilities.Min() > 3, "the softmax is too uniform to tell the classes apart");
        for (int index = 0; index < TNetwork.Description.ParameterCount; index++)
        {
            double exact = check.ParameterSecondDifference(image, label, index);
            Assert.True(exact > 0, $"parameter {index}: second difference {exact}");
            Assert.True(Math.Abs(exact - curvature[index]) <= 1e-6 + 1e-4 * exact, $"d^2 loss / d parameter {index}^2: second difference {exact}, BackwardCurvature {curvature[index]}");
        }
    }
}
