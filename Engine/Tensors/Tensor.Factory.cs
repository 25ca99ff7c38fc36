namespace Engine.Tensors;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new(new Shape(shape), TensorStorage.Allocate(new Shape(shape).Size));
    }

    /// <summary>A tensor of zeros with the given shape.</summary>
    public static Tensor Zeros(Shape shape) => new(shape, TensorStorage.Allocate(shape.Size));

    internal static Tensor ZerosUnpooled(Shape shape) => new(shape, TensorStorage.AllocateUnpooled(shape.Size));

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Zeros(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A one-element tensor of rank 0.</summary>
    public static Tensor Scalar(float value)
    {
        var t = Zeros(new Shape());
        t.Span[0] = value;
        return t;
    }

    /// <summary>The 1-D tensor start, start+step, ... below <paramref name="stop"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="step"/> is zero or its sign cannot reach stop.</exception>
    public static Tensor Arange(float start, float stop, float step = 1f)
    {
        if (step == 0 || float.IsNaN(step))
            throw new ArgumentException($"Arange: step must be non-zero and finite, got {step}.", nameof(step));
        double count = Math.Ceiling((stop - (double)start) / step);
        if (count < 0) count = 0;
        if (count > Array.MaxLength)
            throw new ArgumentException($"Arange({start}, {stop}, {step}) has too many elements.", nameof(step));
        var t = Zeros((int)count);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)(start + (double)i * step);
        return t;
    }

    /// <summary>A copy of <paramref name="values"/> with the given shape (default: 1-D).</summary>
    /// <exception cref="ArgumentException">The shape's size differs from the number of values.</exception>
    public static Tensor FromArray(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        var s = shape.Length == 0 ? new Shape(values.Length) : new Shape(shape);
        if (s.Size != values.Length)
            throw new ArgumentException($"FromArray: {values.Length} values do not fill shape {s}.", nameof(shape));
        var t = Zeros(s);
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var t = Zeros(values.GetLength(0), values.GetLength(1));
        int i = 0;
        foreach (float v in values) t.Span[i++] = v;
        return t;
    }

    /// <summary>
    /// Wraps <paramref name="storage"/> without copying: the tensor and the array share memory.
    /// </summary>
    /// <exception cref="ArgumentException">The array is shorter than the shape needs.</exception>
    public static Tensor Wrap(float[] storage, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(shape);
        return new Tensor(new Shape(shape), storage);
    }

    /// <summary>Samples uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Random random, float low, float high, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        var t = Zeros(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = low + (high - low) * random.NextSingle();
        return t;
    }

    /// <summary>Samples from a normal distribution (Box–Muller) with the given mean and standard deviation.</summary>
    public static Tensor Normal(Random random, float mean, float std, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        var t = Zeros(shape);
        FillNormal(random, t.Span, mean, std);
        return t;
    }

    /// <summary>Fills <paramref name="destination"/> with normal samples; the sequence depends only on the seed.</summary>
    public static void FillNormal(Random random, Span<float> destination, float mean = 0f, float std = 1f)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < destination.Length; i += 2)
        {
            // Box–Muller: two uniforms give two independent standard normals. 1 - u keeps the log finite.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            destination[i] = (float)(mean + std * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < destination.Length) destination[i + 1] = (float)(mean + std * r * Math.Sin(2 * Math.PI * u2));
        }
    }

    /// <summary>Zeros with the shape of <paramref name="other"/>.</summary>
    public static Tensor ZerosLike(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Zeros(other.Shape);
    }
}
