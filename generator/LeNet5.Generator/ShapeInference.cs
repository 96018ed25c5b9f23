using System;
using System.Collections.Generic;
using System.Globalization;

namespace LeNet5.Generator
{
    /// <summary>
    /// Walks the layer stack: computes every layer's output shape, the offsets of its parameters in the flat parameter
    /// buffer (PyTorch <c>state_dict</c> order) and of its output in the activation buffer, and reports shape errors.
    /// </summary>
    internal static class ShapeInference
    {
        public static ModelResult Infer(ParseResult parsed)
        {
            if (parsed.Spec == null)
            {
                return new ModelResult(null, parsed.Diagnostics, PlaceholderNetwork.For(parsed.Outline));
            }

            NetworkSpec spec = parsed.Spec;
            var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
            bool hasErrors = false;

            void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
            {
                hasErrors |= descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
                diagnostics.Add(DiagnosticInfo.Create(descriptor, spec.FilePath, span, arguments));
            }

            var layers = new List<LayerModel>();
            var shape = new Shape(spec.InputChannels, spec.InputHeight, spec.InputWidth);
            int parameterOffset = 0;
            int activationOffset = 0;
            int largest = shape.Size;

            for (int index = 0; index < spec.Layers.Count; index++)
            {
                LayerSpec layer = spec.Layers[index];
                Shape output;
                long fanIn = 0;
                long weightCount = -1;
                long biasCount = -1;
                switch (layer.Kind)
                {
                    case LayerKind.Pad:
                        output = new Shape(shape.Channels, shape.Height + (2 * layer.Padding), shape.Width + (2 * layer.Padding));
                        break;

                    case LayerKind.Conv2d:
                    {
                        int paddedHeight = shape.Height + (2 * layer.Padding);
                        int paddedWidth = shape.Width + (2 * layer.Padding);
                        if (layer.Kernel > paddedHeight || layer.Kernel > paddedWidth)
                        {
                            Report(
                                DiagnosticDescriptors.KernelTooLarge,
                                layer.KernelSpan,
                                layer.Name,
                                Text(layer.Kernel),
                                Text(paddedHeight),
                                Text(paddedWidth));
                            return new ModelResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), PlaceholderNetwork.For(spec));
                        }

                        output = new Shape(
                            layer.Size,
                            ((paddedHeight - layer.Kernel) / layer.Stride) + 1,
                            ((paddedWidth - layer.Kernel) / layer.Stride) + 1);
                        fanIn = (long)shape.Channels * layer.Kernel * layer.Kernel;
                        if (layer.IsSparse)
                        {
                            // Packed layout: one k x k kernel per connection, filter by filter, in table order.
                            long connections = 0;
                            for (int o = 0; o < layer.Connections.Count; o++)
                            {
                                foreach (int source in layer.Connections[o])
                                {
                                    if (source >= shape.Channels)
                                    {
                                        Report(
                                            DiagnosticDescriptors.ConnectionOutOfRange,
                                            layer.ConnectionsSpan,
                                            layer.Name,
                                            Text(o),
                                            Text(source),
                                            Text(shape.Channels),
                                            Text(shape.Channels - 1));
                                        return new ModelResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), PlaceholderNetwork.For(spec));
                                    }
                                }

                                connections += layer.Connections[o].Count;
                            }

                            weightCount = connections * layer.Kernel * layer.Kernel;
                            biasCount = layer.Size;
                        }

                        break;
                    }

                    case LayerKind.Subsample2d:
                        if (shape.Height % layer.Kernel != 0 || shape.Width % layer.Kernel != 0)
                        {
                            Report(
                                DiagnosticDescriptors.PoolSizeDoesNotDivide,
                                layer.KernelSpan,
                                layer.Name,
                                Text(layer.Kernel),
                                Text(shape.Height),
                                Text(shape.Width));
                            return new ModelResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), PlaceholderNetwork.For(spec));
                        }

                        output = new Shape(shape.Channels, shape.Height / layer.Kernel, shape.Width / layer.Kernel);
                        fanIn = (long)layer.Kernel * layer.Kernel;
                        weightCount = shape.Channels;
                        biasCount = shape.Channels;
                        break;

                    case LayerKind.Rbf:
                        for (int u = 0; u < layer.Prototypes.Count; u++)
                        {
                            if (layer.Prototypes[u].Count != shape.Size)
                            {
                                Report(
                                    DiagnosticDescriptors.PrototypeSizeMismatch,
                                    layer.PrototypesSpan,
                                    Text(u),
                                    layer.Name,
                                    Text(layer.Prototypes[u].Count),
                                    Text(shape.Size));
                                return new ModelResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), PlaceholderNetwork.For(spec));
                            }
                        }

                        output = new Shape(layer.Size, 1, 1);
                        weightCount = 0;
                        biasCount = 0;
                        break;

                    case LayerKind.AvgPool2d:
                    case LayerKind.MaxPool2d:
                        if (shape.Height % layer.Kernel != 0 || shape.Width % layer.Kernel != 0)
                        {
                            Report(
                                DiagnosticDescriptors.PoolSizeDoesNotDivide,
                                layer.KernelSpan,
                                layer.Name,
                                Text(layer.Kernel),
                                Text(shape.Height),
                                Text(shape.Width));
                            return new ModelResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), PlaceholderNetwork.For(spec));
                        }

                        output = new Shape(shape.Channels, shape.Height / layer.Kernel, shape.Width / layer.Kernel);
                        break;

                    case LayerKind.Dense:
                        output = new Shape(layer.Size, 1, 1);
                        fanIn = (long)shape.Channels * shape.Height * shape.Width;
                        break;

                    default:
                        throw new InvalidOperationException("Unexpected layer kind " + layer.Kind);
                }

                // Everything the generated code indexes must stay well inside int, even multiplied by a batch.
                const long limit = int.MaxValue / 1024;
                if (weightCount < 0)
                {
                    weightCount = layer.Size * fanIn;
                    biasCount = fanIn > 0 ? layer.Size : 0;
                }

                long parameters = (long)parameterOffset + weightCount + biasCount;
                long activations = (long)activationOffset + ((long)output.Channels * output.Height * output.Width);
                if (parameters > limit || activations > limit)
                {
                    bool parametersTooMany = parameters > limit;
                    Report(
                        DiagnosticDescriptors.NetworkTooLarge,
                        layer.NameSpan,
                        layer.Name,
                        (parametersTooMany ? parameters : activations).ToString(CultureInfo.InvariantCulture),
                        parametersTooMany ? "parameters" : "activation floats per image");
                    return new ModelResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), PlaceholderNetwork.For(spec));
                }

                int weightLength = (int)weightCount;
                int biasLength = (int)biasCount;
                layers.Add(new LayerModel(
                    layer,
                    index,
                    ToIdentifier(layer.Name),
                    shape,
                    output,
                    parameterOffset,
                    weightLength,
                    parameterOffset + weightLength,
                    biasLength,
                    (int)fanIn,
                    activationOffset));
                parameterOffset += weightLength + biasLength;
                activationOffset += output.Size;
                largest = Math.Max(largest, output.Size);
                shape = output;
            }

            LayerSpec last = spec.Layers[spec.Layers.Count - 1];
            if (shape.Size != spec.Classes)
            {
                Report(DiagnosticDescriptors.OutputSizeMismatch, last.NameSpan, last.Name, Text(shape.Size), Text(spec.Classes));
            }

            if (last.Activation != ActivationKind.None)
            {
                Report(DiagnosticDescriptors.FinalActivation, last.ActivationSpan, last.Name, ActivationName(last.Activation));
            }

            NetworkModel? model = hasErrors
                ? null
                : new NetworkModel(spec, spec.Name + "Network", new EquatableArray<LayerModel>(layers), parameterOffset, activationOffset, largest);
            return new ModelResult(model, new EquatableArray<DiagnosticInfo>(diagnostics), model == null ? PlaceholderNetwork.For(spec) : null);
        }

        /// <summary>The layer name as the prefix of C# member names: <c>c1</c> becomes <c>C1</c>.</summary>
        public static string ToIdentifier(string name)
            => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

        public static string ActivationName(ActivationKind activation)
        {
            switch (activation)
            {
                case ActivationKind.Tanh: return "tanh";
                case ActivationKind.Relu: return "relu";
                case ActivationKind.Sigmoid: return "sigmoid";
                case ActivationKind.ScaledTanh: return "scaled_tanh";
                default: return "none";
            }
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
