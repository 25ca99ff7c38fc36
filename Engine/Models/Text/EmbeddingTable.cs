using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// A word embedding table (V, E) as a module, so its parameter is named <c>embedding.weight</c> as in PyTorch's
/// nn.Embedding; initialised N(0, 1) like it. Shared by the sentence autoencoders.
/// </summary>
internal sealed class EmbeddingTable : Module
{
    public EmbeddingTable(int count, int size, Random random) =>
        Weight = RegisterParameter("weight", Tensor.Normal(random, 0f, 1f, count, size));

    public Tensor Weight { get; }

    public override Tensor Forward(Tensor input) => Op.Embedding(input, Weight);
}
