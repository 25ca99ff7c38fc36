using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: B = batch, M = rows of a, K = shared dimension, N = columns of b.
// Forward  C = A·B;  backward  dA += dC·Bᵀ  and  dB += Aᵀ·dC  — both through Gemm's transpose flags, no copies.

public static partial class Op
{
    /// <summary>
    /// Matrix product. a (M, K) · b (K, N) → (M, N); batched a (B, M, K) · b (B, K, N) → (B, M, N);
    /// and a (B, M, K) · b (K, N) → (B, M, N) with b shared by every batch entry.
    /// </summary>
    /// <exception cref="ArgumentException">The ranks are unsupported or the inner dimensions differ.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        bool ok = (a.Rank == 2 && b.Rank == 2) || (a.Rank == 3 && (b.Rank == 2 || (b.Rank == 3 && b.Shape[0] == a.Shape[0])));
        if (!ok || a.Shape[-1] != b.Shape[-2])
            throw new ArgumentException(
                $"MatMul: a is {a.Shape} and b is {b.Shape}; expected (M, K)·(K, N), (B, M, K)·(B, K, N) or (B, M, K)·(K, N) with a's last dimension equal to b's second-to-last.");
        int batch = a.Rank == 3 ? a.Shape[0] : 1, m = a.Shape[-2], k = a.Shape[-1], n = b.Shape[-1];
        bool sharedB = b.Rank == 2;
        var output = a.Rank == 3 ? Tensor.Zeros(batch, m, n) : Tensor.Zeros(m, n);
        if (sharedB)
        {
            // (B, M, K)·(K, N) is one (B·M, K)·(K, N) product.
            Gemm.Multiply(a.ReadOnlySpan, b.ReadOnlySpan, batch * m, k, n, output.Span);
        }
        else
        {
            for (int i = 0; i < batch; i++)
                Gemm.Multiply(a.ReadOnlySpan.Slice(i * m * k, m * k), b.ReadOnlySpan.Slice(i * k * n, k * n), m, k, n,
                    output.Span.Slice(i * m * n, m * n));
        }
        return Autograd.IsRecording(a, b) ? Autograd.Record(output, new MatMulNode(a, b, batch, m, k, n)) : output;
    }

    private sealed class MatMulNode(Tensor a, Tensor b, int batch, int m, int k, int n) : Node("MatMul", a, b)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var g = gradOutput.ReadOnlySpan;
            bool sharedB = b.Rank == 2;
            if (GradOf(a) is { IsEmpty: false } ga)
            {
                // dA (M, K) += dC (M, N) · Bᵀ (N, K)
                if (sharedB) Gemm.Multiply(g, b.ReadOnlySpan, batch * m, n, k, ga, transposeB: true, accumulate: true);
                else
                    for (int i = 0; i < batch; i++)
                        Gemm.Multiply(g.Slice(i * m * n, m * n), b.ReadOnlySpan.Slice(i * k * n, k * n), m, n, k,
                            ga.Slice(i * m * k, m * k), transposeB: true, accumulate: true);
            }
            if (GradOf(b) is { IsEmpty: false } gb)
            {
                // dB (K, N) += Aᵀ (K, M) · dC (M, N); with a shared b the batch folds into M.
                if (sharedB) Gemm.Multiply(a.ReadOnlySpan, g, k, batch * m, n, gb, transposeA: true, accumulate: true);
                else
                    for (int i = 0; i < batch; i++)
                        Gemm.Multiply(a.ReadOnlySpan.Slice(i * m * k, m * k), g.Slice(i * m * n, m * n), k, m, n,
                            gb.Slice(i * k * n, k * n), transposeA: true, accumulate: true);
            }
        }
    }
}
