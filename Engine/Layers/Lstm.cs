using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A multi-layer, optionally bidirectional LSTM over batch-first sequences (B, T, I), equivalent to PyTorch's
/// <c>nn.LSTM(input_size, hidden_size, num_layers, bidirectional=..., batch_first=True)</c>: same gate layout
/// [i | f | g | o], same parameter names and shapes, same initialisation U(±1/√H).
/// </summary>
/// <remarks>
/// Parameters per layer l (and with the suffix <c>_reverse</c> for the backward direction):
/// <c>weight_ih_l{l}</c> (4H, I or D·H), <c>weight_hh_l{l}</c> (4H, H), <c>bias_ih_l{l}</c> (4H), <c>bias_hh_l{l}</c> (4H).
/// Layer l+1 reads layer l's output; in a bidirectional LSTM that is [forward | backward] (D·H wide).
/// No inter-layer dropout (PyTorch's <c>dropout</c> argument) is offered.
/// </remarks>
public sealed class Lstm : Module
{
    private readonly Tensor[][] _weights; // [layer·D + direction] = { weight_ih, weight_hh, bias_ih, bias_hh }

    /// <summary>Creates the LSTM with PyTorch's initialisation: every parameter U(−1/√H, 1/√H).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or the layer count is less than 1.</exception>
    public Lstm(int inputSize, int hiddenSize, Random random, int numLayers = 1, bool bidirectional = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        ArgumentNullException.ThrowIfNull(random);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bidirectional = bidirectional;
        float bound = 1f / MathF.Sqrt(hiddenSize);
        _weights = new Tensor[numLayers * NumDirections][];
        for (int l = 0; l < numLayers; l++)
        {
            int layerInput = l == 0 ? inputSize : NumDirections * hiddenSize;
            for (int d = 0; d < NumDirections; d++)
            {
                string suffix = $"_l{l}" + (d == 1 ? "_reverse" : "");
                Tensor[] w =
                [
                    RegisterParameter("weight_ih" + suffix, Tensor.Zeros(4 * hiddenSize, layerInput)),
                    RegisterParameter("weight_hh" + suffix, Tensor.Zeros(4 * hiddenSize, hiddenSize)),
                    RegisterParameter("bias_ih" + suffix, Tensor.Zeros(4 * hiddenSize)),
                    RegisterParameter("bias_hh" + suffix, Tensor.Zeros(4 * hiddenSize)),
                ];
                foreach (var p in w) Init.Uniform(p, bound, random);
                _weights[l * NumDirections + d] = w;
            }
        }
    }

    /// <summary>I, the features of each input position.</summary>
    public int InputSize { get; }

    /// <summary>H, the hidden size of each direction.</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>True when each layer also reads the sequences backwards.</summary>
    public bool Bidirectional { get; }

    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int NumDirections => Bidirectional ? 2 : 1;

    /// <summary>The four parameters of one layer and direction: weight_ih, weight_hh, bias_ih, bias_hh.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such layer or direction.</exception>
    public (Tensor WeightIh, Tensor WeightHh, Tensor BiasIh, Tensor BiasHh) Weights(int layer, int direction = 0)
    {
        if ((uint)layer >= (uint)NumLayers || (uint)direction >= (uint)NumDirections)
            throw new ArgumentOutOfRangeException(nameof(layer),
                $"Lstm.Weights: layer {layer}, direction {direction} does not exist ({NumLayers} layers, {NumDirections} directions).");
        var w = _weights[layer * NumDirections + direction];
        return (w[0], w[1], w[2], w[3]);
    }

    /// <summary>Runs every sequence in full from a zero state and returns the output sequence (B, T, D·H).</summary>
    public override Tensor Forward(Tensor input) => Run(input).Output;

    /// <summary>
    /// Runs the LSTM and returns the output sequence and every layer's final state.
    /// </summary>
    /// <param name="input">(B, T, I), batch first.</param>
    /// <param name="lengths">Optional real length of each sequence (see <see cref="Op.Lstm"/>): padded positions
    /// are skipped, give zero output, and the backward direction starts at each sequence's own last position.</param>
    /// <param name="initialState">Optional (h0, c0) per layer and direction, PyTorch's order (layer·D + direction); null means zeros.</param>
    /// <exception cref="ArgumentException">The input is not (B, T, I), or the initial state has the wrong count or shapes.</exception>
    public LstmRunResult Run(Tensor input, int[]? lengths = null, IReadOnlyList<LstmState>? initialState = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.Shape[2] != InputSize)
            throw new ArgumentException($"Lstm.Run: input is {input.Shape}; expected (B, T, {InputSize}).", nameof(input));
        if (initialState is not null && initialState.Count != NumLayers * NumDirections)
            throw new ArgumentException(
                $"Lstm.Run: {initialState.Count} initial states given; expected {NumLayers * NumDirections} (layers × directions).", nameof(initialState));
        var finals = new List<LstmState>(NumLayers * NumDirections);
        var x = input;
        for (int l = 0; l < NumLayers; l++)
        {
            var forward = RunDirection(x, l, 0, lengths, initialState, finals);
            x = Bidirectional
                ? Op.Concat([forward, RunDirection(x, l, 1, lengths, initialState, finals)], axis: -1)
                : forward;
        }
        return new LstmRunResult(x, finals);
    }

    private Tensor RunDirection(Tensor x, int layer, int direction, int[]? lengths, IReadOnlyList<LstmState>? initialState,
        List<LstmState> finals)
    {
        int k = layer * NumDirections + direction;
        var w = _weights[k];
        var init = initialState?[k];
        var r = Op.Lstm(x, init?.Hidden, init?.Cell, w[0], w[1], w[2], w[3], lengths, reverse: direction == 1);
        finals.Add(new LstmState(r.Hidden, r.Cell));
        return r.Output;
    }
}
