using System.Text.Json.Serialization;

namespace Engine.Persistence;

/// <summary>Source-generated JSON for the checkpoint header's free-form metadata (string to string).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CheckpointJson : JsonSerializerContext;
