using Engine.Models;
using Engine.Tensors;

namespace Engine.Persistence.Onnx;

/// <summary>
/// The encoder of an <see cref="LstmTextAutoencoder"/> (sentence → latent vector) as ONNX. Inputs: <c>ids</c>
/// (int64, (N, T), word ids padded with anything in the vocabulary) and <c>lengths</c> (int32, (N), each
/// sentence's real length, at least 1). Output: <c>latent</c> (N, Z). Greedy decoding is a data-dependent loop and is
/// not exported.
/// </summary>
/// <remarks>
/// Nodes: Gather (embedding) → Transpose to time-major → one ONNX LSTM per layer (bidirectional when the encoder
/// is, <c>sequence_lens</c> = lengths, so the backward direction starts at each sentence's own last word, as ours
/// does) → the last layer's Y_h (D, N, H) as (N, D·H) = [forward | backward] → Gemm (<c>to_latent</c>).
/// ONNX orders the gate blocks i, o, f, c where PyTorch and we use i, f, g, o, so the weight and bias rows are
/// permuted; ONNX's B is [W_b | R_b], our bias_ih and bias_hh. The permuted tensors are named
/// <c>encoder.W_l{l}</c>, <c>encoder.R_l{l}</c>, <c>encoder.B_l{l}</c>.
/// </remarks>
internal static class LstmEncoderOnnx
{
    // ONNX gate block j (i, o, f, c) is our block FromOurs[j] (ours: i = 0, f = 1, g = 2, o = 3).
    private static readonly int[] FromOurs = [0, 3, 1, 2];

    public static byte[] Build(LstmTextAutoencoder model)
    {
        var encoder = model.Encoder;
        int h = encoder.HiddenSize, d = encoder.NumDirections;
        var builder = new OnnxModelBuilder("lstmtextautoencoder_encoder");
        string ids = builder.AddTypedInput("ids", OnnxModelBuilder.ElementTypeInt64, "N", "T");
        string lengths = builder.AddTypedInput("lengths", OnnxModelBuilder.ElementTypeInt32, "N");
        string embedded = builder.Gather(ModuleOnnx.Initializer(builder, "embedding.weight", model.Embedding), ids);
        string x = builder.Transpose(embedded, [1, 0, 2]); // (T, N, E)
        string finalHidden = "";
        for (int l = 0; l < encoder.NumLayers; l++)
        {
            int inputSize = l == 0 ? encoder.InputSize : d * h;
            var w = new float[d * 4 * h * inputSize];
            var r = new float[d * 4 * h * h];
            var b = new float[d * 8 * h];
            for (int dir = 0; dir < d; dir++)
            {
                var (weightIh, weightHh, biasIh, biasHh) = encoder.Weights(l, dir);
                Permute(weightIh.ReadOnlySpan, h * inputSize, w.AsSpan(dir * 4 * h * inputSize, 4 * h * inputSize));
                Permute(weightHh.ReadOnlySpan, h * h, r.AsSpan(dir * 4 * h * h, 4 * h * h));
                Permute(biasIh.ReadOnlySpan, h, b.AsSpan(dir * 8 * h, 4 * h));
                Permute(biasHh.ReadOnlySpan, h, b.AsSpan(dir * 8 * h + 4 * h, 4 * h));
            }
            var (y, yh) = builder.Lstm(x,
                builder.AddInitializer($"encoder.W_l{l}", [d, 4 * h, inputSize], w),
                builder.AddInitializer($"encoder.R_l{l}", [d, 4 * h, h], r),
                builder.AddInitializer($"encoder.B_l{l}", [d, 8 * h], b), lengths, h, encoder.Bidirectional);
            // Y (T, D, N, H) → (T, N, D·H): the next layer reads [forward | backward] per position.
            if (l + 1 < encoder.NumLayers) x = builder.Reshape(builder.Transpose(y, [0, 2, 1, 3]), [0, 0, -1]);
            finalHidden = yh;
        }
        string hidden = builder.Reshape(builder.Transpose(finalHidden, [1, 0, 2]), [0, -1]); // (N, D·H)
        string latent = builder.Gemm(hidden, ModuleOnnx.Initializer(builder, "to_latent.weight", model.ToLatent.Weight),
            model.ToLatent.Bias is { } bias ? ModuleOnnx.Initializer(builder, "to_latent.bias", bias) : "", output: "latent");
        builder.AddOutput(latent, "N", model.LatentSize);
        return builder.Build();
    }

    // Copies 4 gate blocks of `block` floats each from our order (i, f, g, o) to ONNX's (i, o, f, c).
    private static void Permute(ReadOnlySpan<float> ours, int block, Span<float> onnx)
    {
        for (int j = 0; j < 4; j++)
            ours.Slice(FromOurs[j] * block, block).CopyTo(onnx.Slice(j * block, block));
    }
}
