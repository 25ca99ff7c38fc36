namespace Engine.Tensors;

/// <summary>
/// Where tensor memory comes from. Every tensor allocation in the engine goes through here. Outside a
/// <see cref="TensorScope"/> it is a plain <c>new float[]</c>; inside one, arrays come from a per-thread pool and go
/// back to it when the scope ends, so a steady-state training step reuses the buffers of the step before.
/// </summary>
internal static class TensorStorage
{
    /// <summary>A zero-filled buffer of at least <paramref name="size"/> floats (exactly size outside a scope).</summary>
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
/// because its array is handed to the next allocation of the same size. Every trainer opens one per optimisation step
/// (<see cref="Training.TrainingStep"/>); parameters, optimizer state and leaf gradients are allocated outside scopes
/// and are never pooled. State a module builds lazily during a forward pass (a cached mask or table) must use
/// <see cref="TensorStorage.AllocateUnpooled"/>, else the next step overwrites it.
/// </summary>
internal sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;
    [ThreadStatic] private static Dictionary<int, Stack<float[]>>? _pool;
    [ThreadStatic] private static bool _poolingDisabled;
    [ThreadStatic] private static bool _poisonReturned;

    private readonly List<float[]> _borrowed = [];
    private readonly TensorScope? _outer;
    private bool _disposed;

    private TensorScope(TensorScope? outer) => _outer = outer;

    /// <summary>The innermost scope open on this thread, or null.</summary>
    public static TensorScope? Current => _current;

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

    /// <summary>Opens a scope on this thread; scopes nest.</summary>
    public static TensorScope Begin() => _current = new TensorScope(_current);

    /// <summary>
    /// An array of exactly <paramref name="size"/> floats, reused from the pool when one is free; zeroed unless
    /// <paramref name="clear"/> is false (then a reused array keeps the values of its previous use).
    /// </summary>
    public float[] Rent(int size, bool clear = true)
    {
        if (_poolingDisabled) return new float[size];
        _pool ??= [];
        float[] array;
        if (_pool.TryGetValue(size, out var free) && free.Count > 0)
        {
            array = free.Pop();
            if (clear) Array.Clear(array);
        }
        else
        {
            array = new float[size];
        }
        _borrowed.Add(array);
        return array;
    }

    /// <summary>Returns every borrowed array to the pool and closes the scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pool ??= [];
        foreach (var array in _borrowed)
        {
            if (_poisonReturned) Array.Fill(array, float.NaN);
            if (!_pool.TryGetValue(array.Length, out var free)) _pool[array.Length] = free = new Stack<float[]>();
            free.Push(array);
        }
        _borrowed.Clear();
        _current = _outer;
    }
}
