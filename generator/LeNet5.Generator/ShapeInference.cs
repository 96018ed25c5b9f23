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
            var report = new ShapeReport(spec.FilePath, parsed.Diagnostics);
            ModelResult Failed() => new ModelResult(null, new EquatableArray<DiagnosticInfo>(report.Diagnostics), PlaceholderNetwork.For(spec));

            var layers = new List<LayerModel>();
            var shape = new Shape(spec.InputChannels, spec.InputHeight, spec.InputWidth);
            int parameterOffset = 0;
            int activationOffset = 0;
            int largest = shape.Size;

            for (int index = 0; index < spec.Layers.Count; index++)
            {
                LayerSpec layer = spec.Layers[index];
                LayerEmitter kind = LayerRegistry.For(layer.Kind);
                LayerShape? inferred = kind.Infer(layer, shape, report);
                if (inferred == null)
                {
                    return Failed();
                }

                Shape output = inferred.Value.Output;

                // Everything the generated code indexes must stay well inside int, even multiplied by a batch.
                const long limit = int.MaxValue / 1024;
                long parameters = (long)parameterOffset + inferred.Value.Weights + inferred.Value.Biases;
                long activations = (long)activationOffset + ((long)output.Channels * output.Height * output.Width) + inferred.Value.Kept;
                if (parameters > limit || activations > limit)
                {
                    bool parametersTooMany = parameters > limit;
                    report.Add(
                        DiagnosticDescriptors.NetworkTooLarge,
                        layer.NameSpan,
                        layer.Name,
                        (parametersTooMany ? parameters : activations).ToString(CultureInfo.InvariantCulture),
                        parametersTooMany ? "parameters" : "activation floats per image");
                    return Failed();
                }

                LayerEmitter form = kind.Refine(layer, shape);
                int weightLength = (int)inferred.Value.Weights;
                int biasLength = (int)inferred.Value.Biases;
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
                    (int)inferred.Value.FanIn,
                    activationOffset,
                    inferred.Value.Kept,
                    form,
                    form.Plan(layer, shape, output)));
                parameterOffset += weightLength + biasLength;
                activationOffset += output.Size + inferred.Value.Kept;
                largest = Math.Max(largest, output.Size);
                shape = output;
            }

            LayerSpec last = spec.Layers[spec.Layers.Count - 1];
            if (shape.Size != spec.Classes)
            {
                report.Add(DiagnosticDescriptors.OutputSizeMismatch, last.NameSpan, last.Name, Text(shape.Size), Text(spec.Classes));
            }

            if (last.Activation != ActivationKind.None)
            {
                report.Add(DiagnosticDescriptors.FinalActivation, last.ActivationSpan, last.Name, Activations.Name(last.Activation));
            }

            NetworkModel? model = report.HasErrors
                ? null
                : new NetworkModel(spec, spec.Name + "Network", new EquatableArray<LayerModel>(layers), parameterOffset, activationOffset, largest);
            return new ModelResult(model, new EquatableArray<DiagnosticInfo>(report.Diagnostics), model == null ? PlaceholderNetwork.For(spec) : null);
        }

        /// <summary>Reports a pool or subsampling window that does not divide its input; true when it does.</summary>
        public static bool WindowDivides(LayerSpec layer, Shape input, ShapeReport report)
        {
            if (input.Height % layer.Kernel == 0 && input.Width % layer.Kernel == 0)
            {
                return true;
            }

            report.Add(DiagnosticDescriptors.PoolSizeDoesNotDivide, layer.KernelSpan, layer.Name, Text(layer.Kernel), Text(input.Height), Text(input.Width));
            return false;
        }

        /// <summary>The layer name as the prefix of C# member names: <c>c1</c> becomes <c>C1</c>.</summary>
        public static string ToIdentifier(string name)
            => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

        public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
