namespace Engine.Autodiff.Ops;

/// <summary>How a loss turns per-element terms into one number.</summary>
public enum Reduction
{
    /// <summary>The mean over all elements (PyTorch's default).</summary>
    Mean,
    /// <summary>The sum over all elements.</summary>
    Sum,
}
