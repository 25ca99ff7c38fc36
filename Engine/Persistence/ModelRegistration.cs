using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engine.Models;

namespace Engine.Persistence;

/// <summary>
/// How one model type is saved and rebuilt: its name in checkpoints, how its options record becomes JSON and back,
/// how many floats its state dict holds for given options (checked against the file before anything is
/// allocated), and how to build an untrained instance from the options. Created with
/// <see cref="For{TModel, TOptions}"/> and listed in <see cref="ModelRegistry"/>.
/// </summary>
public abstract class ModelRegistration
{
    private protected ModelRegistration(Type modelType)
    {
        ModelType = modelType;
        TypeName = modelType.Name;
    }

    /// <summary>The model's CLR type.</summary>
    public Type ModelType { get; }

    /// <summary>The name written to checkpoints (the type's name, e.g. "DenseAutoencoder").</summary>
    public string TypeName { get; }

    /// <summary>Describes a model type.</summary>
    /// <typeparam name="TModel">The model class.</typeparam>
    /// <typeparam name="TOptions">Its options record (the whole architecture; everything the constructor needs but the random generator).</typeparam>
    /// <param name="json">Source-generated JSON metadata for the options (add the type to <c>ModelConfigJson</c>).</param>
    /// <param name="options">The options a model was built with.</param>
    /// <param name="stateSize">
    /// How many floats the state dict of a model with these options holds (parameters plus buffers); throws
    /// <see cref="ArgumentException"/> for options the constructor would reject. Use checked arithmetic.
    /// </param>
    /// <param name="build">Builds a model from options (weights are overwritten afterwards, so any seed will do).</param>
    public static ModelRegistration For<TModel, TOptions>(JsonTypeInfo<TOptions> json, Func<TModel, TOptions> options,
        Func<TOptions, long> stateSize, Func<TOptions, TModel> build)
        where TModel : AutoencoderModel
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stateSize);
        ArgumentNullException.ThrowIfNull(build);
        return new Typed<TModel, TOptions>(json, options, stateSize, build);
    }

    /// <summary>The options of <paramref name="model"/> as compact JSON.</summary>
    public abstract string SerializeConfig(AutoencoderModel model);

    /// <summary>
    /// Parses a config written by <see cref="SerializeConfig"/>, checks that it describes exactly
    /// <paramref name="storedFloats"/> floats, and builds the (untrained) model.
    /// </summary>
    /// <param name="configJson">The options JSON.</param>
    /// <param name="storedFloats">Floats the checkpoint holds for the model's state dict.</param>
    /// <param name="source">Named in error messages (the file).</param>
    /// <exception cref="InvalidDataException">Bad JSON, options the model rejects, or a size mismatch.</exception>
    public abstract AutoencoderModel Build(string configJson, long storedFloats, string source);

    /// <summary>
    /// How many floats the state dict of the model a config describes holds, computed from the parsed and checked
    /// options without building anything (what <see cref="Build"/> compares with the file before it allocates).
    /// </summary>
    /// <exception cref="InvalidDataException">Bad JSON, or options the model rejects; names <paramref name="source"/>.</exception>
    internal abstract long StateSize(string configJson, string source);

    private sealed class Typed<TModel, TOptions>(JsonTypeInfo<TOptions> json, Func<TModel, TOptions> options,
        Func<TOptions, long> stateSize, Func<TOptions, TModel> build) : ModelRegistration(typeof(TModel))
        where TModel : AutoencoderModel
        where TOptions : class
    {
        public override string SerializeConfig(AutoencoderModel model) =>
            JsonSerializer.Serialize(options((TModel)model), json);

        public override AutoencoderModel Build(string configJson, long storedFloats, string source)
        {
            var (config, size) = Parse(configJson, source);
            // Checked before building, so a crafted config cannot make us allocate more than the file holds.
            if (size != storedFloats)
                throw new InvalidDataException(
                    $"{source}: metadata 'config': the {TypeName} config describes {size:N0} parameter values but the file holds {storedFloats:N0}.");
            try
            {
                return build(config);
            }
            catch (ArgumentException e)
            {
                throw NoValidModel(source, e);
            }
        }

        internal override long StateSize(string configJson, string source) => Parse(configJson, source).Size;

        /// <summary>The options of a config and the floats they describe; every rejection names the file, the entry and the field.</summary>
        private (TOptions Config, long Size) Parse(string configJson, string source)
        {
            TOptions config;
            long size;
            try
            {
                config = JsonSerializer.Deserialize(configJson, json)
                         ?? throw new InvalidDataException($"{source}: metadata 'config': the {TypeName} config is null.");
                size = stateSize(config);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException(
                    $"{source}: metadata 'config': the {TypeName} config is not valid at {e.Path ?? "$"}: {e.Message}", e);
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                throw NoValidModel(source, e);
            }
            return (config, size);
        }

        /// <summary>The rejection of a config that parsed but breaks a rule, naming the JSON field (snake_case) when the rule names one.</summary>
        private InvalidDataException NoValidModel(string source, Exception e)
        {
            string field = e is ArgumentException { ParamName: { Length: > 0 } name } && name != "options"
                ? $", field '{JsonNamingPolicy.SnakeCaseLower.ConvertName(name)}{Index(e.Message, name)}'"
                : "";
            return new InvalidDataException(
                $"{source}: metadata 'config'{field}: the {TypeName} config describes no valid model: {e.Message}", e);
        }

        // "[3]" when the message names element 3 of the field ("VaeOptions.HiddenSizes[3] must be ..."), else "".
        private static string Index(string message, string name)
        {
            int at = message.IndexOf(name + "[", StringComparison.Ordinal);
            if (at < 0) return "";
            int close = message.IndexOf(']', at);
            return close < 0 ? "" : message[(at + name.Length)..(close + 1)];
        }
    }
}
