using System.Text.Json.Serialization;

namespace Engine.Models;

/// <summary>
/// Source-generated JSON for model options records (the build is AOT-compatible, so no reflection): snake_case
/// names, enums as strings, and strict reading (unknown keys, missing required values and nulls where the record
/// does not allow them are errors). A new model type adds one <c>[JsonSerializable(typeof(ItsOptions))]</c> line.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DenseAutoencoderOptions))]
[JsonSerializable(typeof(VaeOptions))]
[JsonSerializable(typeof(ConvAutoencoderOptions))]
[JsonSerializable(typeof(ConvVaeOptions))]
[JsonSerializable(typeof(TransformerTextAutoencoderOptions))]
internal sealed partial class ModelConfigJson : JsonSerializerContext;
