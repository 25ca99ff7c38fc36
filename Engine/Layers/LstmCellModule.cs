using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// One LSTM step as a module, equivalent to PyTorch's <c>nn.LSTMCell</c> (parameters <c>weight_ih</c> (4H, I),
/// <c>weight_hh</c> (4H, H), <c>bias_ih</c>, <c>bias_hh</c> (4H), initialised U(±1/√H)). For step-by-step decoding,
/// where each step's input depends on the previous step's output (greedy or sampled generation).
/// </summary>
/// <remarks>
/// A step is <see cref="Op.Lstm"/> over a sequence of length 1, so it has the same kernels and gradients.
/// Under <c>GradMode.Disable()</c> it records nothing, so a long decoding loop keeps no graph alive.
/// </remarks>
public sealed class LstmCellModule : Module
{
    /// <summary>Creates the cell with PyTorch's initialisation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public LstmCellModule(int inputSize, int hiddenSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentNullException.ThrowIfNull(random);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        float bound = 1f / MathF.Sqrt(hiddenSize);
        WeightIh = RegisterParameter("weight_ih", Tensor.Zeros(4 * hiddenSize, inputSize));
        WeightHh = RegisterParameter("weight_hh", Tensor.Zeros(4 * hiddenSize, hiddenSize));
        BiasIh = RegisterParameter("bias_ih", Tensor.Zeros(4 * hiddenSize));
        BiasHh = RegisterParameter("bias_hh", Tensor.Zeros(4 * hiddenSize));
        foreach (var p in new[] { WeightIh, WeightHh, BiasIh, BiasHh }) Init.Uniform(p, bound, random);
    }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>(4H, I).</summary>
    public Tensor WeightIh { get; }

    /// <summary>(4H, H).</summary>
    public Tensor WeightHh { get; }

    /// <summary>(4H).</summary>
    public Tensor BiasIh { get; }

    /// <summary>(4H).</summary>
    public Tensor BiasHh { get; }

    /// <summary>One step from a zero state; returns the new hidden state h (B, H).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Step(input, null).Hidden;
    }

    /// <summary>One step: (x (B, I), (h, c)) → (h', c').</summary>
    /// <param name="x">Input (B, I).</param>
    /// <param name="state">Previous (h, c), each (B, H), or null for zeros.</param>
    /// <exception cref="ArgumentException">x is not (B, I) or the state does not match.</exception>
    public LstmState Step(Tensor x, LstmState? state)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2 || x.Shape[1] != InputSize || x.Shape[0] < 1)
            throw new ArgumentException($"LstmCellModule.Step: x is {x.Shape}; expected (B, {InputSize}).", nameof(x));
        var r = Op.Lstm(Op.Reshape(x, x.Shape[0], 1, InputSize), state?.Hidden, state?.Cell, WeightIh, WeightHh, BiasIh, BiasHh);
        return new LstmState(r.Hidden, r.Cell);
    }
}
