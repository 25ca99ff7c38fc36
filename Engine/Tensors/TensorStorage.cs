namespace Engine.Tensors;

/// <summary>
/// Where tensor memory comes from. Every tensor allocation in the engine goes through here. Outside a
/// <see cref="TensorScope"/> it is a plain <c>new float[]</c>; inside one, arrays come from the scope's
/// <see cref="TensorPool"/> and go back to it when the scope ends, so a steady-state training step reuses the buffers
/// of the step before. A pooled array may be longer than asked (its size class): use its first size elements only.
/// </summary>
internal static class TensorStorage
{
    /// <summary>A buffer of at least <paramref name="size"/> floats whose first size are zero (exactly size outside a scope).</summary>
    public static float[] Allocate(int size) =>
        size == 0 ? [] : TensorScope.Current is { } scope ? scope.Rent(size) : new float[size];

    /// <summary>
    /// A buffer of at least <paramref name="size"/> floats with unspecified contents, for a caller that writes every
    /// element before anything reads it (saves the zero-fill pass of a reused pooled array).
    /// </summary>
    public static float[] AllocateUninitialized(int size) =>
        size == 0 ? [] : TensorScope.Current is { } scope ? scope.Rent(size, clear: false) : new float[size];

    /// <summary>A zero-filled buffer that never comes from a pool: for state that outlives a step (leaf gradients).</summary>
    public static float[] AllocateUnpooled(int size) => size == 0 ? [] : new float[size];
}

/// <summary>
/// A region of code whose temporary tensors borrow pooled storage: <c>using (TensorScope.Begin()) { step }</c>.
/// Every tensor created inside (activations, intermediate gradients, saved state) must be dead when the scope ends,
/// because its array goes back to the <see cref="TensorPool"/> and is handed to a later allocation of its size class.
/// Every trainer opens one per optimisation step (<c>Training.TrainingStep</c>); parameters, optimizer state
/// and leaf gradients are allocated outside scopes and are never pooled. State a module builds lazily during a
/// forward pass (a cached mask or table) must use <see cref="TensorStorage.AllocateUnpooled"/>, else the next step
/// overwrites it. When a scope ends, the pool counts a step and trims itself (see <see cref="TensorPool"/>).
/// </summary>
internal sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;
    [ThreadStatic] private static bool _poolingDisabled;
    [ThreadStatic] private static bool _poisonReturned;

    private readonly List<float[]> _borrowed = [];
    private readonly TensorScope? _outer;
    private bool _disposed;

    private TensorScope(TensorScope? outer, TensorPool pool) => (_outer, Pool) = (outer, pool);

    /// <summary>The innermost scope open on this thread, or null.</summary>
    public static TensorScope? Current => _current;

    /// <summary>Where this scope's arrays come from and go back to.</summary>
    public TensorPool Pool { get; }

    /// <summary>
    /// Test switch (per thread): scopes hand out fresh arrays and keep none, so a run with it set is the reference
    /// a pooled run must match bit for bit.
    /// </summary>
    internal static bool PoolingDisabled
    {
        get => _poolingDisabled;
        set => _poolingDisabled = value;
    }

    /// <summary>
    /// Test switch (per thread): arrays going back to the pool are filled with NaN, so a tensor that outlives its
    /// scope shows up as NaN at its next read instead of silently sharing storage with a later step.
    /// </summary>
    internal static bool PoisonReturned
    {
        get => _poisonReturned;
        set => _poisonReturned = value;
    }

    /// <summary>Opens a scope on this thread, on the pool of the scope it nests in (else the thread's <see cref="TensorPool.Current"/>).</summary>
    public static TensorScope Begin() => Begin(_current?.Pool ?? TensorPool.Current);

    /// <summary>Opens a scope on this thread that borrows from <paramref name="pool"/> (tests give it a pool of their own).</summary>
    internal static TensorScope Begin(TensorPool pool) => _current = new TensorScope(_current, pool);

    /// <summary>
    /// An array of at least <paramref name="size"/> floats (exactly size when pooling is disabled), reused from the
    /// pool when one of its size class is free; the first size elements are zero unless <paramref name="clear"/> is
    /// false (then a reused array keeps the values of its previous use).
    /// </summary>
    public float[] Rent(int size, bool clear = true)
    {
        if (_poolingDisabled) return new float[size];
        var array = Pool.Rent(size, clear);
        _borrowed.Add(array);
        return array;
    }

    /// <summary>
    /// Gives <paramref name="array"/> back to the pool before the scope ends, when it was borrowed by this scope (else
    /// does nothing). The caller promises that no tensor will read it again: backward uses it for an intermediate
    /// gradient it has finished with, which keeps a step's peak to its activations plus the gradients in flight.
    /// </summary>
    public void ReturnEarly(float[] array)
    {
        // Gradients are released soon after they were borrowed, so the search from the end is short.
        for (int i = _borrowed.Count - 1; i >= 0; i--)
        {
            if (!ReferenceEquals(_borrowed[i], array)) continue;
            _borrowed[i] = _borrowed[^1];
            _borrowed.RemoveAt(_borrowed.Count - 1);
            Pool.Return(array, _poisonReturned);
            return;
        }
    }

    /// <summary>How many arrays this scope has borrowed and not given back: a mark for <see cref="ReturnSince"/>.</summary>
    internal int BorrowedCount => _borrowed.Count;

    /// <summary>
    /// Gives back every array borrowed since <paramref name="mark"/> except the storage of the gradients of
    /// <paramref name="keep"/>: backward calls it after each node, whose temporaries die with it while the gradients
    /// it created for its inputs live on.
    /// </summary>
    internal void ReturnSince(int mark, IReadOnlyList<Tensor> keep)
    {
        int kept = mark;
        for (int i = mark; i < _borrowed.Count; i++)
        {
            var array = _borrowed[i];
            bool isGradient = false;
            foreach (var tensor in keep)
                if (ReferenceEquals(tensor.Grad?.Storage, array)) isGradient = true;
            if (isGradient) _borrowed[kept++] = array;
            else Pool.Return(array, _poisonReturned);
        }
        _borrowed.RemoveRange(kept, _borrowed.Count - kept);
    }

    /// <summary>Returns every borrowed array to the pool, closes the scope and ends a pool step.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Pool.Return(_borrowed, _poisonReturned);
        _borrowed.Clear();
        _current = _outer;
        Pool.EndStep();
    }
}
