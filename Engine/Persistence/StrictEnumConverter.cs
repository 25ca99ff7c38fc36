using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Persistence;

/// <summary>
/// Reads and writes an enum in a model config by its name only. The framework's string-enum converter also accepts
/// numbers ("hidden": 99), numeric strings ("99") and comma-joined names ("Relu, Tanh"), each of which can turn
/// into a value the model does not know: a config that names no member of the enum is an error here, reported with
/// the names it may use.
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
internal sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private static readonly string[] Names = Enum.GetNames<T>();

    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException(
                $"expected a {typeof(T).Name} by name ({string.Join(", ", Names)}), found {reader.TokenType}; " +
                "enums are stored by name, never by number.");
        string? text = reader.GetString();
        foreach (string name in Names)
        {
            if (name == text) return Enum.Parse<T>(name);
        }
        throw new JsonException($"'{text}' is not a {typeof(T).Name}; expected one of {string.Join(", ", Names)}.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Enum.IsDefined(value) ? value.ToString()
            : throw new JsonException($"{typeof(T).Name} {value} has no name and cannot be saved."));
    }
}
