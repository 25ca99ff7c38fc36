namespace Engine.Tensors;

/// <summary>
/// Where tensor memory comes from. Every tensor allocation in the engine goes through here, so that pooling
/// (reusing the buffers of a training step for the next one) is a change in one place.
/// </summary>
internal static class TensorStorage
{
    /// <summary>A zero-filled buffer of exactly <paramref name="size"/> floats.</summary>
    public static float[] Allocate(int size) => size == 0 ? [] : new float[size];
}
