using System.Globalization;
using System.Text;
using Engine.Autodiff;

namespace Engine.Tensors;

/// <summary>
/// A dense, row-major, contiguous float32 tensor: a shape plus a window on a <c>float[]</c>, with the
/// gradient bookkeeping of reverse-mode autodiff (<see cref="Grad"/>, <see cref="RequiresGrad"/>,
/// <see cref="Backward"/>).
/// </summary>
/// <remarks>
/// Kernels reach the elements as <see cref="Span"/> without copying. <see cref="Reshape(int[])"/>,
/// <see cref="Detach"/> and <see cref="Rows"/> return views that share storage with this tensor.
/// Tensors are not thread-safe for writing; reading one from many threads is safe.
/// </remarks>
public sealed partial class Tensor
{
    private readonly float[] _data;
    private readonly int _offset;
    private bool _requiresGrad;

    internal Tensor(Shape shape, float[] data, int offset = 0)
    {
        if (offset < 0 || (long)offset + shape.Size > data.Length)
            throw new ArgumentException($"Tensor: storage of {data.Length} floats cannot hold shape {shape} at offset {offset}.");
        Shape = shape;
        _data = data;
        _offset = offset;
    }

    /// <summary>The dimensions of this tensor.</summary>
    public Shape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Size => Shape.Size;

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The elements, row-major, as a writable span over the shared storage (no copy).</summary>
    public Span<float> Span => _data.AsSpan(_offset, Shape.Size);

    /// <summary>The elements as a read-only span (no copy).</summary>
    public ReadOnlySpan<float> ReadOnlySpan => _data.AsSpan(_offset, Shape.Size);

    /// <summary>An optional name, used in error messages, graph dumps and parameter tables.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The gradient of the last <see cref="Backward"/> with respect to this tensor, or null before one reached it.
    /// Gradients accumulate across backward passes until <see cref="ZeroGrad"/>.
    /// </summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>The node that created this tensor in a recorded graph; null for leaves.</summary>
    internal Node? GradFn { get; set; }

    /// <summary>True for tensors not produced by a recorded op (inputs and parameters).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves (parameters set it to true); results of ops
    /// require grad when any input does and grad mode is enabled.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf tensor.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf)
                throw new InvalidOperationException(
                    $"RequiresGrad can only be set on leaf tensors; this one was produced by {GradFn!.OpName}. Use Detach() first.");
            _requiresGrad = value;
        }
    }

    internal void MarkAsOutputOf(Node node)
    {
        GradFn = node;
        _requiresGrad = true;
    }

    /// <summary>The underlying array and the offset of element 0 in it (for kernels and IO).</summary>
    internal float[] Storage => _data;

    internal int StorageOffset => _offset;

    /// <summary>Reads or writes one element by its multi-dimensional index.</summary>
    /// <exception cref="ArgumentException">Wrong number of indices or an index out of range.</exception>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => _data[_offset + FlatIndex(index)];
        set => _data[_offset + FlatIndex(index)] = value;
    }

    private int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Rank)
            throw new ArgumentException($"Tensor indexer: {index.Length} indices given for a tensor of shape {Shape}.");
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape.Dims[i])
                throw new ArgumentException($"Tensor indexer: index {index[i]} is out of range for dimension {i} of shape {Shape}.");
            flat = flat * Shape.Dims[i] + index[i];
        }
        return flat;
    }

    /// <summary>The value of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public float Item()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor; this one has shape {Shape}.");
        return _data[_offset];
    }

    /// <summary>A copy of the elements as a new array.</summary>
    public float[] ToArray() => ReadOnlySpan.ToArray();

    /// <summary>
    /// A tensor that shares this one's storage but is cut off from the graph: no gradient flows through it.
    /// </summary>
    public Tensor Detach() => new(Shape, _data, _offset);

    /// <summary>A deep copy with fresh storage, outside any graph.</summary>
    public Tensor Clone()
    {
        var copy = new Tensor(Shape, TensorStorage.Allocate(Size));
        ReadOnlySpan.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>
    /// A view of rows <paramref name="start"/>..start+count of the first axis, sharing storage and outside any graph
    /// (for batching data that needs no gradient).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range leaves the first axis.</exception>
    public Tensor Rows(int start, int count)
    {
        if (Rank == 0 || start < 0 || count < 0 || start + count > Shape[0])
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Rows({start}, {count}) is out of range for shape {Shape}.");
        var dims = Shape.ToArray();
        dims[0] = count;
        return new Tensor(new Shape(dims), _data, _offset + start * Shape.SizeAfter(0));
    }

    /// <summary>Sets every element of <see cref="Grad"/> to zero (keeps the buffer).</summary>
    public void ZeroGrad() => Grad?.Span.Clear();

    /// <summary>
    /// Runs reverse-mode differentiation from this tensor: every tensor in its graph that requires grad gets
    /// d(this)/d(tensor) added to its <see cref="Grad"/>. See <see cref="Autograd.Backward"/>.
    /// </summary>
    /// <param name="gradient">The seed d(loss)/d(this); may be omitted only for a one-element tensor (seed 1).</param>
    /// <param name="retainGraph">Keep the graph so Backward can run through it again.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Autograd.Backward(this, gradient, retainGraph);

    /// <summary>A readable preview: shape, and the values of small tensors (at most 6 per row, 6 rows).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor").Append(Shape);
        if (Name is not null) sb.Append(" '").Append(Name).Append('\'');
        if (GradFn is not null) sb.Append(" grad_fn=").Append(GradFn.OpName);
        else if (RequiresGrad) sb.Append(" requires_grad");
        sb.Append('\n');
        int cols = Rank == 0 ? 1 : Shape[-1];
        int rows = cols == 0 ? 0 : Size / cols;
        var span = ReadOnlySpan;
        for (int r = 0; r < Math.Min(rows, 6); r++)
        {
            sb.Append(r == 0 ? "[[" : " [");
            for (int c = 0; c < Math.Min(cols, 6); c++)
            {
                if (c > 0) sb.Append(", ");
                sb.Append(span[r * cols + c].ToString("0.####", CultureInfo.InvariantCulture));
            }
            if (cols > 6) sb.Append(", ...");
            sb.Append(r == Math.Min(rows, 6) - 1 && rows <= 6 ? "]]" : "]\n");
        }
        if (rows > 6) sb.Append(" ...]");
        return sb.ToString();
    }
}
