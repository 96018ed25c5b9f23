using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;
using MyDigits;
using Xunit;

namespace MyDigits.Tests;

public class NetworkTests
{
    [Fact]
    public void The_network_has_the_declared_shape()
    {
        Assert.Equal(28 * 28, LeNet5Network.InputSize);
        Assert.Equal(10, LeNet5Network.ClassCount);
    }

    [Fact]
    public void The_architectures_recipe_learns_a_simple_task()
    {
        // Class k is a bright bar across row 2 + 2k of a noisy image: a few epochs of the recipe must learn it.
        var random = new Random(1);
        int count = 640, size = LeNet5Network.InputSize, width = LeNet5Network.InputWidth;
        var images = new float[count * size];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % LeNet5Network.ClassCount);
            Span<float> image = images.AsSpan(i * size, size);
            for (int p = 0; p < size; p++) image[p] = (float)random.NextDouble() - 0.5f;
            image.Slice((2 + 2 * labels[i]) * width, width).Fill(2f);
        }
        var data = new MnistDataset(images, labels, LeNet5Network.InputHeight, width);

        using var trainer = new Trainer<LeNet5Network>(); // the recipe in architecture.json
        for (int epoch = 0; epoch < 5; epoch++) trainer.TrainEpoch(data, epoch);
        using var evaluator = new Evaluator<LeNet5Network>();
        Assert.True(evaluator.Evaluate(trainer.Parameters, data).Accuracy > 0.9);
    }
}
