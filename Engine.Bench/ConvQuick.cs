using Engine.Kernels;

namespace Engine.Bench;

/// <summary>
/// The convolution workloads at the conv-autoencoder layer shapes (batch 128), for quick mode and for
/// <see cref="ConvBenchmarks"/>. Names match Engine.Bench/peers/peer_bench.py.
/// </summary>
public static class ConvQuick
{
    /// <summary>Batch size of every workload.</summary>
    public const int Batch = 128;

    /// <summary>One layer: name, transposed?, in channels, out channels, input size; all 3×3, stride 2, padding 1.</summary>
    public static readonly (string Name, bool Transposed, int In, int Out, int Size)[] Layers =
    [
        ("conv-1x32-28", false, 1, 32, 28),
        ("conv-32x64-14", false, 32, 64, 14),
        ("convT-64x32-7", true, 64, 32, 7),
        ("convT-32x1-14", true, 32, 1, 14),
    ];

    /// <summary>
    /// Every workload: for each layer, forward + all backward kernels (input, weight, bias) under the layer name,
    /// and the forward pass alone under the name with <c>-fwd</c> appended. Flops count multiply-adds as 2.
    /// </summary>
    public static IReadOnlyList<(string Name, double Flops, Action Run)> Workloads()
    {
        var list = new List<(string, double, Action)>();
        foreach (var layer in Layers)
        {
            var run = new ConvLayerRun(layer.Transposed, layer.In, layer.Out, layer.Size);
            list.Add((layer.Name, 3 * run.ForwardFlops, run.ForwardBackward));
            list.Add((layer.Name + "-fwd", run.ForwardFlops, run.Forward));
        }
        return list;
    }
}

/// <summary>One conv or conv-transpose layer (3×3, stride 2, padding 1) with its buffers, ready to time.</summary>
public sealed class ConvLayerRun
{
    private readonly bool _transposed;
    private readonly Conv2DShape _conv;
    private readonly ConvTranspose2DShape _convT;
    private readonly float[] _input, _weight, _bias, _output, _gradOutput, _gradInput, _gradWeight, _gradBias;

    /// <summary>Allocates random data for the layer at batch <see cref="ConvQuick.Batch"/>.</summary>
    public ConvLayerRun(bool transposed, int inChannels, int outChannels, int size)
    {
        _transposed = transposed;
        _conv = new Conv2DShape(ConvQuick.Batch, inChannels, size, size, outChannels, 3, 3, 2, 1);
        _convT = new ConvTranspose2DShape(ConvQuick.Batch, inChannels, size, size, outChannels, 3, 3, 2, 1, 1);
        int inputLength = transposed ? _convT.InputLength : _conv.InputLength;
        int outputLength = transposed ? _convT.OutputLength : _conv.OutputLength;
        int weightLength = transposed ? _convT.WeightLength : _conv.WeightLength;
        var random = new Random(42);
        _input = Random(random, inputLength);
        _weight = Random(random, weightLength);
        _bias = Random(random, outChannels);
        _gradOutput = Random(random, outputLength);
        _output = new float[outputLength];
        _gradInput = new float[inputLength];
        _gradWeight = new float[weightLength];
        _gradBias = new float[outChannels];
        // Multiply-adds of the forward pass, counted on the input side for conv-transpose (no skipped padding).
        ForwardFlops = transposed
            ? 2.0 * ConvQuick.Batch * inChannels * size * size * outChannels * 9
            : 2.0 * ConvQuick.Batch * outChannels * _conv.OH * _conv.OW * inChannels * 9;
    }

    /// <summary>Floating-point operations of one forward pass.</summary>
    public double ForwardFlops { get; }

    /// <summary>The forward pass.</summary>
    public void Forward()
    {
        if (_transposed)
            ConvTranspose2DKernel.Forward(_input, _weight, _bias, _convT, _output);
        else
            Conv2DKernel.Forward(_input, _weight, _bias, _conv, _output);
    }

    /// <summary>Forward, then zeroed gradients and all three backward kernels, as one training step does.</summary>
    public void ForwardBackward()
    {
        Forward();
        Array.Clear(_gradInput);
        Array.Clear(_gradWeight);
        Array.Clear(_gradBias);
        if (_transposed)
        {
            ConvTranspose2DKernel.BackwardInput(_gradOutput, _weight, _convT, _gradInput);
            ConvTranspose2DKernel.BackwardWeight(_input, _gradOutput, _convT, _gradWeight);
            ConvTranspose2DKernel.BackwardBias(_gradOutput, _convT, _gradBias);
        }
        else
        {
            Conv2DKernel.Backward(_input, _gradOutput, _weight, _conv, _gradInput, _gradWeight);
            Conv2DKernel.BackwardBias(_gradOutput, _conv, _gradBias);
        }
    }

    private static float[] Random(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = random.NextSingle() - 0.5f;
        return values;
    }
}
