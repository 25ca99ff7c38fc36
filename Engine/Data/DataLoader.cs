using Engine.Tensors;

namespace Engine.Data;

/// <summary>
/// Cuts a dataset into mini-batches: a seeded shuffle per epoch, fixed-size batches and a smaller last one.
/// The batch tensor is one buffer reused for every batch (copy out what you keep), so iterating allocates nothing;
/// it holds min(batch size, examples) rows, so a batch size larger than the data costs nothing extra.
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
    /// <exception cref="ArgumentException">The dataset reports a negative size, or one batch of it does not fit in one array.</exception>
    public DataLoader(IDataset dataset, int batchSize, int? shuffleSeed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int count = dataset.Count, features = dataset.Features;
        if (count < 0 || features < 1)
            throw new ArgumentException(
                $"DataLoader: the dataset has {count} examples of {features} features; expected at least 0 examples of at least 1 feature.",
                nameof(dataset));
        int rows = Math.Min(batchSize, count);
        if ((long)rows * features > Array.MaxLength)
            throw new ArgumentException(
                $"DataLoader: a batch of {rows} rows × {features} features does not fit in one array; use a smaller batch size.",
                nameof(batchSize));
        _dataset = dataset;
        BatchSize = batchSize;
        _order = Enumerable.Range(0, count).ToArray();
        _buffer = Tensor.Zeros(rows, features);
        _labels = new int[rows];
        _random = shuffleSeed is int seed ? new Rng(seed) : null;
    }

    /// <summary>The full batch size (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => (int)(((long)_order.Length + BatchSize - 1) / BatchSize);

    /// <summary>
    /// One epoch of batches. Each <see cref="Batch"/> views the shared buffer and is overwritten by the next one.
    /// With shuffling, every call draws a new order from the loader's seeded generator.
    /// </summary>
    public IEnumerable<Batch> Epoch()
    {
        Shuffle();
        return Batches(0);
    }

    /// <summary>Draws a new example order (a shuffle of the current one) when the loader shuffles; else does nothing.</summary>
    public void Shuffle() => _random?.Shuffle(_order);

    /// <summary>Batch <paramref name="index"/> of the current order, in the shared buffer (overwritten by the next batch).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, BatchCount).</exception>
    public Batch BatchAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BatchCount);
        return Load(index);
    }

    /// <summary>The example indices of batch <paramref name="index"/> in the current order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, BatchCount).</exception>
    public ReadOnlySpan<int> ExamplesOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BatchCount);
        int start = index * BatchSize;
        return _order.AsSpan(start, Math.Min(BatchSize, _order.Length - start));
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
        for (int index = fromBatch; index < BatchCount; index++)
            yield return Load(index);
    }

    // Copies the rows and labels of batch `index` of the current order into the shared buffer.
    private Batch Load(int index)
    {
        int start = index * BatchSize;
        int count = Math.Min(BatchSize, _order.Length - start);
        var span = _buffer.Span;
        int f = _dataset.Features;
        for (int i = 0; i < count; i++)
        {
            int example = _order[start + i];
            _dataset.CopyRow(example, span.Slice(i * f, f));
            _labels[i] = _dataset.Label(example);
        }
        var inputs = count == _buffer.Shape[0] ? _buffer : _buffer.Rows(0, count);
        return new Batch(inputs, new ArraySegment<int>(_labels, 0, count), index);
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
