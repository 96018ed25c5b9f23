using System;
using System.Collections.Generic;
using System.Globalization;

namespace LeNet5.Generator
{
    /// <summary>Turns the text of an architecture file into a <see cref="NetworkSpec"/>, reporting every problem it finds.</summary>
    internal sealed class ArchitectureParser
    {
        private static readonly string[] TopLevelProperties = { "$schema", "name", "input", "classes", "classNames", "layers", "loss", "lossConstant", "initialization", "training" };
        private static readonly string[] InputProperties = { "channels", "height", "width", "scale" };
        private static readonly string[] TrainingProperties = { "epochs", "batchSize", "optimizer", "learningRate", "learningRateDecay", "momentum", "weightDecay", "seed", "learningRateSchedule", "distort", "damping", "curvatureSamples" };
        private static readonly string[] PadProperties = { "name", "kind", "padding", "value" };
        private static readonly string[] ConvProperties = { "name", "kind", "filters", "kernel", "stride", "padding", "activation", "connections" };
        private static readonly string[] SubsampleProperties = { "name", "kind", "size", "activation" };
        private static readonly string[] RbfProperties = { "name", "kind", "prototypes" };
        private static readonly string[] PoolProperties = { "name", "kind", "size", "activation" };
        private static readonly string[] DenseProperties = { "name", "kind", "units", "activation" };

        /// <summary>Values of one input image at most: batches of them are indexed with <c>int</c>.</summary>
        internal const int MaxInputValues = 1 << 24;

        private readonly string _path;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private bool _hasErrors;

        private ArchitectureParser(string path)
        {
            _path = path;
        }

        public static ParseResult Parse(string path, string text)
        {
            var parser = new ArchitectureParser(path);
            NetworkSpec? spec = parser.ParseDocument(text);
            var diagnostics = new EquatableArray<DiagnosticInfo>(parser._diagnostics);
            return parser._hasErrors ? new ParseResult(null, diagnostics, spec) : new ParseResult(spec, diagnostics);
        }

        private NetworkSpec? ParseDocument(string text)
        {
            JsonNode root;
            try
            {
                root = JsonReader.Parse(text);
            }
            catch (JsonReaderException exception)
            {
                Report(DiagnosticDescriptors.MalformedJson, exception.Span, exception.Message);
                return null;
            }

            if (root is not JsonObject document)
            {
                Report(DiagnosticDescriptors.InvalidField, root.Span, "(document)", "an object", root.Describe());
                return null;
            }

            CheckProperties(document, "the architecture", TopLevelProperties);
            string name = ReadName(document, "The architecture", "name");

            int channels = 1, height = 1, width = 1;
            InputScalingSpec scaling = InputScalingSpec.Standardized;
            JsonObject? input = ReadObject(document, "The architecture", "input", required: true);
            if (input != null)
            {
                CheckProperties(input, "'input'", InputProperties);
                channels = ReadInt(input, "'input'", "channels", null, 1);
                height = ReadInt(input, "'input'", "height", null, 1);
                width = ReadInt(input, "'input'", "width", null, 1);
                scaling = ReadScale(input);
                long values = (long)channels * height * width;
                if (values > MaxInputValues)
                {
                    Report(DiagnosticDescriptors.InputTooLarge, input.Span, Text(channels), Text(height), Text(width),
                        values.ToString(CultureInfo.InvariantCulture), Text(MaxInputValues));
                }
            }

            int classes = ReadInt(document, "The architecture", "classes", null, 2);
            SourceSpan classesSpan = document.Find("classes")?.Value.Span ?? StartOf(document);
            EquatableArray<string> classNames = ReadClassNames(document, classes);

            string? loss = ReadString(document, "loss", "softmax_cross_entropy");
            LossKind lossKind = LossKind.SoftmaxCrossEntropy;
            if (loss == "map")
            {
                lossKind = LossKind.MapCriterion;
            }
            else if (loss != null && loss != "softmax_cross_entropy")
            {
                Report(DiagnosticDescriptors.UnknownLoss, document.Find("loss")!.Value.Span, loss);
            }

            double lossConstant = ReadNumber(document, "lossConstant", lossKind == LossKind.MapCriterion ? 1 : 0, value => value >= 0 && value < 80, "at least 0 and below 80");
            string? initialization = ReadString(document, "initialization", "pytorch");
            InitializationKind initializationKind = InitializationKind.PyTorch;
            if (initialization == "lecun_uniform_2.4")
            {
                initializationKind = InitializationKind.LeCunUniform;
            }
            else if (initialization != null && initialization != "pytorch")
            {
                Report(DiagnosticDescriptors.UnknownInitialization, document.Find("initialization")!.Value.Span, initialization);
            }

            TrainingSpec training = ReadTraining(document);
            List<LayerSpec> layers = ReadLayers(document, scaling);

            SourceSpan nameSpan = document.Find("name")?.Value.Span ?? StartOf(document);
            return new NetworkSpec(_path, name, channels, height, width, classes, new EquatableArray<LayerSpec>(layers), training, classesSpan, nameSpan, scaling, lossKind, lossConstant, initializationKind, classNames);
        }

        private TrainingSpec ReadTraining(JsonObject document)
        {
            JsonObject? training = ReadObject(document, "The architecture", "training", required: false);
            if (training == null)
            {
                return TrainingSpec.Default;
            }

            // Only what the file gives: the runtime's TrainingRecipe holds every default.
            CheckProperties(training, "'training'", TrainingProperties);
            int? Int(string field, int minimum) => training.Find(field) == null ? null : ReadInt(training, "'training'", field, null, minimum);
            double? Number(string field, Func<double, bool> isValid, string requirement) =>
                training.Find(field) == null ? null : ReadNumber(training, field, double.NaN, isValid, requirement);

            string? optimizer = training.Find("optimizer") == null ? null : ReadString(training, "optimizer", string.Empty);
            if (optimizer != null && Array.IndexOf(TrainingSpec.OptimizerNames, optimizer) < 0)
            {
                Report(DiagnosticDescriptors.UnknownOptimizer, training.Find("optimizer")!.Value.Span, optimizer);
                optimizer = null;
            }

            return new TrainingSpec(
                Epochs: Int("epochs", 1),
                BatchSize: Int("batchSize", 1),
                Optimizer: optimizer,
                LearningRate: Number("learningRate", value => value > 0, "greater than 0"),
                LearningRateDecay: Number("learningRateDecay", value => value > 0 && value <= 1, "greater than 0 and at most 1"),
                Momentum: Number("momentum", value => value >= 0 && value <= 1, "between 0 and 1"),
                WeightDecay: Number("weightDecay", value => value >= 0, "at least 0"),
                Seed: Int("seed", int.MinValue),
                LearningRateSchedule: ReadSchedule(training),
                Distort: training.Find("distort") == null ? null : ReadBool(training, "distort", false),
                Damping: Number("damping", value => value > 0, "greater than 0"),
                CurvatureSamples: Int("curvatureSamples", 1));
        }

        /// <summary><c>classNames</c>: one non-empty name per class; by default the class indices as text.</summary>
        private EquatableArray<string> ReadClassNames(JsonObject document, int classes)
        {
            var names = new List<string>();
            JsonProperty? property = document.Find("classNames");
            if (property == null)
            {
                for (int i = 0; i < classes; i++)
                {
                    names.Add(Text(i));
                }

                return new EquatableArray<string>(names);
            }

            if (property.Value is not JsonArray array)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, "classNames", "an array with one name per class", property.Value.Describe());
                return EquatableArray<string>.Empty;
            }

            foreach (JsonNode item in array.Items)
            {
                if (item is not JsonString name || name.Value.Length == 0)
                {
                    Report(DiagnosticDescriptors.InvalidField, item.Span, "classNames", "non-empty strings", item.Describe());
                    continue;
                }

                names.Add(name.Value);
            }

            if (array.Items.Count != classes)
            {
                Report(DiagnosticDescriptors.ClassNameCount, array.Span, Text(array.Items.Count), Text(classes));
            }

            return new EquatableArray<string>(names);
        }

        /// <summary><c>learningRateSchedule</c>: one positive rate per epoch; the last one holds for later epochs.</summary>
        private EquatableArray<double> ReadSchedule(JsonObject training)
        {
            JsonProperty? property = training.Find("learningRateSchedule");
            if (property == null)
            {
                return EquatableArray<double>.Empty;
            }

            var rates = new List<double>();
            if (property.Value is not JsonArray array || array.Items.Count == 0)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, "learningRateSchedule", "a non-empty array of learning rates, one per epoch", property.Value.Describe());
                return EquatableArray<double>.Empty;
            }

            foreach (JsonNode item in array.Items)
            {
                if (item is not JsonNumber number || !(number.Value > 0))
                {
                    Report(DiagnosticDescriptors.InvalidField, item.Span, "learningRateSchedule", "a non-empty array of learning rates greater than 0", item.Describe());
                    continue;
                }

                rates.Add(number.Value);
            }

            return new EquatableArray<double>(rates);
        }

        private bool ReadBool(JsonObject owner, string field, bool defaultValue)
        {
            JsonProperty? property = owner.Find(field);
            if (property == null)
            {
                return defaultValue;
            }

            if (property.Value is not JsonLiteral literal || literal.Kind == JsonKind.Null)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, field, "true or false", property.Value.Describe());
                return defaultValue;
            }

            return literal.Value;
        }

        /// <summary><c>scale</c>: [background, foreground], the values pixels 0 and 255 become.</summary>
        private InputScalingSpec ReadScale(JsonObject input)
        {
            JsonProperty? property = input.Find("scale");
            if (property == null)
            {
                return InputScalingSpec.Standardized;
            }

            if (property.Value is JsonArray array && array.Items.Count == 2
                && array.Items[0] is JsonNumber background && array.Items[1] is JsonNumber foreground)
            {
                // The generated code holds them (and pad borders made of the background) as floats.
                if (!FitsFloat(background.Value) || !FitsFloat(foreground.Value) || (float)background.Value == (float)foreground.Value)
                {
                    Report(DiagnosticDescriptors.ValueOutOfRange, property.Value.Span, "scale", background.Text + ", " + foreground.Text, "two different values (background, foreground) " + FloatRange);
                    return InputScalingSpec.Standardized;
                }

                return new InputScalingSpec(background.Value, foreground.Value);
            }

            Report(DiagnosticDescriptors.InvalidField, property.Value.Span, "scale", "[background, foreground]: the two values pixels 0 and 255 become", property.Value.Describe());
            return InputScalingSpec.Standardized;
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

            LayerKind kind;
            string[] allowed;
            switch (kindString.Value)
            {
                case "pad": kind = LayerKind.Pad; allowed = PadProperties; break;
                case "conv2d": kind = LayerKind.Conv2d; allowed = ConvProperties; break;
                case "avgpool2d": kind = LayerKind.AvgPool2d; allowed = PoolProperties; break;
                case "maxpool2d": kind = LayerKind.MaxPool2d; allowed = PoolProperties; break;
                case "dense": kind = LayerKind.Dense; allowed = DenseProperties; break;
                case "subsample2d": kind = LayerKind.Subsample2d; allowed = SubsampleProperties; break;
                case "rbf": kind = LayerKind.Rbf; allowed = RbfProperties; break;
                default:
                    Report(DiagnosticDescriptors.UnknownLayerKind, kindString.Span, displayName, kindString.Value);
                    return null;
            }

            CheckProperties(layer, "layer '" + displayName + "'", allowed);
            int size = 0, kernel = 0, stride = 1, padding = 0;
            double padValue = 0;
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
            }

            ActivationKind activation = ActivationKind.None;
            JsonProperty? activationProperty = kind == LayerKind.Pad || kind == LayerKind.Rbf ? null : layer.Find("activation");
            SourceSpan activationSpan = StartOf(layer);
            if (activationProperty != null)
            {
                activationSpan = activationProperty.Value.Span;
                if (activationProperty.Value is not JsonString activationString)
                {
                    Report(DiagnosticDescriptors.InvalidField, activationProperty.Value.Span, "activation", "a string", activationProperty.Value.Describe());
                }
                else
                {
                    switch (activationString.Value)
                    {
                        case "none": activation = ActivationKind.None; break;
                        case "tanh": activation = ActivationKind.Tanh; break;
                        case "relu": activation = ActivationKind.Relu; break;
                        case "sigmoid": activation = ActivationKind.Sigmoid; break;
                        case "scaled_tanh": activation = ActivationKind.ScaledTanh; break;
                        default:
                            Report(DiagnosticDescriptors.UnknownActivation, activationString.Span, displayName, activationString.Value);
                            break;
                    }
                }
            }

            return new LayerSpec(
                name, kind, size, kernel, stride, padding, padValue, activation, nameSpan, kernelSpan, activationSpan, connections, connectionsSpan, prototypes, prototypesSpan);
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

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        private const string FloatRange = "within float's range (at most 3.4028235E+38 in magnitude)";

        /// <summary>Values the generated code writes as float literals must not round to infinity.</summary>
        private static bool FitsFloat(double value) => Math.Abs(value) <= float.MaxValue;

        /// <summary>Reads a required identifier-like name; returns "" after reporting if it is missing or invalid.</summary>
        private string ReadName(JsonObject owner, string context, string field)
        {
            JsonProperty? property = owner.Find(field);
            if (property == null)
            {
                Report(DiagnosticDescriptors.MissingField, StartOf(owner), context, field);
                return string.Empty;
            }

            if (property.Value is not JsonString value)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, field, "a string", property.Value.Describe());
                return string.Empty;
            }

            if (!IsIdentifier(value.Value))
            {
                Report(DiagnosticDescriptors.InvalidName, value.Span, value.Value);
                return string.Empty;
            }

            return value.Value;
        }

        private JsonObject? ReadObject(JsonObject owner, string context, string field, bool required)
        {
            JsonProperty? property = owner.Find(field);
            if (property == null)
            {
                if (required)
                {
                    Report(DiagnosticDescriptors.MissingField, StartOf(owner), context, field);
                }

                return null;
            }

            if (property.Value is not JsonObject value)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, field, "an object", property.Value.Describe());
                return null;
            }

            return value;
        }

        /// <summary>Reads an integer field; <paramref name="defaultValue"/> null means required.</summary>
        private int ReadInt(JsonObject owner, string context, string field, int? defaultValue, int minimum)
        {
            JsonProperty? property = owner.Find(field);
            if (property == null)
            {
                if (defaultValue == null)
                {
                    Report(DiagnosticDescriptors.MissingField, StartOf(owner), context, field);
                    return Math.Max(minimum, 1);
                }

                return defaultValue.Value;
            }

            if (property.Value is JsonNumber whole && whole.Value == Math.Floor(whole.Value) && !whole.IsInteger)
            {
                // A whole number too large for an int is reported as what it is, not as "not an integer".
                Report(DiagnosticDescriptors.InvalidField, whole.Span, field, "an integer from " + Text(int.MinValue) + " to " + Text(int.MaxValue), whole.Describe());
                return defaultValue ?? Math.Max(minimum, 1);
            }

            if (property.Value is not JsonNumber number || !number.IsInteger)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, field, "an integer", property.Value.Describe());
                return defaultValue ?? Math.Max(minimum, 1);
            }

            int value = (int)number.Value;
            if (value < minimum)
            {
                Report(DiagnosticDescriptors.NonPositiveSize, number.Span, field, number.Text, minimum.ToString(CultureInfo.InvariantCulture));
                return defaultValue ?? Math.Max(minimum, 1);
            }

            return value;
        }

        private double ReadNumber(JsonObject owner, string field, double defaultValue, Func<double, bool> isValid, string requirement)
        {
            JsonProperty? property = owner.Find(field);
            if (property == null)
            {
                return defaultValue;
            }

            if (property.Value is not JsonNumber number)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, field, "a number", property.Value.Describe());
                return defaultValue;
            }

            if (!isValid(number.Value))
            {
                Report(DiagnosticDescriptors.ValueOutOfRange, number.Span, field, number.Text, requirement);
                return defaultValue;
            }

            return number.Value;
        }

        /// <summary>Reads an optional string field; null if it is absent-with-no-default or invalid (after reporting).</summary>
        private string? ReadString(JsonObject owner, string field, string defaultValue)
        {
            JsonProperty? property = owner.Find(field);
            if (property == null)
            {
                return defaultValue;
            }

            if (property.Value is not JsonString value)
            {
                Report(DiagnosticDescriptors.InvalidField, property.Value.Span, field, "a string", property.Value.Describe());
                return null;
            }

            return value.Value;
        }

        private void CheckProperties(JsonObject owner, string context, string[] allowed)
        {
            foreach (JsonProperty property in owner.Properties)
            {
                if (Array.IndexOf(allowed, property.Name) < 0)
                {
                    Report(DiagnosticDescriptors.UnknownProperty, property.NameSpan, property.Name, context, string.Join(", ", allowed));
                }
            }
        }

        internal static bool IsIdentifier(string name)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || name[0] > 127)
            {
                return false;
            }

            foreach (char c in name)
            {
                if (c > 127 || !(char.IsLetterOrDigit(c) || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }

        private static SourceSpan StartOf(JsonNode node)
            => new SourceSpan(node.Span.Start, 1, node.Span.StartLine, node.Span.StartColumn, node.Span.StartLine, node.Span.StartColumn + 1);

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        {
            if (descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            {
                _hasErrors = true;
            }

            _diagnostics.Add(DiagnosticInfo.Create(descriptor, _path, span, arguments));
        }
    }
}
