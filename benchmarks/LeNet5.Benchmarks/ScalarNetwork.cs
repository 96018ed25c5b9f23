using System.Text.Json;

namespace LeNet5.Benchmarks;

/// <summary>
/// The baseline: a plain scalar implementation of any architecture file (float, straightforward nested loops, no
/// SIMD, no unrolling, buffers allocated once). It computes what the generated code computes, the way one would
/// write it by hand without thinking about speed.
/// </summary>
public sealed class ScalarNetwork
{
    private readonly ScalarLayer[] _layers;
    private readonly float[][] _outputs;
    private readonly float[][] _outputGradients;
    private readonly float[] _input;

    public ScalarNetwork(string architecturePath)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(architecturePath));
        JsonElement root = document.RootElement;
        JsonElement input = root.GetProperty("input");
        int c = input.GetProperty("channels").GetInt32(), h = input.GetProperty("height").GetInt32(), w = input.GetProperty("width").GetInt32();
        InputSize = c * h * w;
        // A pad on the image without a value pads with the image's background (pixel 0 through the scaling), as generated.
        float background = input.TryGetProperty("scale", out JsonElement scale) ? scale[0].GetSingle() : LeNet5.Runtime.InputScaling.Standardized.Background;
        var layers = new List<ScalarLayer>();
        int offset = 0;
        foreach (JsonElement json in root.GetProperty("layers").EnumerateArray())
        {
            var layer = new ScalarLayer(json, c, h, w, offset, layers.All(l => l.IsPad) ? background : 0f);
            offset += layer.ParameterCount;
            (c, h, w) = (layer.OutChannels, layer.OutHeight, layer.OutWidth);
            layers.Add(layer);
        }
        _layers = [.. layers];
        ParameterCount = offset;
        ClassCount = c * h * w;
        _outputs = _layers.Select(l => new float[l.OutputSize]).ToArray();
        _outputGradients = _layers.Select(l => new float[l.OutputSize]).ToArray();
        InputGradient = new float[InputSize];
        _input = new float[InputSize];
    }

    public int InputSize { get; }
    public int ClassCount { get; }
    public int ParameterCount { get; }
    public IReadOnlyList<ScalarLayer> Layers => _layers;
    public float[] InputGradient { get; }

    /// <summary>Output of layer <paramref name="index"/> from the last <see cref="Forward"/>.</summary>
    public float[] Output(int index) => _outputs[index];

    public float[] OutputGradient(int index) => _outputGradients[index];

    /// <summary>One image's forward pass; returns its logits (a buffer reused by the next call).</summary>
    public float[] Forward(float[] parameters, ReadOnlySpan<float> image)
    {
        image.CopyTo(_input);
        float[] input = _input;
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i].Forward(parameters, input, _outputs[i]);
            input = _outputs[i];
        }
        return _outputs[^1];
    }

    /// <summary>One image's backward pass after <see cref="Forward"/>: adds parameter gradients, fills <see cref="InputGradient"/>.</summary>
    public void Backward(float[] parameters, float[] image, ReadOnlySpan<float> logitsGradient, float[] gradients)
    {
        logitsGradient.CopyTo(_outputGradients[^1]);
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            float[] input = i == 0 ? image : _outputs[i - 1];
            float[] inputGradient = i == 0 ? InputGradient : _outputGradients[i - 1];
            _layers[i].Backward(parameters, gradients, input, _outputs[i], _outputGradients[i], inputGradient);
        }
    }
}

/// <summary>
/// One layer of <see cref="ScalarNetwork"/>: pad, conv2d (with or without a connection table), avgpool2d, maxpool2d,
/// subsample2d, dense or rbf, with its activation.
/// </summary>
public sealed class ScalarLayer
{
    private enum Kind { Pad, Conv2d, AvgPool2d, MaxPool2d, Subsample2d, Dense, Rbf }

    private enum Activation { None, Tanh, Relu, Sigmoid, ScaledTanh }

    private readonly Kind _kind;
    private readonly Activation _activation;
    private readonly int _kernel, _stride, _padding, _weightOffset, _biasOffset;
    private readonly float _padValue;
    // conv2d: the input maps filter f reads, and the index of its first kernel (kernels are packed one per connection).
    private readonly int[][] _connections = [];
    private readonly int[] _firstConnection = [];
    // rbf: the fixed prototypes [units][inputs].
    private readonly float[][] _prototypes = [];

    public ScalarLayer(JsonElement json, int channels, int height, int width, int parameterOffset, float defaultPadValue)
    {
        Name = json.GetProperty("name").GetString()!;
        string kind = json.GetProperty("kind").GetString()!;
        _kind = kind switch
        {
            "pad" => Kind.Pad,
            "conv2d" => Kind.Conv2d,
            "avgpool2d" => Kind.AvgPool2d,
            "maxpool2d" => Kind.MaxPool2d,
            "subsample2d" => Kind.Subsample2d,
            "dense" => Kind.Dense,
            "rbf" => Kind.Rbf,
            _ => throw new NotSupportedException($"the scalar baseline has no layer kind '{kind}'"),
        };
        _activation = (json.TryGetProperty("activation", out JsonElement a) ? a.GetString()! : "none") switch
        {
            "tanh" => Activation.Tanh,
            "relu" => Activation.Relu,
            "sigmoid" => Activation.Sigmoid,
            "scaled_tanh" => Activation.ScaledTanh,
            _ => Activation.None,
        };
        (InChannels, InHeight, InWidth) = (channels, height, width);
        switch (_kind)
        {
            case Kind.Pad:
                _padding = json.GetProperty("padding").GetInt32();
                _padValue = json.TryGetProperty("value", out JsonElement v) ? v.GetSingle() : defaultPadValue;
                (OutChannels, OutHeight, OutWidth) = (channels, height + 2 * _padding, width + 2 * _padding);
                break;
            case Kind.Conv2d:
                _kernel = json.GetProperty("kernel").GetInt32();
                _stride = json.TryGetProperty("stride", out JsonElement s) ? s.GetInt32() : 1;
                _padding = json.TryGetProperty("padding", out JsonElement p) ? p.GetInt32() : 0;
                OutChannels = json.GetProperty("filters").GetInt32();
                OutHeight = (height + 2 * _padding - _kernel) / _stride + 1;
                OutWidth = (width + 2 * _padding - _kernel) / _stride + 1;
                // Without a table every filter reads every input map, which packs the kernels as [out, in, k, k].
                _connections = json.TryGetProperty("connections", out JsonElement table)
                    ? [.. table.EnumerateArray().Select(row => row.EnumerateArray().Select(i => i.GetInt32()).ToArray())]
                    : [.. Enumerable.Range(0, OutChannels).Select(_ => Enumerable.Range(0, channels).ToArray())];
                _firstConnection = new int[OutChannels];
                for (int f = 1; f < OutChannels; f++) _firstConnection[f] = _firstConnection[f - 1] + _connections[f - 1].Length;
                _weightOffset = parameterOffset;
                _biasOffset = parameterOffset + _connections.Sum(row => row.Length) * _kernel * _kernel;
                ParameterCount = _biasOffset + OutChannels - parameterOffset;
                break;
            case Kind.AvgPool2d:
            case Kind.MaxPool2d:
                _kernel = json.GetProperty("size").GetInt32();
                (OutChannels, OutHeight, OutWidth) = (channels, height / _kernel, width / _kernel);
                break;
            case Kind.Subsample2d:
                _kernel = json.GetProperty("size").GetInt32();
                (OutChannels, OutHeight, OutWidth) = (channels, height / _kernel, width / _kernel);
                _weightOffset = parameterOffset;
                _biasOffset = parameterOffset + channels;
                ParameterCount = 2 * channels;
                break;
            case Kind.Dense:
                (OutChannels, OutHeight, OutWidth) = (json.GetProperty("units").GetInt32(), 1, 1);
                _weightOffset = parameterOffset;
                _biasOffset = parameterOffset + OutChannels * InputSize;
                ParameterCount = _biasOffset + OutChannels - parameterOffset;
                break;
            case Kind.Rbf:
                // Each prototype is numbers, or bitmap rows where '#' is +1 and '.' is -1.
                _prototypes = [.. json.GetProperty("prototypes").EnumerateArray().Select(prototype => prototype.EnumerateArray()
                    .SelectMany(part => part.ValueKind == JsonValueKind.Number ? [part.GetSingle()] : part.GetString()!.Select(c => c == '#' ? 1f : -1f))
                    .ToArray())];
                (OutChannels, OutHeight, OutWidth) = (_prototypes.Length, 1, 1);
                break;
        }
    }

    public string Name { get; }
    public bool IsPad => _kind == Kind.Pad;
    public int InChannels { get; }
    public int InHeight { get; }
    public int InWidth { get; }
    public int OutChannels { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }
    public int InputSize => InChannels * InHeight * InWidth;
    public int OutputSize => OutChannels * OutHeight * OutWidth;
    public int ParameterCount { get; }

    public void Forward(float[] p, float[] x, float[] y)
    {
        switch (_kind)
        {
            case Kind.Pad:
                for (int c = 0; c < OutChannels; c++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    int si = i - _padding, sj = j - _padding;
                    bool inside = si >= 0 && si < InHeight && sj >= 0 && sj < InWidth;
                    y[(c * OutHeight + i) * OutWidth + j] = inside ? x[(c * InHeight + si) * InWidth + sj] : _padValue;
                }
                break;
            case Kind.Conv2d:
                for (int f = 0; f < OutChannels; f++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    float sum = p[_biasOffset + f];
                    for (int k = 0; k < _connections[f].Length; k++)
                    {
                        int c = _connections[f][k], connection = _firstConnection[f] + k;
                        for (int u = 0; u < _kernel; u++)
                        for (int v = 0; v < _kernel; v++)
                        {
                            int si = i * _stride + u - _padding, sj = j * _stride + v - _padding;
                            if (si < 0 || si >= InHeight || sj < 0 || sj >= InWidth) continue;
                            sum += p[_weightOffset + (connection * _kernel + u) * _kernel + v] * x[(c * InHeight + si) * InWidth + sj];
                        }
                    }
                    y[(f * OutHeight + i) * OutWidth + j] = sum;
                }
                break;
            case Kind.AvgPool2d:
            case Kind.MaxPool2d:
                for (int c = 0; c < OutChannels; c++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    float sum = 0, max = float.NegativeInfinity;
                    for (int u = 0; u < _kernel; u++)
                    for (int v = 0; v < _kernel; v++)
                    {
                        float value = x[(c * InHeight + i * _kernel + u) * InWidth + j * _kernel + v];
                        sum += value;
                        max = Math.Max(max, value);
                    }
                    y[(c * OutHeight + i) * OutWidth + j] = _kind == Kind.MaxPool2d ? max : sum / (_kernel * _kernel);
                }
                break;
            case Kind.Subsample2d:
                for (int c = 0; c < OutChannels; c++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    float sum = 0;
                    for (int u = 0; u < _kernel; u++)
                    for (int v = 0; v < _kernel; v++) sum += x[(c * InHeight + i * _kernel + u) * InWidth + j * _kernel + v];
                    y[(c * OutHeight + i) * OutWidth + j] = p[_weightOffset + c] * sum + p[_biasOffset + c];
                }
                break;
            case Kind.Dense:
                for (int o = 0; o < OutChannels; o++)
                {
                    float sum = p[_biasOffset + o];
                    for (int k = 0; k < InputSize; k++) sum += p[_weightOffset + o * InputSize + k] * x[k];
                    y[o] = sum;
                }
                break;
            case Kind.Rbf:
                for (int o = 0; o < OutChannels; o++)
                {
                    float distance = 0;
                    for (int k = 0; k < InputSize; k++) distance += (x[k] - _prototypes[o][k]) * (x[k] - _prototypes[o][k]);
                    y[o] = -distance;
                }
                break;
        }
        for (int k = 0; k < y.Length; k++) y[k] = Activate(y[k]);
    }

    public void Backward(float[] p, float[] g, float[] x, float[] y, float[] dy, float[] dx)
    {
        for (int k = 0; k < dy.Length; k++) dy[k] *= Derivative(y[k]);
        Array.Clear(dx);
        switch (_kind)
        {
            case Kind.Pad:
                for (int c = 0; c < InChannels; c++)
                for (int i = 0; i < InHeight; i++)
                for (int j = 0; j < InWidth; j++)
                    dx[(c * InHeight + i) * InWidth + j] = dy[(c * OutHeight + i + _padding) * OutWidth + j + _padding];
                break;
            case Kind.Conv2d:
                for (int f = 0; f < OutChannels; f++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    float d = dy[(f * OutHeight + i) * OutWidth + j];
                    g[_biasOffset + f] += d;
                    for (int k = 0; k < _connections[f].Length; k++)
                    {
                        int c = _connections[f][k], connection = _firstConnection[f] + k;
                        for (int u = 0; u < _kernel; u++)
                        for (int v = 0; v < _kernel; v++)
                        {
                            int si = i * _stride + u - _padding, sj = j * _stride + v - _padding;
                            if (si < 0 || si >= InHeight || sj < 0 || sj >= InWidth) continue;
                            int wi = _weightOffset + (connection * _kernel + u) * _kernel + v, xi = (c * InHeight + si) * InWidth + sj;
                            g[wi] += d * x[xi];
                            dx[xi] += d * p[wi];
                        }
                    }
                }
                break;
            case Kind.AvgPool2d:
            case Kind.MaxPool2d:
                for (int c = 0; c < OutChannels; c++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    float d = dy[(c * OutHeight + i) * OutWidth + j];
                    int best = -1;
                    for (int u = 0; u < _kernel; u++)
                    for (int v = 0; v < _kernel; v++)
                    {
                        int xi = (c * InHeight + i * _kernel + u) * InWidth + j * _kernel + v;
                        if (_kind == Kind.AvgPool2d) dx[xi] = d / (_kernel * _kernel);
                        else if (best < 0 || x[xi] > x[best]) best = xi;
                    }
                    if (best >= 0) dx[best] = d;
                }
                break;
            case Kind.Subsample2d:
                for (int c = 0; c < OutChannels; c++)
                for (int i = 0; i < OutHeight; i++)
                for (int j = 0; j < OutWidth; j++)
                {
                    float d = dy[(c * OutHeight + i) * OutWidth + j];
                    g[_biasOffset + c] += d;
                    for (int u = 0; u < _kernel; u++)
                    for (int v = 0; v < _kernel; v++)
                    {
                        int xi = (c * InHeight + i * _kernel + u) * InWidth + j * _kernel + v;
                        g[_weightOffset + c] += d * x[xi];
                        dx[xi] = d * p[_weightOffset + c];
                    }
                }
                break;
            case Kind.Dense:
                for (int o = 0; o < OutChannels; o++)
                {
                    g[_biasOffset + o] += dy[o];
                    for (int k = 0; k < InputSize; k++)
                    {
                        g[_weightOffset + o * InputSize + k] += dy[o] * x[k];
                        dx[k] += dy[o] * p[_weightOffset + o * InputSize + k];
                    }
                }
                break;
            case Kind.Rbf:
                // dz_o / dx_k = -2 (x_k - w_ok)
                for (int o = 0; o < OutChannels; o++)
                for (int k = 0; k < InputSize; k++) dx[k] += -2 * (x[k] - _prototypes[o][k]) * dy[o];
                break;
        }
    }

    private float Activate(float a) => _activation switch
    {
        Activation.Tanh => MathF.Tanh(a),
        Activation.Relu => MathF.Max(0, a),
        Activation.Sigmoid => 1 / (1 + MathF.Exp(-a)),
        Activation.ScaledTanh => 1.7159f * MathF.Tanh(2 * a / 3),
        _ => a,
    };

    private float Derivative(float y) => _activation switch
    {
        Activation.Tanh => 1 - y * y,
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.Sigmoid => y * (1 - y),
        Activation.ScaledTanh => 2f / 3f / 1.7159f * (1.7159f * 1.7159f - y * y),
        _ => 1,
    };
}
