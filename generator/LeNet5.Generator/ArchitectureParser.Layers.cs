using System;
using System.Collections.Generic;
using System.Globalization;

namespace LeNet5.Generator
{
    /// <summary>The layers: each layer's kind, its properties and their checks; connection tables and prototypes.</summary>
    internal sealed partial class ArchitectureParser
    {
        private static readonly string[] PadProperties = { "name", "kind", "padding", "value" };
        private static readonly string[] ConvProperties = { "name", "kind", "filters", "kernel", "stride", "padding", "activation", "connections" };
        private static readonly string[] SubsampleProperties = { "name", "kind", "size", "activation" };
        private static readonly string[] RbfProperties = { "name", "kind", "prototypes" };
        private static readonly string[] PoolProperties = { "name", "kind", "size", "activation" };
        private static readonly string[] DenseProperties = { "name", "kind", "units", "activation" };
        private static readonly string[] DropoutProperties = { "name", "kind", "rate" };

        /// <summary>The properties a layer of <paramref name="kind"/> may have.</summary>
        private static string[] Properties(LayerKind kind)
        {
            switch (kind)
            {
                case LayerKind.Pad: return PadProperties;
                case LayerKind.Conv2d: return ConvProperties;
                case LayerKind.AvgPool2d: case LayerKind.MaxPool2d: return PoolProperties;
                case LayerKind.Dense: return DenseProperties;
                case LayerKind.Subsample2d: return SubsampleProperties;
                case LayerKind.Rbf: return RbfProperties;
                case LayerKind.Dropout: return DropoutProperties;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind an architecture file names");
            }
        }

        private List<LayerSpec> ReadLayers(JsonObject document, InputScalingSpec scaling)
        {
            var layers = new List<LayerSpec>();
            JsonProperty? property = document.Find("layers");
            if (property == null)
            {
                Report(DiagnosticDescriptors.MissingField, StartOf(document), "The architecture", "layers");
                return layers;
            }

            if (property.Value is not JsonArray array)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, "layers", "an array of layers", property.Value.Describe());
                return layers;
            }

            if (array.Items.Count == 0)
            {
                Report(DiagnosticDescriptors.NoLayers, array.Span);
                return layers;
            }

            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            bool readsImage = true;
            for (int i = 0; i < array.Items.Count; i++)
            {
                JsonNode item = array.Items[i];
                if (item is not JsonObject layer)
                {
                    Report(DiagnosticDescriptors.InvalidField, item.Span, "layers[" + i + "]", "a layer object", item.Describe());
                    continue;
                }

                // A pad on the image pads with the image's background, as the replications pad the normalized image
                // (with (0 - 0.1307) / 0.3081, not 0); a pad on feature maps pads with 0, as convolution padding does.
                LayerSpec? spec = ReadLayer(layer, i, readsImage ? scaling.Background : 0);
                readsImage &= spec?.Kind == LayerKind.Pad;
                if (spec == null)
                {
                    continue;
                }

                if (spec.Name.Length > 0)
                {
                    if (seen.TryGetValue(spec.Name, out int first))
                    {
                        Report(DiagnosticDescriptors.DuplicateLayerName, spec.NameSpan, spec.Name, first.ToString(CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        seen.Add(spec.Name, i);
                    }
                }

                layers.Add(spec);
            }

            return layers;
        }

        /// <param name="defaultPadValue">The border of a pad layer that gives no <c>value</c>.</param>
        private LayerSpec? ReadLayer(JsonObject layer, int index, double defaultPadValue)
        {
            JsonProperty? nameProperty = layer.Find("name");
            string context = nameProperty?.Value is JsonString nameString
                ? "Layer '" + nameString.Value + "'"
                : "Layer " + index.ToString(CultureInfo.InvariantCulture);
            string name = ReadName(layer, context, "name");
            string displayName = name.Length > 0 ? name : index.ToString(CultureInfo.InvariantCulture);
            SourceSpan nameSpan = nameProperty?.Value.Span ?? StartOf(layer);

            JsonProperty? kindProperty = layer.Find("kind");
            if (kindProperty == null)
            {
                Report(DiagnosticDescriptors.MissingField, StartOf(layer), context, "kind");
                return null;
            }

            if (kindProperty.Value is not JsonString kindString)
            {
                Report(DiagnosticDescriptors.InvalidField, kindProperty.Value.Span, "kind", "a string", kindProperty.Value.Describe());
                return null;
            }

            if (!LayerKinds.TryParse(kindString.Value, out LayerKind kind))
            {
                Report(DiagnosticDescriptors.UnknownLayerKind, kindString.Span, displayName, kindString.Value);
                return null;
            }

            CheckProperties(layer, "layer '" + displayName + "'", Properties(kind));
            int size = 0, kernel = 0, stride = 1, padding = 0;
            double padValue = 0;
            double rate = 0;
            SourceSpan kernelSpan = StartOf(layer);
            var connections = EquatableArray<EquatableArray<int>>.Empty;
            var prototypes = EquatableArray<EquatableArray<double>>.Empty;
            SourceSpan connectionsSpan = StartOf(layer);
            SourceSpan prototypesSpan = StartOf(layer);
            switch (kind)
            {
                case LayerKind.Pad:
                    padding = ReadInt(layer, context, "padding", null, 1);
                    padValue = ReadNumber(layer, "value", defaultPadValue, FitsFloat, "a number " + FloatRange);
                    break;
                case LayerKind.Conv2d:
                    size = ReadInt(layer, context, "filters", null, 1);
                    kernel = ReadInt(layer, context, "kernel", null, 1);
                    kernelSpan = layer.Find("kernel")?.Value.Span ?? kernelSpan;
                    stride = ReadInt(layer, context, "stride", 1, 1);
                    padding = ReadInt(layer, context, "padding", 0, 0);
                    connections = ReadConnections(layer, size, out connectionsSpan);
                    break;
                case LayerKind.Rbf:
                    prototypes = ReadPrototypes(layer, out prototypesSpan);
                    size = prototypes.Count;
                    break;
                case LayerKind.AvgPool2d:
                case LayerKind.MaxPool2d:
                case LayerKind.Subsample2d:
                    kernel = ReadInt(layer, context, "size", null, 1);
                    kernelSpan = layer.Find("size")?.Value.Span ?? kernelSpan;
                    stride = kernel;
                    break;
                case LayerKind.Dense:
                    size = ReadInt(layer, context, "units", null, 1);
                    break;
                case LayerKind.Dropout:
                    if (layer.Find("rate") == null)
                    {
                        Report(DiagnosticDescriptors.MissingField, StartOf(layer), context, "rate");
                    }

                    rate = ReadNumber(layer, "rate", 0, value => value >= 0 && value < 1, "at least 0 and below 1");
                    break;
            }

            ActivationKind activation = ActivationKind.None;
            JsonProperty? activationProperty = kind == LayerKind.Pad || kind == LayerKind.Rbf || kind == LayerKind.Dropout ? null : layer.Find("activation");
            SourceSpan activationSpan = StartOf(layer);
            if (activationProperty != null)
            {
                activationSpan = activationProperty.Value.Span;
                if (activationProperty.Value is not JsonString activationString)
                {
                    Report(DiagnosticDescriptors.InvalidField, activationProperty.Value.Span, "activation", "a string", activationProperty.Value.Describe());
                }
                else if (!Activations.TryParse(activationString.Value, out activation))
                {
                    Report(DiagnosticDescriptors.UnknownActivation, activationString.Span, displayName, activationString.Value);
                }
            }

            return new LayerSpec(
                name, kind, size, kernel, stride, padding, padValue, activation, nameSpan, kernelSpan, activationSpan, connections, connectionsSpan, prototypes, prototypesSpan)
            {
                Rate = rate,
            };
        }

        /// <summary>
        /// <c>connections</c>: one list of input-map indices per output map. Indices are checked against the input's
        /// channel count by <see cref="ShapeInference"/>; here the table's form, its length and duplicates.
        /// </summary>
        private EquatableArray<EquatableArray<int>> ReadConnections(JsonObject layer, int filters, out SourceSpan span)
        {
            span = StartOf(layer);
            JsonProperty? property = layer.Find("connections");
            if (property == null)
            {
                return EquatableArray<EquatableArray<int>>.Empty;
            }

            span = property.Value.Span;
            if (property.Value is not JsonArray table)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, "connections", "an array with one list of input maps per filter", property.Value.Describe());
                return EquatableArray<EquatableArray<int>>.Empty;
            }

            if (table.Items.Count != filters)
            {
                Report(DiagnosticDescriptors.ConnectionTableSize, table.Span, Text(table.Items.Count), Text(filters));
                return EquatableArray<EquatableArray<int>>.Empty;
            }

            var rows = new List<EquatableArray<int>>();
            bool valid = true;
            for (int o = 0; o < table.Items.Count; o++)
            {
                JsonNode row = table.Items[o];
                if (row is not JsonArray inputs || inputs.Items.Count == 0)
                {
                    Report(DiagnosticDescriptors.EmptyConnections, row.Span, Text(o));
                    valid = false;
                    continue;
                }

                var indices = new List<int>();
                foreach (JsonNode item in inputs.Items)
                {
                    if (item is not JsonNumber number || !number.IsInteger || number.Value < 0)
                    {
                        Report(DiagnosticDescriptors.InvalidField, item.Span, "connections", "input-map indices (integers from 0)", item.Describe());
                        valid = false;
                        continue;
                    }

                    if (indices.Contains((int)number.Value))
                    {
                        Report(DiagnosticDescriptors.DuplicateConnection, item.Span, number.Text, Text(o));
                        valid = false;
                        continue;
                    }

                    indices.Add((int)number.Value);
                }

                rows.Add(new EquatableArray<int>(indices));
            }

            return valid ? new EquatableArray<EquatableArray<int>>(rows) : EquatableArray<EquatableArray<int>>.Empty;
        }

        /// <summary>
        /// <c>prototypes</c>: one fixed prototype per output unit, each either an array of numbers or an array of strings
        /// (rows of a bitmap) where <c>#</c> is +1 and <c>.</c> is -1.
        /// </summary>
        private EquatableArray<EquatableArray<double>> ReadPrototypes(JsonObject layer, out SourceSpan span)
        {
            span = StartOf(layer);
            JsonProperty? property = layer.Find("prototypes");
            if (property == null)
            {
                Report(DiagnosticDescriptors.MissingField, StartOf(layer), "An rbf layer", "prototypes");
                return EquatableArray<EquatableArray<double>>.Empty;
            }

            span = property.Value.Span;
            if (property.Value is not JsonArray list || list.Items.Count == 0)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, "prototypes", "a non-empty array with one prototype per unit", property.Value.Describe());
                return EquatableArray<EquatableArray<double>>.Empty;
            }

            var result = new List<EquatableArray<double>>();
            foreach (JsonNode prototype in list.Items)
            {
                var values = new List<double>();
                if (prototype is JsonArray parts)
                {
                    foreach (JsonNode part in parts.Items)
                    {
                        if (part is JsonNumber number && FitsFloat(number.Value))
                        {
                            values.Add(number.Value);
                        }
                        else if (part is JsonNumber outOfRange)
                        {
                            Report(DiagnosticDescriptors.ValueOutOfRange, part.Span, "prototypes", outOfRange.Text, "a number " + FloatRange);
                        }
                        else if (part is JsonString row && IsBitmapRow(row.Value))
                        {
                            foreach (char c in row.Value)
                            {
                                values.Add(c == '#' ? 1.0 : -1.0);
                            }
                        }
                        else
                        {
                            Report(DiagnosticDescriptors.InvalidField, part.Span, "prototypes", "numbers or bitmap rows of '#' (+1) and '.' (-1)", part.Describe());
                        }
                    }
                }
                else
                {
                    Report(DiagnosticDescriptors.InvalidField, prototype.Span, "prototypes", "an array of numbers or of bitmap rows", prototype.Describe());
                }

                result.Add(new EquatableArray<double>(values));
            }

            return new EquatableArray<EquatableArray<double>>(result);
        }

        private static bool IsBitmapRow(string row)
        {
            foreach (char c in row)
            {
                if (c != '#' && c != '.')
                {
                    return false;
                }
            }

            return row.Length > 0;
        }
    }
}
