using System.Text.Json;

namespace LeNet5.Model.Tests;

/// <summary>
/// An independent, plain double-precision interpreter of an architecture file: the oracle the generated code is
/// checked against. Deliberately naive (no layout tricks, no SIMD) so that it is obviously right.
/// </summary>
public sealed class ReferenceNetwork
{
    private readonly List<Layer> _layers = [];

    public ReferenceNetwork(string architecturePath)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(architecturePath));
        JsonElement root = document.RootElement;
        JsonElement input = root.GetProperty("input");
        int channels = input.GetProperty("channels").GetInt32();
        int height = input.GetProperty("height").GetInt32();
        int width = input.GetProperty("width").GetInt32();
        InputSize = channels * height * width;
        int offset = 0;
        foreach (JsonElement json in root.GetProperty("layers").EnumerateArray())
        {
            var layer = new Layer
            {
                Name = json.GetProperty("name").GetString()!,
                Kind = json.GetProperty("kind").GetString()!,
                Activation = json.TryGetProperty("activation", out JsonElement a) ? a.GetString()! : "none",
                InChannels = channels,
                InHeight = height,
                InWidth = width,
            };
            switch (layer.Kind)
            {
                case "pad":
                    layer.Padding = json.GetProperty("padding").GetInt32();
                    layer.PadValue = json.TryGetProperty("value", out JsonElement v) ? v.GetDouble() : 0;
                    height += 2 * layer.Padding;
                    width += 2 * layer.Padding;
                    break;
                case "conv2d":
                    layer.Kernel = json.GetProperty("kernel").GetInt32();
                    layer.Stride = json.TryGetProperty("stride", out JsonElement s) ? s.GetInt32() : 1;
                    layer.Padding = json.TryGetProperty("padding", out JsonElement p) ? p.GetInt32() : 0;
                    channels = json.GetProperty("filters").GetInt32();
                    height = (height + 2 * layer.Padding - layer.Kernel) / layer.Stride + 1;
                    width = (width + 2 * layer.Padding - layer.Kernel) / layer.Stride + 1;
                    layer.WeightOffset = offset;
                    layer.WeightShape = [channels, layer.InChannels, layer.Kernel, layer.Kernel];
                    offset += channels * layer.InChannels * layer.Kernel * layer.Kernel;
                    layer.BiasOffset = offset;
                    offset += channels;
                    break;
                case "avgpool2d":
                case "maxpool2d":
                    layer.Kernel = json.GetProperty("size").GetInt32();
                    height /= layer.Kernel;
                    width /= layer.Kernel;
                    break;
                case "dense":
                    int inputs = channels * height * width;
                    channels = json.GetProperty("units").GetInt32();
                    height = width = 1;
                    layer.WeightOffset = offset;
                    layer.WeightShape = [channels, inputs];
                    offset += channels * inputs;
                    layer.BiasOffset = offset;
                    offset += channels;
                    break;
                default:
                    throw new InvalidDataException($"{architecturePath}: the reference does not know layer kind '{layer.Kind}'");
            }
            layer.OutChannels = channels;
            layer.OutHeight = height;
            layer.OutWidth = width;
            _layers.Add(layer);
        }
        ParameterCount = offset;
        ClassCount = channels * height * width;
    }

    public int InputSize { get; }
    public int ClassCount { get; }
    public int ParameterCount { get; }

    /// <summary>(name, offset, shape) of every parameter tensor, in state_dict order.</summary>
    public IEnumerable<(string Name, int Offset, int[] Shape)> Tensors()
    {
        foreach (Layer layer in _layers)
        {
            if (layer.WeightShape is null) continue;
            yield return (layer.Name + ".weight", layer.WeightOffset, layer.WeightShape);
            yield return (layer.Name + ".bias", layer.BiasOffset, [layer.WeightShape[0]]);
        }
    }

    /// <summary>Logits of one image.</summary>
    public double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> image)
    {
        double[] x = image.ToArray();
        foreach (Layer layer in _layers)
        {
            x = layer.Forward(parameters, x);
        }
        return x;
    }

    /// <summary>Mean softmax cross-entropy of a batch.</summary>
    public double Loss(ReadOnlySpan<double> parameters, ReadOnlySpan<double> images, ReadOnlySpan<int> labels)
    {
        double total = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            double[] logits = Forward(parameters, images.Slice(n * InputSize, InputSize));
            total += CrossEntropy(logits, labels[n], gradient: null);
        }
        return total / labels.Length;
    }

    /// <summary>Cross-entropy of one image's logits; writes d loss / d logits when asked.</summary>
    public static double CrossEntropy(double[] logits, int label, double[]? gradient)
    {
        double max = logits.Max();
        double sum = logits.Sum(z => Math.Exp(z - max));
        if (gradient is not null)
        {
            for (int k = 0; k < logits.Length; k++)
            {
                gradient[k] = Math.Exp(logits[k] - max) / sum - (k == label ? 1 : 0);
            }
        }
        return Math.Log(sum) + max - logits[label];
    }

    private sealed class Layer
    {
        public required string Name;
        public required string Kind;
        public required string Activation;
        public int InChannels, InHeight, InWidth, OutChannels, OutHeight, OutWidth;
        public int Kernel, Stride, Padding;
        public double PadValue;
        public int WeightOffset, BiasOffset;
        public int[]? WeightShape;

        public double[] Forward(ReadOnlySpan<double> p, double[] x)
        {
            var y = new double[OutChannels * OutHeight * OutWidth];
            switch (Kind)
            {
                case "pad":
                    for (int c = 0; c < OutChannels; c++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        int si = i - Padding, sj = j - Padding;
                        bool inside = si >= 0 && si < InHeight && sj >= 0 && sj < InWidth;
                        y[(c * OutHeight + i) * OutWidth + j] = inside ? x[(c * InHeight + si) * InWidth + sj] : PadValue;
                    }
                    break;
                case "conv2d":
                    for (int f = 0; f < OutChannels; f++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        double sum = p[BiasOffset + f];
                        for (int c = 0; c < InChannels; c++)
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++)
                        {
                            int si = i * Stride + u - Padding, sj = j * Stride + v - Padding;
                            if (si < 0 || si >= InHeight || sj < 0 || sj >= InWidth) continue;
                            sum += p[WeightOffset + ((f * InChannels + c) * Kernel + u) * Kernel + v] * x[(c * InHeight + si) * InWidth + sj];
                        }
                        y[(f * OutHeight + i) * OutWidth + j] = sum;
                    }
                    break;
                case "avgpool2d":
                case "maxpool2d":
                    for (int c = 0; c < OutChannels; c++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        double sum = 0, max = double.NegativeInfinity;
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++)
                        {
                            double value = x[(c * InHeight + i * Kernel + u) * InWidth + j * Kernel + v];
                            sum += value;
                            max = Math.Max(max, value);
                        }
                        y[(c * OutHeight + i) * OutWidth + j] = Kind == "maxpool2d" ? max : sum / (Kernel * Kernel);
                    }
                    break;
                case "dense":
                    for (int o = 0; o < y.Length; o++)
                    {
                        double sum = p[BiasOffset + o];
                        for (int k = 0; k < x.Length; k++) sum += p[WeightOffset + o * x.Length + k] * x[k];
                        y[o] = sum;
                    }
                    break;
            }
            for (int k = 0; k < y.Length; k++) y[k] = Activate(y[k]);
            return y;
        }

        private double Activate(double a) => Activation switch
        {
            "none" => a,
            "tanh" => Math.Tanh(a),
            "relu" => Math.Max(0, a),
            "sigmoid" => 1 / (1 + Math.Exp(-a)),
            "scaled_tanh" => 1.7159 * Math.Tanh(2 * a / 3),
            _ => throw new InvalidDataException($"the reference does not know activation '{Activation}'"),
        };
    }
}
