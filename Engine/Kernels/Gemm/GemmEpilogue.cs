using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: c = an output tile (mr, nr) with row stride ldc; bias = the nr bias values of the tile's columns.

/// <summary>
/// The output pass of the blocked GEMM: merging edge tiles into c and applying bias + activation to a tile
/// right after its last k block, while it is still in L1.
/// </summary>
internal static unsafe class GemmEpilogue
{
    /// <summary>Writes (or adds) the mr × nr corner of a full micro-kernel tile (row stride nrFull) into c.</summary>
    /// <remarks>
    /// The tile holds exactly the sums a full-size tile would have produced, and the single add here matches
    /// the micro-kernel's own add, so edge elements are bitwise what an interior tile would give.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MergeEdge(float* tile, int nrFull, float* c, nint ldc, int mr, int nr, bool add)
    {
        for (int r = 0; r < mr; r++, tile += nrFull, c += ldc)
        {
            if (add)
            {
                for (int j = 0; j < nr; j++)
                    c[j] += tile[j];
            }
            else
            {
                new ReadOnlySpan<float>(tile, nr).CopyTo(new Span<float>(c, nr));
            }
        }
    }

    /// <summary>c = act(c + bias) on an mr × nr tile; bias may be null (no bias).</summary>
    public static void BiasActivation(float* c, nint ldc, int mr, int nr, float* bias, ActivationKind activation)
    {
        var biasRow = new ReadOnlySpan<float>(bias, bias == null ? 0 : nr);
        for (int r = 0; r < mr; r++, c += ldc)
        {
            var row = new Span<float>(c, nr);
            if (bias != null)
                TensorPrimitives.Add(row, biasRow, row);
            Activate(row, activation);
        }
    }

    /// <summary>Applies the activation in place.</summary>
    public static void Activate(Span<float> row, ActivationKind activation)
    {
        switch (activation)
        {
            case ActivationKind.Relu:
                TensorPrimitives.Max(row, 0f, row);
                break;
            case ActivationKind.Sigmoid:
                TensorPrimitives.Sigmoid(row, row);
                break;
            case ActivationKind.Tanh:
                TensorPrimitives.Tanh(row, row);
                break;
        }
    }
}
