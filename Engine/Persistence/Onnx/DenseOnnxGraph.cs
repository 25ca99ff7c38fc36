using Engine.Layers;
using Engine.Models;

namespace Engine.Persistence.Onnx;

/// <summary>
/// A <see cref="DenseAutoencoder"/> as ONNX: each Linear layer is a Gemm with transB = 1 (the weight is
/// (out, in), as in PyTorch) followed by its activation. With tied weights, decoder layer i reuses the encoder
/// weight W (out, in) untransposed: MatMul(x, W) + bias, so the file stores each weight once.
/// </summary>
internal sealed class DenseOnnxGraph(DenseAutoencoder model) : OnnxModelGraph
{
    private readonly DenseAutoencoderOptions _options = model.Options;
    private readonly Dictionary<string, Engine.Tensors.Tensor> _state =
        model.StateDict().ToDictionary(s => s.Name, s => s.Tensor, StringComparer.Ordinal);

    private int Layers => _options.HiddenSizes.Length + 1;

    public override OnnxDim[] InputShape => ["N", _options.InputSize];

    public override OnnxDim[] LatentShape => ["N", _options.LatentSize];

    public override string[] Encode(OnnxModelBuilder builder, string input, string[] outputs)
    {
        // encoder.{2i} is Linear i, encoder.{2i+1} its activation (nn.Sequential numbering).
        string x = input;
        for (int i = 0; i < Layers; i++)
        {
            bool last = i == Layers - 1;
            string gemm = builder.Gemm(x, Weight(builder, $"encoder.{2 * i}.weight", _state[$"encoder.{2 * i}.weight"]),
                Weight(builder, $"encoder.{2 * i}.bias", _state[$"encoder.{2 * i}.bias"]));
            x = Activate(builder, last ? _options.Latent : _options.Hidden, gemm, last ? outputs[0] : null);
        }
        return [x];
    }

    public override string Decode(OnnxModelBuilder builder, string latent, string output)
    {
        string x = latent;
        for (int i = 0; i < Layers; i++)
        {
            bool last = i == Layers - 1;
            string linear;
            if (_options.TiedWeights)
            {
                // Decoder layer i mirrors encoder layer (Layers - 1 - i): x (N, out) · W (out, in) = (N, in).
                string name = $"encoder.{2 * (Layers - 1 - i)}.weight";
                linear = builder.Add(builder.MatMul(x, Weight(builder, name, _state[name])),
                    Weight(builder, $"tied_bias_{i}", _state[$"tied_bias_{i}"]));
            }
            else
            {
                linear = builder.Gemm(x, Weight(builder, $"decoder.{2 * i}.weight", _state[$"decoder.{2 * i}.weight"]),
                    Weight(builder, $"decoder.{2 * i}.bias", _state[$"decoder.{2 * i}.bias"]));
            }
            x = Activate(builder, last ? _options.Output : _options.Hidden, linear, last ? output : null);
        }
        return x;
    }
}
