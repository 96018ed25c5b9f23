using System.Collections.Generic;
using System.Globalization;

namespace LeNet5.Generator
{
    /// <summary>
    /// Reads the header file the build targets write for a weights file: <c>{"dataLength": n, "header": {...}}</c>, the
    /// safetensors JSON header as it is in the file and the bytes of tensor data after it; or <c>{"error": "..."}</c> when
    /// the file is not a safetensors checkpoint. (A generator cannot read the binary file itself.)
    /// </summary>
    internal static class WeightsHeaderParser
    {
        private const string MetadataKey = "__metadata__";

        public static WeightsSpec Parse(WeightsDeclaration declaration)
        {
            var tensors = new List<WeightsTensor>();
            string architecture = string.Empty;
            long dataLength = 0;
            string? error = declaration.HeaderText == null ? "the build did not write its header (are build/LeNet5.Generator.targets imported?)" : null;
            if (error == null)
            {
                try
                {
                    error = Read(JsonReader.Parse(declaration.HeaderText!), tensors, ref architecture, ref dataLength);
                }
                catch (JsonReaderException exception)
                {
                    error = "the header is not valid JSON: " + exception.Message;
                }
            }

            return new WeightsSpec(
                declaration.SourcePath, declaration.Network, declaration.ResourceName, architecture, new EquatableArray<WeightsTensor>(tensors), dataLength, error);
        }

        private static string? Read(JsonNode root, List<WeightsTensor> tensors, ref string architecture, ref long dataLength)
        {
            if (root is not JsonObject file)
            {
                return "the header file is not an object";
            }

            if (file.Find("error")?.Value is JsonString failure)
            {
                return failure.Value;
            }

            if (file.Find("dataLength")?.Value is not JsonNumber length || file.Find("header")?.Value is not JsonObject header)
            {
                return "the header file lacks 'dataLength' or 'header'";
            }

            dataLength = (long)length.Value;
            foreach (JsonProperty property in header.Properties)
            {
                if (property.Name == MetadataKey)
                {
                    if (property.Value is JsonObject metadata && metadata.Find("architecture")?.Value is JsonString name)
                    {
                        architecture = name.Value;
                    }

                    continue;
                }

                string? problem = ReadTensor(property, tensors);
                if (problem != null)
                {
                    return "tensor '" + property.Name + "' " + problem;
                }
            }

            return null;
        }

        private static string? ReadTensor(JsonProperty property, List<WeightsTensor> tensors)
        {
            if (property.Value is not JsonObject entry)
            {
                return "is not an object";
            }

            if (entry.Find("dtype")?.Value is not JsonString dtype)
            {
                return "has no dtype";
            }

            var shape = new List<long>();
            if (entry.Find("shape")?.Value is not JsonArray dimensions)
            {
                return "has no shape array";
            }

            foreach (JsonNode dimension in dimensions.Items)
            {
                if (dimension is not JsonNumber number || !number.IsInteger || number.Value < 0)
                {
                    return "has an invalid shape";
                }

                shape.Add((long)number.Value);
            }

            if (entry.Find("data_offsets")?.Value is not JsonArray offsets || offsets.Items.Count != 2
                || offsets.Items[0] is not JsonNumber begin || offsets.Items[1] is not JsonNumber end
                || begin.Value < 0 || end.Value < begin.Value || begin.Value != System.Math.Floor(begin.Value) || end.Value != System.Math.Floor(end.Value))
            {
                return "has no valid data_offsets [begin, end]";
            }

            tensors.Add(new WeightsTensor(property.Name, dtype.Value, new EquatableArray<long>(shape), (long)begin.Value, (long)end.Value));
            return null;
        }

        internal static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
