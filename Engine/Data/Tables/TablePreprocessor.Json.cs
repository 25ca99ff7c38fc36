using System.Text;
using System.Text.Json;

namespace Engine.Data.Tables;

public sealed partial class TablePreprocessor
{
    private const string FormatName = "engine-table-preprocessor";
    private const int FormatVersion = 1;
    private const int MaxColumns = 100_000;

    /// <summary>
    /// The fitted state as JSON: format, version, scaling, fit row count, and per column its name and kind with
    /// log flag, shift and scale (numeric; doubles written round-trip exact) or its categories (categorical).
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", FormatVersion);
            json.WriteString("scaling", Scaling == FeatureScaling.MinMax ? "min-max" : "standard");
            json.WriteNumber("fit_rows", FitRowCount);
            json.WriteStartArray("columns");
            foreach (var c in _columns)
            {
                json.WriteStartObject();
                json.WriteString("name", c.Name);
                if (c.Kind == ColumnKind.Numeric)
                {
                    json.WriteString("kind", "numeric");
                    json.WriteBoolean("log", c.Log);
                    json.WriteNumber("shift", c.Shift);
                    json.WriteNumber("scale", c.Scale);
                }
                else
                {
                    json.WriteString("kind", "categorical");
                    json.WriteStartArray("categories");
                    foreach (string category in c.Categories) json.WriteStringValue(category);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Restores a preprocessor written by <see cref="ToJson"/>, checking every field.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">Names where the text came from, in messages (e.g. the model file).</param>
    /// <returns>A preprocessor that transforms exactly as the saved one did.</returns>
    /// <exception cref="InvalidDataException">Malformed JSON, another format or version, or a field missing or out of range; the message names the source and the field.</exception>
    public static TablePreprocessor FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(source, "the preprocessing entry is not a JSON object");
            if (Text(root, "format", source) != FormatName)
                throw Bad(source, $"the preprocessing entry is not an {FormatName}");
            if (Integer(root, "version", source) != FormatVersion)
                throw Bad(source, $"preprocessing version {Integer(root, "version", source)} is not supported (this build reads version {FormatVersion})");
            var scaling = Text(root, "scaling", source) switch
            {
                "min-max" => FeatureScaling.MinMax,
                "standard" => FeatureScaling.Standard,
                var other => throw Bad(source, $"preprocessing 'scaling' is '{other}', expected min-max or standard"),
            };
            int fitRows = Integer(root, "fit_rows", source);
            if (fitRows < 1) throw Bad(source, $"preprocessing 'fit_rows' is {fitRows}, expected at least 1");
            if (!root.TryGetProperty("columns", out var list) || list.ValueKind != JsonValueKind.Array)
                throw Bad(source, "preprocessing 'columns' is missing or not an array");
            if (list.GetArrayLength() is 0 or > MaxColumns)
                throw Bad(source, $"preprocessing 'columns' has {list.GetArrayLength()} entries, expected 1 to {MaxColumns}");
            var columns = new List<FittedColumn>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.EnumerateArray())
            {
                string where = $"preprocessing column {columns.Count + 1}";
                if (item.ValueKind != JsonValueKind.Object) throw Bad(source, $"{where} is not an object");
                string name = Text(item, "name", source);
                if (!names.Add(name)) throw Bad(source, $"{where}: the name '{name}' occurs twice");
                columns.Add(Text(item, "kind", source) switch
                {
                    "numeric" => ReadNumeric(item, name, where, source),
                    "categorical" => ReadCategorical(item, name, where, source),
                    var other => throw Bad(source, $"{where} ('{name}'): kind '{other}', expected numeric or categorical"),
                });
            }
            return new TablePreprocessor([.. columns], scaling, fitRows);
        }
        catch (JsonException e)
        {
            throw Bad(source, $"the preprocessing entry is not valid JSON ({e.Message})");
        }
    }

    private static FittedColumn ReadNumeric(JsonElement item, string name, string where, string source)
    {
        if (!item.TryGetProperty("log", out var log) || log.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Bad(source, $"{where} ('{name}'): 'log' is missing or not true/false");
        double shift = Number(item, "shift", source, where), scale = Number(item, "scale", source, where);
        if (!(scale > 0))
            throw Bad(source, $"{where} ('{name}'): 'scale' is {scale}, expected a positive number");
        return new FittedColumn(name, ColumnKind.Numeric, log.GetBoolean(), shift, scale, []);
    }

    private static FittedColumn ReadCategorical(JsonElement item, string name, string where, string source)
    {
        if (!item.TryGetProperty("categories", out var list) || list.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"{where} ('{name}'): 'categories' is missing or not an array");
        var categories = new List<string>();
        foreach (var value in list.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.String) throw Bad(source, $"{where} ('{name}'): a category is not a string");
            categories.Add(value.GetString()!);
        }
        if (categories.Distinct(StringComparer.Ordinal).Count() != categories.Count)
            throw Bad(source, $"{where} ('{name}'): a category occurs twice");
        if (categories.Count > MaxColumns)
            throw Bad(source, $"{where} ('{name}'): {categories.Count} categories, more than {MaxColumns}");
        return new FittedColumn(name, ColumnKind.Categorical, false, 0, 1, [.. categories]);
    }

    private static string Text(JsonElement item, string key, string source) =>
        item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Bad(source, $"preprocessing '{key}' is missing or not a string");

    private static int Integer(JsonElement item, string key, string source) =>
        item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n)
            ? n
            : throw Bad(source, $"preprocessing '{key}' is missing or not an integer");

    private static double Number(JsonElement item, string key, string source, string where) =>
        item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double x)
            && double.IsFinite(x)
            ? x
            : throw Bad(source, $"{where}: '{key}' is missing or not a finite number");

    private static InvalidDataException Bad(string source, string problem) => new($"{source}: {problem}.");
}
