namespace LeNet5.Generator.Tests;

/// <summary>
/// A plain, double-precision forward pass written straight from the layer definitions (one output element at a
/// time, bounds checked), used to check the generated kernels and, by finite differences, their gradients.
/// </summary>
internal sealed class ReferenceNetwork(NetworkModel model)
{
    public double[] Forward(double[] parameters, double[] image)
    {
        double[] x = image;
        foreach (LayerModel layer in model.Layers)
        {
            x = Forward(layer, parameters, x);
        }

        return x;
    }

    private static double[] Forward(LayerModel layer, double[] parameters, double[] x)
    {
        LayerSpec spec = layer.Spec;
        (int c, int h, int w) = (layer.Input.Channels, layer.Input.Height, layer.Input.Width);
        (int oc, int oh, int ow) = (layer.Output.Channels, layer.Output.Height, layer.Output.Width);
        var y = new double[layer.Output.Size];
        switch (spec.Kind)
        {
            case LayerKind.Pad:
                for (int ch = 0; ch < oc; ch++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            int ii = i - spec.Padding, jj = j - spec.Padding;
                            bool inside = ii >= 0 && ii < h && jj >= 0 && jj < w;
                            y[(((ch * oh) + i) * ow) + j] = inside ? x[(((ch * h) + ii) * w) + jj] : (float)spec.PadValue;
                        }
                    }
                }

                return y;

            case LayerKind.Conv2d:
                for (int o = 0; o < oc; o++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            double z = parameters[layer.BiasOffset + o];
                            for (int ch = 0; ch < c; ch++)
                            {
                                for (int ky = 0; ky < spec.Kernel; ky++)
                                {
                                    for (int kx = 0; kx < spec.Kernel; kx++)
                                    {
                                        int ii = (i * spec.Stride) + ky - spec.Padding, jj = (j * spec.Stride) + kx - spec.Padding;
                                        if (ii >= 0 && ii < h && jj >= 0 && jj < w)
                                        {
                                            z += parameters[layer.WeightOffset + (((((o * c) + ch) * spec.Kernel) + ky) * spec.Kernel) + kx] * x[(((ch * h) + ii) * w) + jj];
                                        }
                                    }
                                }
                            }

                            y[(((o * oh) + i) * ow) + j] = Activate(spec.Activation, z);
                        }
                    }
                }

                return y;

            case LayerKind.AvgPool2d:
            case LayerKind.MaxPool2d:
                for (int ch = 0; ch < oc; ch++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            bool max = spec.Kind == LayerKind.MaxPool2d;
                            double acc = max ? double.NegativeInfinity : 0;
                            for (int dy = 0; dy < spec.Kernel; dy++)
                            {
                                for (int dx = 0; dx < spec.Kernel; dx++)
                                {
                                    double v = x[(((ch * h) + (i * spec.Kernel) + dy) * w) + (j * spec.Kernel) + dx];
                                    acc = max ? Math.Max(acc, v) : acc + v;
                                }
                            }

                            y[(((ch * oh) + i) * ow) + j] = Activate(spec.Activation, max ? acc : acc / (spec.Kernel * spec.Kernel));
                        }
                    }
                }

                return y;

            case LayerKind.Dense:
                int n = layer.Input.Size;
                for (int u = 0; u < spec.Size; u++)
                {
                    double z = parameters[layer.BiasOffset + u];
                    for (int k = 0; k < n; k++)
                    {
                        z += parameters[layer.WeightOffset + (u * n) + k] * x[k];
                    }

                    y[u] = Activate(spec.Activation, z);
                }

                return y;

            default:
                throw new InvalidOperationException(spec.Kind.ToString());
        }
    }

    private static double Activate(ActivationKind activation, double z) => activation switch
    {
        ActivationKind.Tanh => Math.Tanh(z),
        ActivationKind.Relu => Math.Max(0, z),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-z)),
        ActivationKind.ScaledTanh => 1.7159 * Math.Tanh(2.0 / 3.0 * z),
        _ => z,
    };
}
