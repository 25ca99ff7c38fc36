using System.Globalization;
using System.Text.Json;
using Engine.Data.Tables;

namespace Demo.Commands;

/// <summary>
/// What `anomaly` needs to know about a user's table: the files, the column roles, the value that means normal, and
/// how to read and scale. Saved beside the model (<see cref="ToMetadata"/>) so that `--load` reads and scales a new
/// file exactly as the training file was.
/// </summary>
internal sealed record TableAnomalySettings(
    string Train, string? Test, string? LabelColumn, string? Normal, IReadOnlyList<string> DropColumns,
    IReadOnlyList<string> Categorical, bool? Header, char? Delimiter, FeatureScaling Scaling, string? ScoresPath)
{
    private const string ReadKey = "anomaly.read";
    private const string PreprocessingKey = "anomaly.preprocessing";
    private const string ThresholdKey = "anomaly.threshold";

    /// <summary>How to read the training file (and a test file, with the model's schema once it is fitted).</summary>
    public TableReadOptions ReadOptions(IReadOnlyList<SchemaColumn>? schema = null) => new()
    {
        Delimiter = Delimiter, Header = Header, LabelColumn = LabelColumn, DropColumns = DropColumns,
        CategoricalColumns = Categorical, Schema = schema,
    };

    /// <summary>The checkpoint metadata of a trained detector: these settings, the fitted preprocessing and the threshold.</summary>
    public Dictionary<string, string> ToMetadata(TablePreprocessor preprocessor, float threshold) => new()
    {
        [ReadKey] = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["train"] = Path.GetFileName(Train),
            ["label_column"] = LabelColumn,
            ["normal"] = Normal,
            ["drop_columns"] = DropColumns,
            ["categorical"] = Categorical,
            ["header"] = Header,
            ["delimiter"] = Delimiter?.ToString(),
        }),
        [PreprocessingKey] = preprocessor.ToJson(),
        [ThresholdKey] = threshold.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The settings, preprocessing and threshold saved in a checkpoint's metadata, with this run's files and output
    /// (a label column or normal value given now takes the place of the saved one).
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is not a table anomaly detector, or an entry is malformed.</exception>
    public static (TableAnomalySettings Settings, TablePreprocessor Preprocessor, float Threshold) FromMetadata(
        IReadOnlyDictionary<string, string> metadata, string path, TableAnomalySettings now)
    {
        if (!metadata.TryGetValue(ReadKey, out string? read) || !metadata.TryGetValue(PreprocessingKey, out string? pre)
            || !metadata.TryGetValue(ThresholdKey, out string? thresholdText))
            throw new InvalidDataException($"{path}: not an anomaly detector for tables (saved by `anomaly --train FILE --save PATH`); "
                + "its metadata lacks the preprocessing and threshold.");
        var preprocessor = TablePreprocessor.FromJson(pre, path);
        if (!float.TryParse(thresholdText, NumberStyles.Float, CultureInfo.InvariantCulture, out float threshold) || !float.IsFinite(threshold))
            throw new InvalidDataException($"{path}: metadata '{ThresholdKey}' is '{thresholdText}', not a finite number.");
        try
        {
            using var document = JsonDocument.Parse(read);
            var r = document.RootElement;
            string? Text(string key) => r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string[] List(string key) => r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
                ? v.EnumerateArray().Select(e => e.GetString() ?? throw new InvalidDataException($"{path}: '{key}' holds a non-string.")).ToArray()
                : [];
            bool? header = r.TryGetProperty("header", out var h) && h.ValueKind is JsonValueKind.True or JsonValueKind.False ? h.GetBoolean() : null;
            string? delimiter = Text("delimiter");
            var saved = now with
            {
                LabelColumn = now.LabelColumn ?? Text("label_column"),
                Normal = now.Normal ?? Text("normal"),
                DropColumns = now.DropColumns.Count > 0 ? now.DropColumns : List("drop_columns"),
                Categorical = List("categorical"),
                Header = now.Header ?? header,
                Delimiter = now.Delimiter ?? (delimiter is { Length: 1 } ? delimiter[0] : null),
                Scaling = preprocessor.Scaling,
            };
            return (saved, preprocessor, threshold);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: metadata '{ReadKey}' is not valid JSON ({e.Message}).", e);
        }
    }
}
