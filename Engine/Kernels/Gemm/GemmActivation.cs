namespace Engine.Kernels;

/// <summary>The activation <see cref="Gemm.MultiplyBiasActivation"/> applies to every output element.</summary>
public enum GemmActivation
{
    /// <summary>Identity: <c>f(x) = x</c>.</summary>
    None,

    /// <summary>Rectified linear unit: <c>f(x) = max(x, 0)</c>.</summary>
    Relu,

    /// <summary>Logistic sigmoid: <c>f(x) = 1 / (1 + e^-x)</c>.</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent: <c>f(x) = tanh(x)</c>.</summary>
    Tanh,
}
