using System.Runtime.InteropServices;

namespace Engine.Kernels;

// Layout: op(b) (k, n) packed once, whole, in the driver's own panel format. k is split into the driver's equal
// blocks; block kb (kc rows, starting at row pc) occupies kc × nPadded floats at offset pc · nPadded, and inside it
// the NR-wide panel of columns [j, j + NR) sits at j · kc, p-major (as GemmPacking.PackBPanel writes it). So the
// (kc × nc) block the driver wants at (pc, jc) is the contiguous run at pc · nPadded + jc · kc.

/// <summary>
/// A fixed right-hand operand op(b) (k, n), packed once for <see cref="Gemm.MultiplyPacked"/>,
/// so a product repeated with the same b (an LSTM's recurrent weight, every time step) skips the repacking.
/// Results are bitwise identical to <see cref="Gemm.Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, bool, bool, bool)"/>
/// with the same b: same micro-kernel, same k blocks.
/// </summary>
internal sealed unsafe class GemmPackedB : IDisposable
{
    private const nuint Alignment = 64;

    private float* _data;

    /// <summary>Packs op(b), read from row-major b (k, n), or (n, k) when <paramref name="transposeB"/>.</summary>
    public GemmPackedB(ReadOnlySpan<float> b, int k, int n, bool transposeB, GemmKernelKind kind)
    {
        Kind = GemmDriver.Resolve(kind);
        K = k;
        N = n;
        (_, Nr, int kcMax) = GemmDriver.Tile(Kind);
        NPadded = (n + Nr - 1) / Nr * Nr;
        _data = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1L, (long)k * NPadded) * sizeof(float), Alignment);
        if (k == 0)
            return;
        fixed (float* pb = b)
        {
            int kBlocks = (k + kcMax - 1) / kcMax;
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++)
            {
                int kc = GemmDriver.BlockLength(k, kBlocks, kb);
                float* block = _data + (nint)pc * NPadded;
                for (int j = 0; j < n; j += Nr)
                    GemmPacking.PackBPanel(pb, k, n, transposeB, j, Math.Min(Nr, n - j), pc, kc, Nr, block + (nint)j * kc);
                pc += kc;
            }
        }
    }

    ~GemmPackedB() => Free();

    /// <summary>The micro-kernel the panels were packed for (never <see cref="GemmKernelKind.Best"/>).</summary>
    public GemmKernelKind Kind { get; }

    /// <summary>Rows of op(b).</summary>
    public int K { get; }

    /// <summary>Columns of op(b).</summary>
    public int N { get; }

    /// <summary>The panel width (the micro-kernel's NR).</summary>
    public int Nr { get; }

    /// <summary>n rounded up to whole panels.</summary>
    public int NPadded { get; }

    /// <summary>The packed data; valid until <see cref="Dispose"/>.</summary>
    public float* Data
    {
        get
        {
            ObjectDisposedException.ThrowIf(_data == null, this);
            return _data;
        }
    }

    /// <summary>Frees the packed data.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        NativeMemory.AlignedFree(_data);
        _data = null;
    }
}
