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
    private readonly Rng? _random;

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
        _random = shuffleSeed is int seed ? new Rng(seed) : null;
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
        return Batches(0);
    }

    /// <summary>
    /// The rest of the current epoch from batch <paramref name="fromBatch"/>, in the current order and without a
    /// new shuffle: how a resumed run continues an epoch that a checkpoint interrupted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromBatch"/> is outside [0, BatchCount].</exception>
    public IEnumerable<Batch> ContinueEpoch(int fromBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromBatch, BatchCount);
        return Batches(fromBatch);
    }

    /// <summary>
    /// The current example order and shuffling generator, for checkpoints. Each epoch shuffles the previous
    /// epoch's order, so both are needed to continue the sequence exactly.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Set to an order that is not a permutation of the dataset's indices, or with a generator state on a loader
    /// that does not shuffle (or without one on a loader that does).
    /// </exception>
    public DataLoaderState State
    {
        get => new((int[])_order.Clone(), _random?.State);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            ArgumentNullException.ThrowIfNull(value.Order, nameof(value));
            if (value.Order.Length != _order.Length)
                throw new ArgumentException(
                    $"DataLoader.State: the order has {value.Order.Length} entries but the dataset has {_order.Length} examples.",
                    nameof(value));
            var seen = new bool[_order.Length];
            foreach (int index in value.Order)
            {
                if ((uint)index >= (uint)seen.Length || seen[index])
                    throw new ArgumentException(
                        $"DataLoader.State: the order is not a permutation of 0..{_order.Length - 1} (bad or repeated index {index}).",
                        nameof(value));
                seen[index] = true;
            }
            if ((value.Random is null) != (_random is null))
                throw new ArgumentException(
                    $"DataLoader.State: the state {(value.Random is null ? "lacks" : "has")} a shuffle generator but this loader {(_random is null ? "does not shuffle" : "shuffles")}.",
                    nameof(value));
            value.Order.CopyTo(_order, 0);
            if (value.Random is RngState state) _random!.State = state;
        }
    }

    private IEnumerable<Batch> Batches(int fromBatch)
    {
        for (int start = fromBatch * BatchSize; start < _order.Length; start += BatchSize)
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

/// <summary>A <see cref="DataLoader"/>'s position between epochs: its example order and its shuffle generator's state (null when it does not shuffle).</summary>
public sealed record DataLoaderState(int[] Order, RngState? Random);

/// <summary>One mini-batch: inputs (count, features), their labels (-1 when unlabelled) and its index in the epoch.</summary>
public readonly record struct Batch(Tensor Inputs, ArraySegment<int> Labels, int Index)
{
    /// <summary>The number of examples in this batch.</summary>
    public int Count => Inputs.Shape[0];
}
