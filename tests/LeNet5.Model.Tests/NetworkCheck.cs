using LeNet5.Runtime;
using LeNet5.Runtime.Loss;

namespace LeNet5.Model.Tests;

/// <summary>Checks one generated network against the <see cref="ReferenceNetwork"/> interpreter of its architecture file.</summary>
internal sealed class NetworkCheck<TNetwork> where TNetwork : struct, INetwork
{
    private readonly ReferenceNetwork _reference;
    private readonly Random _random = new(12345);

    public NetworkCheck(string architectureFile)
    {
        _reference = new ReferenceNetwork(RepositoryPaths.Architecture(architectureFile));
        Parameters = new float[TNetwork.Description.ParameterCount];
        TNetwork.InitializeParameters(Parameters, new Random(7));
    }

    public float[] Parameters { get; }

    public ReferenceNetwork Reference => _reference;

    public float[] RandomImages(int batch)
    {
        var images = new float[batch * TNetwork.Description.InputSize];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(_random.NextDouble() * 4 - 2);
        return images;
    }

    public int[] RandomLabels(int batch) => Enumerable.Range(0, batch).Select(_ => _random.Next(TNetwork.Description.ClassCount)).ToArray();

    public float[] Infer(float[] images, int batch)
    {
        var logits = new float[batch * TNetwork.Description.ClassCount];
        TNetwork.Infer(Parameters, images, logits, new float[batch * TNetwork.Description.WorkspaceSize], batch);
        return logits;
    }

    public (float[] Logits, float[] Activations) ForwardTrain(float[] images, int batch)
    {
        var logits = new float[batch * TNetwork.Description.ClassCount];
        var activations = new float[batch * TNetwork.Description.ActivationSize];
        TNetwork.ForwardTrain(Parameters, images, activations, logits, batch);
        return (logits, activations);
    }

    public double[] ReferenceLogits(float[] images, int batch)
    {
        double[] parameters = ToDouble(Parameters);
        double[] input = ToDouble(images);
        var logits = new double[batch * TNetwork.Description.ClassCount];
        for (int n = 0; n < batch; n++)
        {
            _reference.Forward(parameters, input.AsSpan(n * TNetwork.Description.InputSize, TNetwork.Description.InputSize)).CopyTo(logits, n * TNetwork.Description.ClassCount);
        }
        return logits;
    }

    /// <summary>Runs the generated training forward and backward for mean cross-entropy; returns (parameter, input) gradients.</summary>
    public (float[] Parameters, float[] Input) Gradients(float[] images, int[] labels)
    {
        int batch = labels.Length;
        (float[] logits, float[] activations) = ForwardTrain(images, batch);
        float[] logitsGradient = LogitsGradient(logits, labels, _reference);
        var parameterGradients = new float[TNetwork.Description.ParameterCount];
        var inputGradient = new float[images.Length];
        TNetwork.Backward(Parameters, images, activations, logitsGradient, parameterGradients, inputGradient, new float[batch * TNetwork.Description.WorkspaceSize], batch);
        return (parameterGradients, inputGradient);
    }

    /// <summary>d (mean loss) / d logits, computed in double with the architecture's loss.</summary>
    public static float[] LogitsGradient(float[] logits, int[] labels, ReferenceNetwork reference)
    {
        int classes = TNetwork.Description.ClassCount;
        var result = new float[logits.Length];
        var row = new double[classes];
        for (int n = 0; n < labels.Length; n++)
        {
            double[] z = logits.AsSpan(n * classes, classes).ToArray().Select(v => (double)v).ToArray();
            reference.LossOf(z, labels[n], row);
            for (int k = 0; k < classes; k++) result[n * classes + k] = (float)(row[k] / labels.Length);
        }
        return result;
    }

    /// <summary>
    /// Runs the generated training forward, <see cref="Losses.LogitsCurvature{TNetwork}"/> and
    /// <see cref="INetwork.BackwardCurvature"/> into <paramref name="curvature"/> (added to what it holds), with
    /// exactly the documented <see cref="NetworkDescription.WorkspaceSize"/> floats of workspace.
    /// </summary>
    public void AddCurvature(float[] images, int batch, float[] curvature)
    {
        (float[] logits, float[] activations) = ForwardTrain(images, batch);
        var logitsCurvature = new float[logits.Length];
        Losses.LogitsCurvature<TNetwork>(logits, logitsCurvature);
        TNetwork.BackwardCurvature(Parameters, images, activations, logitsCurvature, curvature, new float[TNetwork.Description.WorkspaceSize], batch);
    }

    /// <summary>The reference's Gauss-Newton diagonal for the batch, in double, from the reference's own logits.</summary>
    public double[] ReferenceCurvature(float[] images, int batch) => _reference.Curvature(ToDouble(Parameters), ToDouble(images), batch);

    /// <summary>
    /// Central second finite difference (L(w+e) - 2 L(w) + L(w-e)) / e^2 of the reference's mean loss with respect to
    /// parameter <paramref name="index"/>, in double.
    /// </summary>
    public double ParameterSecondDifference(float[] images, int[] labels, int index, double step = 1e-3)
    {
        double[] parameters = ToDouble(Parameters);
        double[] input = ToDouble(images);
        double saved = parameters[index];
        double centre = _reference.Loss(parameters, input, labels);
        parameters[index] = saved + step;
        double plus = _reference.Loss(parameters, input, labels);
        parameters[index] = saved - step;
        double minus = _reference.Loss(parameters, input, labels);
        return (plus - 2 * centre + minus) / (step * step);
    }

    /// <summary>Central finite difference of the reference loss with respect to parameter <paramref name="index"/>.</summary>
    public double ParameterFiniteDifference(float[] images, int[] labels, int index, double step = 1e-5)
    {
        double[] parameters = ToDouble(Parameters);
        double[] input = ToDouble(images);
        double saved = parameters[index];
        parameters[index] = saved + step;
        double plus = _reference.Loss(parameters, input, labels);
        parameters[index] = saved - step;
        double minus = _reference.Loss(parameters, input, labels);
        return (plus - minus) / (2 * step);
    }

    /// <summary>Central finite difference of the reference loss with respect to input element <paramref name="index"/>.</summary>
    public double InputFiniteDifference(float[] images, int[] labels, int index, double step = 1e-5)
    {
        double[] parameters = ToDouble(Parameters);
        double[] input = ToDouble(images);
        double saved = input[index];
        input[index] = saved + step;
        double plus = _reference.Loss(parameters, input, labels);
        input[index] = saved - step;
        double minus = _reference.Loss(parameters, input, labels);
        return (plus - minus) / (2 * step);
    }

    public static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}
