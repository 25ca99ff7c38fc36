using Engine.Tensors;

namespace Engine.Autodiff.Ops;

/// <summary>
/// What <see cref="Op.Lstm"/> returns: the output sequence and the final state. All three are differentiable,
/// and gradients may flow from any subset of them.
/// </summary>
/// <param name="Output">Hidden state at every position (B, T, H); zero at padded positions.</param>
/// <param name="Hidden">Final hidden state h_n (B, H), taken at each sequence's own last step.</param>
/// <param name="Cell">Final cell state c_n (B, H), taken at each sequence's own last step.</param>
public sealed record LstmResult(Tensor Output, Tensor Hidden, Tensor Cell);
