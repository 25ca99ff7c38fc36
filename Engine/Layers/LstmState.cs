using Engine.Tensors;

namespace Engine.Layers;

/// <summary>The state an LSTM carries from step to step: hidden h and cell c, each (B, H).</summary>
/// <param name="Hidden">h (B, H).</param>
/// <param name="Cell">c (B, H).</param>
public sealed record LstmState(Tensor Hidden, Tensor Cell);
