using System;
using System.Collections.Generic;
using System.Globalization;

namespace LeNet5.Generator
{
    /// <summary>Turns the text of an architecture file into a <see cref="NetworkSpec"/>, reporting every problem it finds.</summary>
    internal sealed partial class ArchitectureParser
    {
        private static readonly string[] TopLevelProperties = { "$schema", "name", "input", "classes", "classNames", "layers", "loss", "lossConstant", "initialization", "training" };
        private static readonly string[] InputProperties = { "channels", "height", "width", "scale" };
        private static readonly string[] TrainingProperties = { "epochs", "batchSize", "optimizer", "learningRate", "learningRateDecay", "momentum", "weightDecay", "seed", "learningRateSchedule", "distort", "damping", "curvatureSamples" };

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

                if (!FitsFloat(number.Value))
                {
                    Report(DiagnosticDescriptors.ValueOutOfRange, number.Span, "learningRateSchedule", number.Text, "learning rates " + FloatRange);
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

            // The value becomes a float literal: one beyond float's range (1e39, or 1e400, which a double holds as infinity)
            // is reported as the number written, not turned into infinity.
            if (!FitsFloat(number.Value))
            {
                Report(DiagnosticDescriptors.ValueOutOfRange, number.Span, field, number.Text, requirement + ", " + FloatRange);
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
