using Engine.Tensors;

namespace Engine.Data;

/// <summary>
/// Cuts a dataset into mini-batches: a seeded shuffle per epoch, fixed-size batches and a smaller last one.
/// The batch tensor is one buffer reused for every batch (copy out what you keep), so iterating allocates nothing.
/// </summary>
public sealed class DataLoader
{
    private readonly IDataset _dataset;
    private readonly int[] _order;
    private readonly Tensor _buffer;
    private readonly int[] _labels;
    private readonly Random? _random;

    /// <summary>Creates a loader. With <paramref name="shuffleSeed"/> null the order is the dataset's own.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is less than 1.</exception>
    public DataLoader(IDataset dataset, int batchSize, int? shuffleSeed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _dataset = dataset;
        BatchSize = batchSize;
        _order = Enumerable.Range(0, dataset.Count).ToArray();
        _buffer = Tensor.Zeros(batchSize, dataset.Features);
        _labels = new int[batchSize];
        _random = shuffleSeed is int seed ? new Random(seed) : null;
    }

    /// <summary>The full batch size (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// One epoch of batches. Each <see cref="Batch"/> views the shared buffer and is overwritten by the next one.
    /// With shuffling, every call draws a new order from the loader's seeded generator.
    /// </summary>
    public IEnumerable<Batch> Epoch()
    {
        _random?.Shuffle(_order);
        for (int start = 0; start < _order.Length; start += BatchSize)
        {
            int count = Math.Min(BatchSize, _order.Length - start);
            var span = _buffer.Span;
            int f = _dataset.Features;
            for (int i = 0; i < count; i++)
            {
                int index = _order[start + i];
                _dataset.CopyRow(index, span.Slice(i * f, f));
                _labels[i] = _dataset.Label(index);
            }
            var inputs = count == BatchSize ? _buffer : _buffer.Rows(0, count);
            yield return new Batch(inputs, new ArraySegment<int>(_labels, 0, count), start / BatchSize);
        }
    }
}

/// <summary>One mini-batch: inputs (count, features), their labels (-1 when unlabelled) and its index in the epoch.</summary>
public readonly record struct Batch(Tensor Inputs, ArraySegment<int> Labels, int Index)
{
    /// <summary>The number of examples in this batch.</summary>
    public int Count => Inputs.Shape[0];
}
