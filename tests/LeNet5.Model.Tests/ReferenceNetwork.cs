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
        LossName = root.TryGetProperty("loss", out JsonElement loss) ? loss.GetString()! : "softmax_cross_entropy";
        LossConstant = root.TryGetProperty("lossConstant", out JsonElement j) ? j.GetDouble() : LossName == "map" ? 1 : 0;
        bool lecun = root.TryGetProperty("initialization", out JsonElement init) && init.GetString() == "lecun_uniform_2.4";
        // What a background pixel 0 becomes: scale[0], or (0 - 0.1307) / 0.3081 by default.
        double background = input.TryGetProperty("scale", out JsonElement scale) ? scale[0].GetDouble() : -0.1307 / 0.3081;
        bool readsImage = true;
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
                    // The generator's default: the image's background on the image, 0 on feature maps.
                    layer.PadValue = json.TryGetProperty("value", out JsonElement v) ? v.GetDouble() : readsImage ? background : 0;
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
                    int area = layer.Kernel * layer.Kernel;
                    // Without a table every filter reads every input map; with one, kernels are packed per connection.
                    layer.Connections = json.TryGetProperty("connections", out JsonElement table)
                        ? table.EnumerateArray().Select(row => row.EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToArray()
                        : Enumerable.Range(0, channels).Select(_ => Enumerable.Range(0, layer.InChannels).ToArray()).ToArray();
                    int connections = layer.Connections.Sum(row => row.Length);
                    layer.WeightShape = json.TryGetProperty("connections", out _)
                        ? [connections, layer.Kernel, layer.Kernel]
                        : [channels, layer.InChannels, layer.Kernel, layer.Kernel];
                    layer.BiasShape = [channels];
                    foreach (int[] row in layer.Connections)
                    {
                        for (int k = 0; k < row.Length * area; k++) _bounds.Add(Bound(row.Length * area, lecun));
                    }
                    offset += connections * area;
                    layer.BiasOffset = offset;
                    foreach (int[] row in layer.Connections) _bounds.Add(Bound(row.Length * area, lecun));
                    offset += channels;
                    break;
                case "subsample2d":
                    layer.Kernel = json.GetProperty("size").GetInt32();
                    height /= layer.Kernel;
                    width /= layer.Kernel;
                    layer.WeightOffset = offset;
                    layer.WeightShape = [channels];
                    layer.BiasShape = [channels];
                    offset += channels;
                    layer.BiasOffset = offset;
                    offset += channels;
                    for (int k = 0; k < 2 * channels; k++) _bounds.Add(Bound(layer.Kernel * layer.Kernel, lecun));
                    break;
                case "rbf":
                    layer.Prototypes = json.GetProperty("prototypes").EnumerateArray()
                        .Select(prototype => prototype.EnumerateArray()
                            .SelectMany(part => part.ValueKind == JsonValueKind.Number
                                ? [part.GetDouble()]
                                : part.GetString()!.Select(c => c == '#' ? 1.0 : -1.0))
                            .ToArray())
                        .ToArray();
                    channels = layer.Prototypes.Length;
                    height = width = 1;
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
                    layer.BiasShape = [channels];
                    offset += channels * inputs;
                    layer.BiasOffset = offset;
                    offset += channels;
                    for (int k = 0; k < channels * (inputs + 1); k++) _bounds.Add(Bound(inputs, lecun));
                    break;
                default:
                    throw new InvalidDataException($"{architecturePath}: the reference does not know layer kind '{layer.Kind}'");
            }
            readsImage &= layer.Kind == "pad";
            layer.OutChannels = channels;
            layer.OutHeight = height;
            layer.OutWidth = width;
            _layers.Add(layer);
        }
        ParameterCount = offset;
        ClassCount = channels * height * width;
    }

    private readonly List<double> _bounds = [];

    private static double Bound(int fanIn, bool lecun) => lecun ? 2.4 / fanIn : 1 / Math.Sqrt(fanIn);

    /// <summary>The initialisation bound of every parameter: 1/sqrt(fan_in) (PyTorch) or 2.4/fan_in (LeCun et al. 1998).</summary>
    public IReadOnlyList<double> InitializationBounds => _bounds;

    /// <summary>The declared loss: softmax_cross_entropy or map.</summary>
    public string LossName { get; }

    /// <summary>The constant j of the map loss.</summary>
    public double LossConstant { get; }

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
            yield return (layer.Name + ".bias", layer.BiasOffset, layer.BiasShape!);
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
            total += LossOf(logits, labels[n], gradient: null);
        }
        return total / labels.Length;
    }

    /// <summary>The declared loss of one image's logits; writes d loss / d logits when asked.</summary>
    public double LossOf(double[] logits, int label, double[]? gradient)
        => LossName == "map" ? MapCriterion(logits, label, LossConstant, gradient) : CrossEntropy(logits, label, gradient);

    /// <summary>LeCun et al. 1998 eq. 9 on z = -y: -z_D + log(exp(-j) + sum exp(z_i)); written out plainly.</summary>
    public static double MapCriterion(double[] logits, int label, double j, double[]? gradient)
    {
        double sum = Math.Exp(-j) + logits.Sum(Math.Exp);
        if (gradient is not null)
        {
            for (int k = 0; k < logits.Length; k++) gradient[k] = Math.Exp(logits[k]) / sum - (k == label ? 1 : 0);
        }
        return -logits[label] + Math.Log(sum);
    }

    /// <summary>
    /// d^2 loss / d logit_i^2 of one image: p_i (1 - p_i), p the softmax of the logits (for the map loss, the softmax
    /// that also holds the constant logit -j, which belongs to no class). It does not depend on the label.
    /// </summary>
    public double[] LogitsCurvature(double[] logits)
    {
        double[] all = LossName == "map" ? [.. logits, -LossConstant] : logits;
        double max = all.Max();
        double sum = all.Sum(z => Math.Exp(z - max));
        return logits.Select(z => Math.Exp(z - max) / sum).Select(probability => probability * (1 - probability)).ToArray();
    }

    /// <summary>
    /// The Gauss-Newton diagonal of LeCun et al. 1998, appendix C, summed over the images: the curvature of each image's
    /// logits (<paramref name="logitsCurvature"/>, <c>batch * ClassCount</c>) travels backwards like a gradient with
    /// every Jacobian entry squared and every off-diagonal and f'' term dropped; a parameter receives x^2 times the
    /// curvature of every pre-activation it multiplies x into.
    /// </summary>
    public double[] Curvature(ReadOnlySpan<double> parameters, ReadOnlySpan<double> images, int batch, ReadOnlySpan<double> logitsCurvature)
    {
        var curvature = new double[ParameterCount];
        for (int n = 0; n < batch; n++)
        {
            // Every layer's input and output, kept from a plain forward pass.
            var outputs = new List<double[]> { images.Slice(n * InputSize, InputSize).ToArray() };
            foreach (Layer layer in _layers)
            {
                outputs.Add(layer.Forward(parameters, outputs[^1]));
            }
            double[] h = logitsCurvature.Slice(n * ClassCount, ClassCount).ToArray();
            for (int l = _layers.Count - 1; l >= 0; l--)
            {
                h = _layers[l].BackwardCurvature(parameters, outputs[l], outputs[l + 1], h, curvature);
            }
        }
        return curvature;
    }

    /// <summary>The Gauss-Newton diagonal of <see cref="Curvature"/>, starting from <see cref="LogitsCurvature"/> of the reference's own logits.</summary>
    public double[] Curvature(ReadOnlySpan<double> parameters, ReadOnlySpan<double> images, int batch)
    {
        var logitsCurvature = new double[batch * ClassCount];
        for (int n = 0; n < batch; n++)
        {
            LogitsCurvature(Forward(parameters, images.Slice(n * InputSize, InputSize))).CopyTo(logitsCurvature, n * ClassCount);
        }
        return Curvature(parameters, images, batch, logitsCurvature);
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
        public int[]? BiasShape;
        public int[][] Connections = [];
        public double[][] Prototypes = [];

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
                        int first = Connections.Take(f).Sum(row => row.Length);
                        for (int k = 0; k < Connections[f].Length; k++)
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++)
                        {
                            int c = Connections[f][k];
                            int si = i * Stride + u - Padding, sj = j * Stride + v - Padding;
                            if (si < 0 || si >= InHeight || sj < 0 || sj >= InWidth) continue;
                            sum += p[WeightOffset + ((first + k) * Kernel + u) * Kernel + v] * x[(c * InHeight + si) * InWidth + sj];
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
                case "subsample2d":
                    for (int c = 0; c < OutChannels; c++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        double sum = 0;
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++) sum += x[(c * InHeight + i * Kernel + u) * InWidth + j * Kernel + v];
                        y[(c * OutHeight + i) * OutWidth + j] = p[WeightOffset + c] * sum + p[BiasOffset + c];
                    }
                    break;
                case "rbf":
                    for (int o = 0; o < y.Length; o++)
                    {
                        double distance = 0;
                        for (int k = 0; k < x.Length; k++) distance += (x[k] - Prototypes[o][k]) * (x[k] - Prototypes[o][k]);
                        y[o] = -distance;
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

        /// <summary>
        /// Adds this layer's parameter curvature (x^2 times the pre-activation's curvature, over every connection that
        /// uses the parameter) into <paramref name="curvature"/>; returns the curvature of the layer's input.
        /// </summary>
        /// <param name="x">The layer's input.</param>
        /// <param name="y">The layer's output, after the activation.</param>
        /// <param name="hOut">d^2 loss / d y^2 (diagonal, Gauss-Newton).</param>
        public double[] BackwardCurvature(ReadOnlySpan<double> p, double[] x, double[] y, double[] hOut, double[] curvature)
        {
            var h = new double[y.Length];
            for (int k = 0; k < y.Length; k++) h[k] = hOut[k] * Derivative(y[k]) * Derivative(y[k]);
            var hIn = new double[x.Length];
            switch (Kind)
            {
                case "pad":
                    for (int c = 0; c < InChannels; c++)
                    for (int i = 0; i < InHeight; i++)
                    for (int j = 0; j < InWidth; j++)
                    {
                        hIn[(c * InHeight + i) * InWidth + j] = h[(c * OutHeight + i + Padding) * OutWidth + j + Padding];
                    }
                    break;
                case "conv2d":
                    for (int f = 0; f < OutChannels; f++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        double hOutput = h[(f * OutHeight + i) * OutWidth + j];
                        curvature[BiasOffset + f] += hOutput;
                        int first = Connections.Take(f).Sum(row => row.Length);
                        for (int k = 0; k < Connections[f].Length; k++)
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++)
                        {
                            int c = Connections[f][k];
                            int si = i * Stride + u - Padding, sj = j * Stride + v - Padding;
                            if (si < 0 || si >= InHeight || sj < 0 || sj >= InWidth) continue;
                            int weight = WeightOffset + ((first + k) * Kernel + u) * Kernel + v;
                            int source = (c * InHeight + si) * InWidth + sj;
                            curvature[weight] += x[source] * x[source] * hOutput;
                            hIn[source] += p[weight] * p[weight] * hOutput;
                        }
                    }
                    break;
                case "avgpool2d":
                case "maxpool2d":
                    for (int c = 0; c < OutChannels; c++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        double hOutput = h[(c * OutHeight + i) * OutWidth + j];
                        int first = -1;
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++)
                        {
                            int source = (c * InHeight + i * Kernel + u) * InWidth + j * Kernel + v;
                            if (Kind == "avgpool2d") hIn[source] = hOutput / (Kernel * Kernel * Kernel * Kernel);
                            else if (first < 0 || x[source] > x[first]) first = source;
                        }
                        if (Kind == "maxpool2d") hIn[first] = hOutput;
                    }
                    break;
                case "subsample2d":
                    for (int c = 0; c < OutChannels; c++)
                    for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++)
                    {
                        double hOutput = h[(c * OutHeight + i) * OutWidth + j];
                        curvature[BiasOffset + c] += hOutput;
                        for (int u = 0; u < Kernel; u++)
                        for (int v = 0; v < Kernel; v++)
                        {
                            int source = (c * InHeight + i * Kernel + u) * InWidth + j * Kernel + v;
                            curvature[WeightOffset + c] += x[source] * x[source] * hOutput;
                            hIn[source] = p[WeightOffset + c] * p[WeightOffset + c] * hOutput;
                        }
                    }
                    break;
                case "rbf":
                    // The squared distance to the target prototype is the paper's squared error: curvature 2 per coordinate.
                    Array.Fill(hIn, 2.0);
                    break;
                case "dense":
                    for (int o = 0; o < y.Length; o++)
                    {
                        curvature[BiasOffset + o] += h[o];
                        for (int k = 0; k < x.Length; k++)
                        {
                            double w = p[WeightOffset + o * x.Length + k];
                            curvature[WeightOffset + o * x.Length + k] += x[k] * x[k] * h[o];
                            hIn[k] += w * w * h[o];
                        }
                    }
                    break;
            }
            return hIn;
        }

        /// <summary>f'(a) of the activation, from its output y = f(a).</summary>
        private double Derivative(double y) => Activation switch
        {
            "none" => 1,
            "tanh" => 1 - y * y,
            "relu" => y > 0 ? 1 : 0,
            "sigmoid" => y * (1 - y),
            "scaled_tanh" => 2.0 / 3 / 1.7159 * (1.7159 * 1.7159 - y * y),
            _ => throw new InvalidDataException($"the reference does not know activation '{Activation}'"),
        };

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
