using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A trained position table added to inputs (B, T, E): y = x + weight[:T]. The <c>weight</c> (maxLength, E)
/// starts N(0, 1), as nn.Embedding's does (BERT/GPT-2 style positions).
/// </summary>
public sealed class LearnedPositionalEmbedding : Module
{
    /// <summary>Creates the table for up to <paramref name="maxLength"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public LearnedPositionalEmbedding(int maxLength, int embedDim, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embedDim, 1);
        ArgumentNullException.ThrowIfNull(random);
        Weight = RegisterParameter("weight", Tensor.Zeros(maxLength, embedDim));
        Init.Normal(Weight, 1f, random);
    }

    /// <summary>The position table, (maxLength, E).</summary>
    public Tensor Weight { get; }

    /// <summary>x (B, T, E) + weight[:T]; the gradient of each used row is the sum over the batch.</summary>
    /// <exception cref="ArgumentException">x is not (B, T, E) or T exceeds the table.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int maxLength = Weight.Shape[0], e = Weight.Shape[1];
        if (input.Rank != 3 || input.Shape[2] != e || input.Shape[1] > maxLength)
            throw new ArgumentException(
                $"LearnedPositionalEmbedding.Forward: input is {input.Shape}; expected (B, T ≤ {maxLength}, {e}).", nameof(input));
        return Op.Add(input, Op.Slice(Weight, 0, 0, input.Shape[1]));
    }
}
