using System.Text.Json.Serialization;
using Engine.Models;
using Engine.Kernels;

namespace Engine.Persistence;

/// <summary>
/// Source-generated JSON for model options records (the build is AOT-compatible, so no reflection): snake_case
/// names, enums by name only (<see cref="StrictEnumConverter{T}"/>), and strict reading (unknown keys, missing
/// required values and nulls where the record does not allow them are errors; every value is then checked by the
/// record it sets). A new model type adds one <c>[JsonSerializable(typeof(ItsOptions))]</c> line, and a new enum
/// one converter.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters =
    [
        typeof(StrictEnumConverter<Kernels.ActivationKind>), typeof(StrictEnumConverter<NoiseKind>),
        typeof(StrictEnumConverter<SparsityKind>), typeof(StrictEnumConverter<Likelihood>),
        typeof(StrictEnumConverter<AnnealingKind>), typeof(StrictEnumConverter<SentencePooling>),
    ],
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DenseAutoencoderOptions))]
[JsonSerializable(typeof(VaeOptions))]
[JsonSerializable(typeof(ConvAutoencoderOptions))]
[JsonSerializable(typeof(ConvVaeOptions))]
[JsonSerializable(typeof(TransformerTextAutoencoderOptions))]
internal sealed partial class ModelConfigJson : JsonSerializerContext;
