using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeNet5.Cli.Pictures;
using LeNet5.Runtime;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli;

/// <summary>
/// <c>evaluate --json</c>: the whole evaluation as one JSON object whose shape is documented in docs/evaluation.md and
/// versioned by its <c>format</c> field (fields are only ever added within a version). Fractions are 0 to 1; classes are
/// indices into <c>classes</c>.
/// </summary>
internal static class EvaluationJson
{
    public const string Format = "lenet5-evaluation/1";

    public static string Write(string network, string checkpoint, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<string> classNames,
        EvaluationResult result, IReadOnlyList<Misclassification> mistakes, PicturePaths? pictures)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("network", network);
            json.WriteString("checkpoint", checkpoint);
            json.WriteStartObject("metadata");
            foreach (KeyValuePair<string, string> entry in metadata.OrderBy(e => e.Key, StringComparer.Ordinal)) json.WriteString(entry.Key, entry.Value);
            json.WriteEndObject();
            json.WriteNumber("images", result.Count);
            json.WriteNumber("correct", result.Correct);
            json.WriteNumber("accuracy", result.Accuracy);
            json.WriteNumber("loss", result.MeanLoss);

            json.WriteStartArray("classes");
            foreach (string name in classNames) json.WriteStringValue(name);
            json.WriteEndArray();

            ClassificationReport report = result.Report;
            json.WriteStartArray("perClass");
            foreach (ClassScores scores in report.Classes)
            {
                json.WriteStartObject();
                json.WriteNumber("class", scores.Class);
                json.WriteString("name", classNames[scores.Class]);
                json.WriteNumber("support", scores.Support);
                json.WriteNumber("predicted", scores.Predicted);
                json.WriteNumber("correct", scores.Correct);
                json.WriteNumber("precision", scores.Precision);
                json.WriteNumber("recall", scores.Recall);
                json.WriteNumber("f1", scores.F1);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("macro");
            json.WriteNumber("precision", report.MacroPrecision);
            json.WriteNumber("recall", report.MacroRecall);
            json.WriteNumber("f1", report.MacroF1);
            json.WriteEndObject();

            json.WriteStartArray("confusion");
            for (int t = 0; t < result.ClassCount; t++)
            {
                json.WriteStartArray();
                for (int p = 0; p < result.ClassCount; p++) json.WriteNumberValue(result[t, p]);
                json.WriteEndArray();
            }
            json.WriteEndArray();

            json.WriteStartArray("misclassified");
            foreach (Misclassification mistake in mistakes)
            {
                json.WriteStartObject();
                json.WriteNumber("index", mistake.Index);
                json.WriteNumber("true", mistake.TrueClass);
                json.WriteNumber("predicted", mistake.PredictedClass);
                json.WriteNumber("confidence", Shortest(mistake.Confidence));
                json.WriteNumber("trueProbability", Shortest(mistake.TrueClassProbability));
                json.WriteNumber("margin", Shortest(mistake.Margin));
                json.WriteEndObject();
            }
            json.WriteEndArray();

            if (pictures is null)
            {
                json.WriteNull("pictures");
            }
            else
            {
                json.WriteStartObject("pictures");
                json.WriteString("confusion", pictures.Confusion);
                json.WriteString("misclassified", pictures.Misclassified);
                if (pictures.Filters is null) json.WriteNull("filters");
                else json.WriteString("filters", pictures.Filters);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A float as its shortest decimal (0.98, not 0.9800000190734863).</summary>
    private static double Shortest(float value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
