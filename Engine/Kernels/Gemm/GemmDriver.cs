using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: m, k, n = the GEMM sizes; MR × NR = register tile; KC, MC, NC = cache blocks of k, m and n.
// Loop nest (BLIS): jc over NC columns → pc over k blocks (pack op(b) block, KC × NC, stays in L2/L3)
// → ic over MC rows (pack op(a) block, MC × KC, stays in L2) → jr over NR panels (one b panel, in L1)
// → ir over MR panels → micro-kernel.

/// <summary>The micro-kernels the driver can run (tests force each one; <see cref="Best"/> is the default).</summary>
internal enum GemmKernelKind
{
    /// <summary>The fastest kernel the hardware supports.</summary>
    Best,

    /// <summary><see cref="GemmMicroKernel512"/>.</summary>
    Avx512,

    /// <summary><see cref="GemmMicroKernel256"/>.</summary>
    Avx256,

    /// <summary><see cref="GemmMicroKernel128"/> (16 vector registers: x86 without AVX2).</summary>
    Vector128,

    /// <summary><see cref="GemmMicroKernelArm64"/> (32 vector registers: ARM64).</summary>
    Arm64,

    /// <summary><see cref="GemmMicroKernelScalar"/>.</summary>
    Scalar,
}

/// <summary>One GEMM call, as raw pointers into spans the caller keeps pinned for the duration of the call.</summary>
internal unsafe struct GemmProblem
{
    public float* A;
    public float* B;
    public float* C;
    public float* Bias;
    // Optional op(b) packed whole in advance (GemmPackedB); its block (pc, jc) is at PackedB + pc·PackedStride + jc·kc.
    public float* PackedB;
    public int PackedStride;
    public int M;
    public int K;
    public int N;
    public bool TransposeA;
    public bool TransposeB;
    public bool Accumulate;
    public ActivationKind Activation;

    /// <summary>Whether tiles need an output pass after their last k block.</summary>
    public readonly bool HasEpilogue => Bias != null || Activation != ActivationKind.Identity;
}

/// <summary>
/// The blocked, packed, multi-threaded GEMM driver behind <see cref="Gemm"/>.
/// </summary>
/// <remarks>
/// Determinism: an element's value depends only on its k blocks, which depend only on k and KC (a constant,
/// never tuned per machine), and on the fixed summation order inside the micro-kernel. Threads own disjoint
/// sets of whole MR-row or NR-column panels, so results are bitwise identical for any thread count.
/// </remarks>
internal static unsafe class GemmDriver
{
    public const int NC = 4096;

    // Below this many multiply-adds a call runs on the calling thread: waking a worker costs more than it saves.
    public const long ParallelThreshold = 1L << 19;

    /// <summary>The kernel <see cref="GemmKernelKind.Best"/> stands for on the active <see cref="SimdPath"/>.</summary>
    public static GemmKernelKind Resolve(GemmKernelKind kind) => kind != GemmKernelKind.Best ? kind : Simd.Active switch
    {
        SimdPath.Avx512 => GemmKernelKind.Avx512,
        SimdPath.Avx2 => GemmKernelKind.Avx256,
        SimdPath.Vector128 when GemmMicroKernelArm64.IsSupported => GemmKernelKind.Arm64,
        SimdPath.Vector128 => GemmKernelKind.Vector128,
        _ => GemmKernelKind.Scalar,
    };

    /// <summary>The register tile and k block of a resolved kernel (<see cref="GemmPackedB"/> packs to them).</summary>
    public static (int MR, int NR, int KC) Tile(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => Tile<GemmMicroKernel512>(),
        GemmKernelKind.Avx256 => Tile<GemmMicroKernel256>(),
        GemmKernelKind.Vector128 => Tile<GemmMicroKernel128>(),
        GemmKernelKind.Arm64 => Tile<GemmMicroKernelArm64>(),
        _ => Tile<GemmMicroKernelScalar>(),
    };

    private static (int MR, int NR, int KC) Tile<TKernel>() where TKernel : struct, IGemmMicroKernel =>
        (TKernel.MR, TKernel.NR, TKernel.KC);

    /// <summary>
    /// The k blocks of a product: k split into ⌈k / KC⌉ blocks of equal length (784 → 3 × 262, not 384 + 384 + 16,
    /// so no block is a sliver that wastes a pass over C); block kb has this many rows.
    /// </summary>
    public static int BlockLength(int k, int kBlocks, int kb) => k / kBlocks + (kb < k % kBlocks ? 1 : 0);

    /// <summary>Runs the whole problem, splitting it over up to <see cref="Parallelism.MaxThreads"/> threads.</summary>
    public static void Run(in GemmProblem problem, GemmKernelKind kind)
    {
        kind = Resolve(kind);
        var (mr, nr, _) = Tile(kind);
        // Split the longer side into whole panels, so every output element has exactly one owner.
        bool splitRows = problem.M > problem.N;
        int panels = splitRows ? (problem.M + mr - 1) / mr : (problem.N + nr - 1) / nr;
        long work = (long)problem.M * problem.N * problem.K;
        int tasks = work < ParallelThreshold ? 1 : Math.Min(Parallelism.MaxThreads, panels);
        if (tasks <= 1)
        {
            RunRegion(problem, kind, 0, problem.M, 0, problem.N);
            return;
        }
        var job = GemmJob.Current;
        job.Problem = problem;
        job.Kind = kind;
        job.Tasks = tasks;
        job.Panels = panels;
        job.PanelSize = splitRows ? mr : nr;
        job.SplitRows = splitRows;
        WorkerPool.Run(tasks, job);
    }

    /// <summary>Computes rows [i0, i1) × columns [j0, j1) of c with the chosen kernel.</summary>
    public static void RunRegion(in GemmProblem problem, GemmKernelKind kind, int i0, int i1, int j0, int j1)
    {
        switch (kind)
        {
            case GemmKernelKind.Avx512:
                RunRegion<GemmMicroKernel512>(problem, i0, i1, j0, j1);
                break;
            case GemmKernelKind.Avx256:
                RunRegion<GemmMicroKernel256>(problem, i0, i1, j0, j1);
                break;
            case GemmKernelKind.Vector128:
                RunRegion<GemmMicroKernel128>(problem, i0, i1, j0, j1);
                break;
            case GemmKernelKind.Arm64:
                RunRegion<GemmMicroKernelArm64>(problem, i0, i1, j0, j1);
                break;
            default:
                RunRegion<GemmMicroKernelScalar>(problem, i0, i1, j0, j1);
                break;
        }
    }

    /// <summary>Calls the kernel <paramref name="calls"/> times on the same panels (the bench's kernel-only rate).</summary>
    public static void RunMicroKernel(GemmKernelKind kind, int calls, int kc, float* a, float* b, float* c, nint ldc)
    {
        switch (kind)
        {
            case GemmKernelKind.Avx512: RunMicroKernel<GemmMicroKernel512>(calls, kc, a, b, c, ldc); break;
            case GemmKernelKind.Avx256: RunMicroKernel<GemmMicroKernel256>(calls, kc, a, b, c, ldc); break;
            case GemmKernelKind.Vector128: RunMicroKernel<GemmMicroKernel128>(calls, kc, a, b, c, ldc); break;
            case GemmKernelKind.Arm64: RunMicroKernel<GemmMicroKernelArm64>(calls, kc, a, b, c, ldc); break;
            default: RunMicroKernel<GemmMicroKernelScalar>(calls, kc, a, b, c, ldc); break;
        }
    }

    private static void RunMicroKernel<TKernel>(int calls, int kc, float* a, float* b, float* c, nint ldc)
        where TKernel : struct, IGemmMicroKernel
    {
        for (int i = 0; i < calls; i++)
            TKernel.Run(kc, a, b, c, ldc, add: false);
    }

    private static void RunRegion<TKernel>(in GemmProblem p, int i0, int i1, int j0, int j1)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR, mcBlock = TKernel.MC;
        var buffers = GemmBuffers.Current;
        int kBlocks = (p.K + TKernel.KC - 1) / TKernel.KC;
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            int ncPadded = (nc + nr - 1) / nr * nr;
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++)
            {
                int kc = BlockLength(p.K, kBlocks, kb);
                bool prepacked = p.PackedB != null;
                float* packedB = prepacked ? p.PackedB + (nint)pc * p.PackedStride + (nint)jc * kc : buffers.B((nint)kc * ncPadded);
                bool add = kb > 0 || p.Accumulate;
                bool last = kb == kBlocks - 1;
                for (int ic = i0; ic < i1; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, i1 - ic);
                    int mcPadded = (mc + mr - 1) / mr * mr;
                    float* packedA = buffers.A((nint)kc * mcPadded);
                    GemmPacking.PackA(p.A, p.M, p.K, p.TransposeA, ic, mc, pc, kc, mr, packedA);
                    bool packB = ic == i0 && !prepacked;
                    MacroKernel<TKernel>(p, buffers.Tile, packedA, packedB, kc, pc, ic, mc, jc, nc, add, last, packB);
                }
                pc += kc;
            }
        }
    }

    // Multiplies a packed (mc × kc) block of op(a) by a packed (kc × nc) block of op(b) into c. On the first
    // row block (packB) each b panel is packed right before its first use; later row blocks reuse it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<TKernel>(in GemmProblem p, float* tile, float* packedA, float* packedB,
        int kc, int pc, int ic, int mc, int jc, int nc, bool add, bool last, bool packB)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        nint ldc = p.N;
        bool epilogue = last && p.HasEpilogue;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nrValid = Math.Min(nr, nc - jr);
            float* panelB = packedB + (nint)jr * kc;
            if (packB)
                GemmPacking.PackBPanel(p.B, p.K, p.N, p.TransposeB, jc + jr, nrValid, pc, kc, nr, panelB);
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mrValid = Math.Min(mr, mc - ir);
                float* panelA = packedA + (nint)ir * kc;
                float* c = p.C + (nint)(ic + ir) * ldc + jc + jr;
                if (mrValid == mr && nrValid == nr)
                {
                    TKernel.Run(kc, panelA, panelB, c, ldc, add);
                }
                else
                {
                    // Edge tile: the same kernel into a scratch tile, then only the valid corner is merged.
                    TKernel.Run(kc, panelA, panelB, tile, nr, false);
                    GemmEpilogue.MergeEdge(tile, nr, c, ldc, mrValid, nrValid, add);
                }
                if (epilogue)
                {
                    float* bias = p.Bias == null ? null : p.Bias + jc + jr;
                    GemmEpilogue.BiasActivation(c, ldc, mrValid, nrValid, bias, p.Activation);
                }
            }
        }
    }

    // The parallel job: task t computes panels [panels·t/tasks, panels·(t+1)/tasks) of the split dimension.
    private sealed class GemmJob : IWorkerTask
    {
        [ThreadStatic]
        private static GemmJob? _current;

        public GemmProblem Problem;
        public GemmKernelKind Kind;
        public int Tasks;
        public int Panels;
        public int PanelSize;
        public bool SplitRows;

        public static GemmJob Current => _current ??= new GemmJob();

        public void Execute(int index)
        {
            var (first, last) = ParallelRange.Split(Panels, Tasks, index);
            int start = first * PanelSize, end = last * PanelSize;
            if (SplitRows)
                RunRegion(Problem, Kind, start, Math.Min(end, Problem.M), 0, Problem.N);
            else
                RunRegion(Problem, Kind, 0, Problem.M, start, Math.Min(end, Problem.N));
        }
    }
}
