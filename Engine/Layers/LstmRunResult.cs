using Engine.Tensors;

namespace Engine.Layers;

/// <summary>What <see cref="Lstm.Run"/> returns.</summary>
/// <param name="Output">The last layer's output (B, T, D·H), D = 2 when bidirectional ([forward | backward] per position).</param>
/// <param name="FinalStates">
/// Final (h, c) per layer and direction, in PyTorch's h_n order: index = layer·D + direction (0 forward, 1 backward).
/// </param>
public sealed record LstmRunResult(Tensor Output, IReadOnlyList<LstmState> FinalStates);
