using Engine.Tensors;

namespace Engine.Optim;

/// <summary>Gradient clipping, needed to train recurrent networks stably.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients by min(1, maxNorm / ‖g‖) where ‖g‖ is the L2 norm of all gradients together
    /// (PyTorch's clip_grad_norm_), and returns ‖g‖ before clipping.
    /// </summary>
    public static float ClipByGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        var list = parameters.Where(p => p.Grad is not null).ToList();
        double sumSquares = 0;
        foreach (var p in list)
            foreach (float g in p.Grad!.ReadOnlySpan) sumSquares += (double)g * g;
        float norm = (float)Math.Sqrt(sumSquares);
        float scale = maxNorm / (norm + 1e-6f);
        if (scale < 1f)
            foreach (var p in list)
                System.Numerics.Tensors.TensorPrimitives.Multiply(p.Grad!.Span, scale, p.Grad!.Span);
        return norm;
    }
}
