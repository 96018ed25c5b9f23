using System.Runtime.CompilerServices;

namespace LeNet5.Runtime;

/// <summary>
/// Classifies images with a generated network and one set of parameters: the work behind every generated
/// <c>&lt;Name&gt;Classifier</c>, which only adds how to get the parameters (a checkpoint, a span, embedded weights).
/// Every member is thread-safe, and classifying allocates nothing.
/// </summary>
/// <remarks>
/// Images are <c>TNetwork.Description.InputSize</c> values, laid out <c>[channels, height, width]</c>, row 0 at the top: bytes 0
/// (background) to 255 (foreground), normalised by the network's <see cref="NetworkDescription.InputScaling"/>, or floats already
/// normalised (see <see cref="Normalize"/>). Image files and images of other sizes are prepared into that form
/// elsewhere and passed to <see cref="Classify(ReadOnlySpan{byte})"/>.
/// </remarks>
/// <typeparam name="TNetwork">The generated network.</typeparam>
/// <typeparam name="TPrediction">Its generated prediction type.</typeparam>
[SkipLocalsInit]
public abstract class NetworkClassifier<TNetwork, TPrediction>
    where TNetwork : struct, INetwork
    where TPrediction : struct, IPrediction<TPrediction>
{
    // One image's scratch (input, logits, workspace) up to this many floats is taken on the stack; larger networks use a
    // buffer per thread, allocated on the thread's first call.
    private const int StackScratchLimit = 32 * 1024;

    // The sizes, read once: the JIT's optimised code takes a static readonly field of an initialised class as a constant.
    private static readonly int s_inputSize = TNetwork.Description.InputSize;
    private static readonly int s_classCount = TNetwork.Description.ClassCount;
    private static readonly int s_workspaceSize = TNetwork.Description.WorkspaceSize;

    private static readonly float[] s_normalizedByte = BuildNormalizationTable();

    [ThreadStatic] private static float[]? t_scratch;

    private readonly ClassifierParameters _parameters;

    /// <summary>Creates a classifier that reads <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not hold <c>TNetwork.Description.ParameterCount</c> floats.</exception>
    protected NetworkClassifier(ClassifierParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        NetworkDescription network = TNetwork.Description;
        if (parameters.Length != network.ParameterCount)
            throw new ArgumentException($"{network.Name} has {network.ParameterCount} parameters, not {parameters.Length}", nameof(parameters));
        _parameters = parameters;
    }

    /// <summary>The parameters, in the layout of <see cref="NetworkDescription.ParameterTensors"/>.</summary>
    public ReadOnlySpan<float> Parameters => _parameters.Span;

    /// <summary>Whether <see cref="Parameters"/> are read in place from the assembly image (embedded weights) rather than from a copy.</summary>
    public bool ParametersAreInPlace => _parameters.IsInPlace;

    private static int ScratchSize => s_inputSize + s_classCount + s_workspaceSize;

    /// <summary>Classifies one image given as bytes, 0 (background) to 255 (foreground).</summary>
    /// <param name="pixels"><c>TNetwork.Description.InputSize</c> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold one image.</exception>
    public TPrediction Classify(ReadOnlySpan<byte> pixels)
    {
        RequireImages(pixels.Length, 1, nameof(pixels));
        Span<float> scratch = ScratchSize <= StackScratchLimit ? stackalloc float[ScratchSize] : ThreadScratch();
        Span<float> input = scratch[..s_inputSize];
        Normalize(pixels, input);
        return Infer(input, scratch);
    }

    /// <summary>Classifies one image given as normalised floats (see <see cref="Normalize"/>).</summary>
    /// <param name="normalizedPixels"><c>TNetwork.Description.InputSize</c> floats.</param>
    /// <exception cref="ArgumentException"><paramref name="normalizedPixels"/> does not hold one image.</exception>
    public TPrediction Classify(ReadOnlySpan<float> normalizedPixels)
    {
        RequireImages(normalizedPixels.Length, 1, nameof(normalizedPixels));
        Span<float> scratch = ScratchSize <= StackScratchLimit ? stackalloc float[ScratchSize] : ThreadScratch();
        return Infer(normalizedPixels, scratch);
    }

    /// <summary>Classifies consecutive images given as bytes, writing one prediction per image.</summary>
    /// <param name="images"><c>n * TNetwork.Description.InputSize</c> bytes: image i at <c>i * TNetwork.Description.InputSize</c>.</param>
    /// <param name="predictions">Exactly <c>n</c> predictions, written.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void Classify(ReadOnlySpan<byte> images, Span<TPrediction> predictions)
    {
        RequireImages(images.Length, predictions.Length, nameof(images));
        Span<float> scratch = ScratchSize <= StackScratchLimit ? stackalloc float[ScratchSize] : ThreadScratch();
        Span<float> input = scratch[..s_inputSize];
        for (int i = 0; i < predictions.Length; i++)
        {
            Normalize(images.Slice(i * s_inputSize, s_inputSize), input);
            predictions[i] = Infer(input, scratch);
        }
    }

    /// <summary>Classifies consecutive images given as normalised floats, writing one prediction per image.</summary>
    /// <param name="normalizedImages"><c>n * TNetwork.Description.InputSize</c> floats: image i at <c>i * TNetwork.Description.InputSize</c>.</param>
    /// <param name="predictions">Exactly <c>n</c> predictions, written.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void Classify(ReadOnlySpan<float> normalizedImages, Span<TPrediction> predictions)
    {
        RequireImages(normalizedImages.Length, predictions.Length, nameof(normalizedImages));
        Span<float> scratch = ScratchSize <= StackScratchLimit ? stackalloc float[ScratchSize] : ThreadScratch();
        for (int i = 0; i < predictions.Length; i++) predictions[i] = Infer(normalizedImages.Slice(i * s_inputSize, s_inputSize), scratch);
    }

    /// <summary>Normalises bytes 0..255 as the network was trained: through its <see cref="NetworkDescription.InputScaling"/>.</summary>
    /// <param name="pixels">Bytes 0..255.</param>
    /// <param name="destination">As many floats as <paramref name="pixels"/>, written.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="pixels"/>.</exception>
    public static void Normalize(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length)
            throw new ArgumentException($"the destination holds {destination.Length} floats but there are {pixels.Length} pixels", nameof(destination));
        ReadOnlySpan<float> table = s_normalizedByte;
        for (int i = 0; i < pixels.Length; i++) destination[i] = table[pixels[i]];
    }

    /// <summary>One image through the network; <paramref name="scratch"/> holds <see cref="ScratchSize"/> floats, the input first.</summary>
    private TPrediction Infer(ReadOnlySpan<float> input, Span<float> scratch)
    {
        Span<float> logits = scratch.Slice(s_inputSize, s_classCount);
        Span<float> workspace = scratch.Slice(s_inputSize + s_classCount, s_workspaceSize);
        TNetwork.Infer(_parameters.Span, input, logits, workspace, 1);
        return TPrediction.FromLogits(logits);
    }

    private static float[] ThreadScratch() => t_scratch ??= new float[ScratchSize];

    private static void RequireImages(int length, int count, string name)
    {
        int size = s_inputSize;
        if (length == count * size) return;
        FeatureShape input = TNetwork.Description.Input;
        string image = input.Channels == 1 ? $"{input.Height}x{input.Width} = {size} pixels" : $"{input} = {size} values";
        throw new ArgumentException(
            count == 1
                ? $"an image is {image}, not {length}"
                : $"{count} predictions need {count} images of {size} values ({count * size} in all), not {length}",
            name);
    }

    private static float[] BuildNormalizationTable()
    {
        var table = new float[256];
        Span<byte> bytes = stackalloc byte[256];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)i;
        TNetwork.Description.InputScaling.Scale(bytes, table);
        return table;
    }
}
