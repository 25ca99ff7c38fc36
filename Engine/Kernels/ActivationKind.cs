namespace Engine.Kernels;

/// <summary>
/// The elementwise activations the engine knows: one list for the activation layer, the autodiff ops, the fused
/// Linear + activation (the GEMM epilogue applies it to every output element) and its backward, whose derivatives
/// are defined once in <see cref="ActivationGrad"/>.
/// </summary>
public enum ActivationKind
{
    /// <summary>The identity: <c>f(x) = x</c>.</summary>
    Identity,

    /// <summary>Rectified linear unit: <c>f(x) = max(x, 0)</c>.</summary>
    Relu,

    /// <summary>Logistic sigmoid: <c>f(x) = 1 / (1 + e^-x)</c>.</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent: <c>f(x) = tanh(x)</c>.</summary>
    Tanh,
}
