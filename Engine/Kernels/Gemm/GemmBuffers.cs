using System.Runtime.InteropServices;

namespace Engine.Kernels;

/// <summary>
/// The packing buffers of one thread: a packed block of op(a) (MC × KC), a packed block of op(b) (KC × NC) and
/// one edge tile (MR × NR). They are 64-byte aligned (so micro-kernels use aligned loads), grow on demand and
/// live as long as the thread, so steady-state GEMM calls allocate nothing.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    private const nuint Alignment = 64;
    private const int Slack = 16;

    [ThreadStatic]
    private static GemmBuffers? _current;

    private float* _a;
    private nint _aCapacity;
    private float* _b;
    private nint _bCapacity;

    private GemmBuffers()
    {
        // Large enough for any micro-kernel tile (MR × NR ≤ 8 × 32).
        Tile = (float*)NativeMemory.AlignedAlloc(8 * 32 * sizeof(float), Alignment);
    }

    ~GemmBuffers()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(Tile);
    }

    /// <summary>The calling thread's buffers.</summary>
    public static GemmBuffers Current => _current ??= new GemmBuffers();

    /// <summary>The edge tile, MR × NR floats.</summary>
    public float* Tile { get; }

    /// <summary>
    /// Returns the packed-a buffer with room for at least <paramref name="floats"/> floats, plus a few floats of slack
    /// that packing may scribble on (GemmPacking's 6-row transposes store whole vectors).
    /// </summary>
    public float* A(nint floats) => Ensure(ref _a, ref _aCapacity, floats + Slack);

    /// <summary>Returns the packed-b buffer with room for at least <paramref name="floats"/> floats.</summary>
    public float* B(nint floats) => Ensure(ref _b, ref _bCapacity, floats);

    private static float* Ensure(ref float* buffer, ref nint capacity, nint floats)
    {
        if (floats <= capacity)
            return buffer;
        NativeMemory.AlignedFree(buffer);
        buffer = null;
        capacity = 0;
        buffer = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), Alignment);
        capacity = floats;
        return buffer;
    }
}
