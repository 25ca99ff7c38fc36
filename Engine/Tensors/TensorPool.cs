namespace Engine.Tensors;

/// <summary>
/// The arrays that <see cref="TensorScope"/>s lend to tensors: one pool per thread that trains
/// (<see cref="Current"/>), bounded by that thread's work, not by its history. Arrays are kept per
/// <see cref="SizeClass"/> (not per exact length), and after every step the free arrays are trimmed to
/// <see cref="Slack"/> times the step demand: the most bytes lent out at once during the last
/// <see cref="WindowSteps"/> to 2 × <see cref="WindowSteps"/> steps. What goes first are the arrays of a class beyond
/// the most of it lent out at once in that window (all of them for a class no recent step asked for), least
/// recently used classes first; then, if still needed, whole classes in the same order.
/// A pool whose thread has not ended a step for <see cref="IdleMilliseconds"/> is emptied by the next step of any
/// other thread, so threads that trained once cannot multiply the footprint.
/// </summary>
/// <remarks>
/// A training loop whose steps all have the same shapes (dense, convolutional, VAE) finds every array it needs in
/// the pool from its second step on and allocates nothing; one whose shapes vary (sentence batches of different
/// lengths) reuses what fits and lets the pool drop what has not been asked for lately. A pool belongs to one thread
/// but is thread-safe, because the idle sweep trims it from another (one uncontended lock per array and per step).
/// </remarks>
internal sealed class TensorPool
{
    /// <summary>Steps per demand window: the demand is the peak of the current window and the one before.</summary>
    public const int WindowSteps = 16;

    /// <summary>The pool keeps at most this many times the demand in free arrays.</summary>
    public const int Slack = 2;

    /// <summary>
    /// A request its own class cannot serve takes a free array of up to this many classes above (four classes make
    /// a doubling): steps whose shapes vary reuse the longer arrays of earlier steps instead of allocating.
    /// </summary>
    public const int Reach = 4;

    /// <summary>A pool whose last step ended this long ago is emptied by another thread's step.</summary>
    public const int IdleMilliseconds = 2000;

    [ThreadStatic] private static TensorPool? _current;
    private static readonly List<WeakReference<TensorPool>> Pools = [];
    private static long _lastSweep;

    private readonly Lock _lock = new();
    private readonly Stack<float[]>?[] _free = new Stack<float[]>?[SizeClass.Count];
    private readonly long[] _lastUsed = new long[SizeClass.Count];
    // Per class: arrays lent out now, and the most lent out at once in the current and the previous window.
    private readonly int[] _borrowedCount = new int[SizeClass.Count];
    private readonly int[] _need = new int[SizeClass.Count];
    private readonly int[] _previousNeed = new int[SizeClass.Count];
    private long _freeBytes, _borrowedBytes, _windowPeak, _previousWindowPeak, _steps;
    private long _peakBorrowedBytes, _peakHeldBytes, _allocatedBytes;
    private long _lastStepEnd = Environment.TickCount64;

    /// <summary>A new, empty pool (registered for the idle sweep).</summary>
    public TensorPool()
    {
        lock (Pools) Pools.Add(new WeakReference<TensorPool>(this));
    }

    /// <summary>The calling thread's pool, where its scopes borrow; settable so a test can watch a fresh one.</summary>
    public static TensorPool Current
    {
        get => _current ??= new TensorPool();
        set => _current = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Bytes held (free and borrowed) by every live pool of the process.</summary>
    public static long TotalHeldBytes
    {
        get
        {
            long total = 0;
            lock (Pools)
                foreach (var weak in Pools)
                    if (weak.TryGetTarget(out var pool)) total += pool.Stats.HeldBytes;
            return total;
        }
    }

    /// <summary>
    /// An array of at least <paramref name="size"/> floats (its class length), from the free arrays when one is
    /// there; the first <paramref name="size"/> elements are zero unless <paramref name="clear"/> is false (then a
    /// reused array keeps the values of its previous use).
    /// </summary>
    public float[] Rent(int size, bool clear)
    {
        if (size > SizeClass.MaxLength) return new float[size];
        int index = SizeClass.Index(size);
        float[]? array = null;
        lock (_lock)
        {
            // The request's class, else a free array of one of the next Reach classes (at most twice as long).
            int last = Math.Min(index + Reach, _free.Length - 1);
            for (int i = index; i <= last && array is null; i++)
            {
                if (_free[i] is not { Count: > 0 } free) continue;
                array = free.Pop();
                index = i;
            }
            int length = SizeClass.Length(index);
            if (array is null) _allocatedBytes += 4L * length;
            else _freeBytes -= 4L * length;
            _lastUsed[index] = _steps;
            _need[index] = Math.Max(_need[index], ++_borrowedCount[index]);
            _borrowedBytes += 4L * length;
            _windowPeak = Math.Max(_windowPeak, _borrowedBytes);
            _peakBorrowedBytes = Math.Max(_peakBorrowedBytes, _borrowedBytes);
            _peakHeldBytes = Math.Max(_peakHeldBytes, _borrowedBytes + _freeBytes);
        }
        if (array is null) return new float[SizeClass.Length(index)];
        if (clear) array.AsSpan(0, size).Clear();
        return array;
    }

    /// <summary>Takes back arrays from <see cref="Rent"/> (a scope's, when it ends), filled with NaN first when <paramref name="poison"/> is set.</summary>
    public void Return(List<float[]> arrays, bool poison)
    {
        if (poison)
            foreach (var array in arrays) Array.Fill(array, float.NaN);
        lock (_lock)
            foreach (var array in arrays) Push(array);
    }

    /// <summary>Takes back one array from <see cref="Rent"/> (a gradient that backward has finished with).</summary>
    public void Return(float[] array, bool poison)
    {
        if (poison) Array.Fill(array, float.NaN);
        lock (_lock) Push(array);
    }

    private void Push(float[] array)
    {
        if (array.Length > SizeClass.MaxLength) return;
        int index = SizeClass.Index(array.Length);
        (_free[index] ??= new Stack<float[]>()).Push(array);
        _borrowedCount[index]--;
        _freeBytes += 4L * array.Length;
        _borrowedBytes -= 4L * array.Length;
    }

    /// <summary>
    /// Called when a scope ends (a training step, an inference batch, a decoding step): counts the step, moves the demand window on every
    /// <see cref="WindowSteps"/> steps, and trims the free arrays to <see cref="Slack"/> × the demand.
    /// </summary>
    public void EndStep()
    {
        long now = Environment.TickCount64;
        lock (_lock)
        {
            _steps++;
            _lastStepEnd = now;
            if (_steps % WindowSteps == 0)
            {
                _previousWindowPeak = _windowPeak;
                _windowPeak = _borrowedBytes;
                _need.CopyTo(_previousNeed);
                _borrowedCount.CopyTo(_need);
            }
            long limit = Slack * Math.Max(_windowPeak, _previousWindowPeak);
            if (_freeBytes > limit)
            {
                TrimToNeed(limit);
                TrimTo(limit);
            }
        }
        if (now - Interlocked.Read(ref _lastSweep) >= IdleMilliseconds) SweepIdle(now);
    }

    // Empties the pools of other threads that have not ended a step for IdleMilliseconds, and forgets dead ones.
    private void SweepIdle(long now)
    {
        Interlocked.Exchange(ref _lastSweep, now);
        lock (Pools)
        {
            Pools.RemoveAll(weak => !weak.TryGetTarget(out _));
            foreach (var weak in Pools)
                if (weak.TryGetTarget(out var pool) && pool != this
                    && now - Interlocked.Read(ref pool._lastStepEnd) >= IdleMilliseconds)
                    pool.Trim();
        }
    }

    /// <summary>Drops every free array (borrowed ones come back as usual) and forgets the demand.</summary>
    public void Trim()
    {
        lock (_lock)
        {
            TrimTo(0);
            _windowPeak = _previousWindowPeak = _borrowedBytes;
            _borrowedCount.CopyTo(_need);
            _borrowedCount.CopyTo(_previousNeed);
        }
    }

    /// <summary>What the pool holds and has done, in bytes.</summary>
    public TensorPoolStats Stats
    {
        get
        {
            lock (_lock)
                return new TensorPoolStats(_freeBytes, _borrowedBytes, Math.Max(_windowPeak, _previousWindowPeak),
                    _peakBorrowedBytes, _peakHeldBytes, _allocatedBytes, _steps);
        }
    }

    // Until at most `limit` bytes are free, drops the free arrays a class holds beyond what the current and previous
    // window had lent out of it at once (less what is lent out now), least recently used classes first: arrays no
    // recent step needed go before any a step will ask for again.
    private void TrimToNeed(long limit)
    {
        Span<int> order = stackalloc int[_free.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var lastUsed = _lastUsed;
        order.Sort((a, b) => lastUsed[a] != lastUsed[b] ? lastUsed[a].CompareTo(lastUsed[b]) : b.CompareTo(a));
        foreach (int i in order)
        {
            if (_freeBytes <= limit) return;
            if (_free[i] is not { Count: > 0 } stack) continue;
            int keep = Math.Max(0, Math.Max(_need[i], _previousNeed[i]) - _borrowedCount[i]);
            while (stack.Count > keep && _freeBytes > limit) _freeBytes -= 4L * stack.Pop().Length;
        }
    }

    // Drops free arrays until at most `limit` bytes are left: whole classes, least recently used first (the
    // larger class first among equals).
    private void TrimTo(long limit)
    {
        while (_freeBytes > limit)
        {
            int victim = -1;
            for (int i = _free.Length - 1; i >= 0; i--)
                if (_free[i] is { Count: > 0 } && (victim < 0 || _lastUsed[i] < _lastUsed[victim])) victim = i;
            var stack = _free[victim]!;
            while (stack.Count > 0 && _freeBytes > limit)
                _freeBytes -= 4L * stack.Pop().Length;
        }
    }
}

/// <summary>A snapshot of a <see cref="TensorPool"/>, in bytes (of class lengths) and steps.</summary>
/// <param name="FreeBytes">Arrays the pool holds for the next rents.</param>
/// <param name="BorrowedBytes">Arrays lent to open scopes now.</param>
/// <param name="DemandBytes">The most bytes borrowed at once in the current demand window and the one before.</param>
/// <param name="PeakBorrowedBytes">The most bytes ever borrowed at once.</param>
/// <param name="PeakHeldBytes">The most bytes ever free and borrowed together: all the memory the pool accounted for at once.</param>
/// <param name="AllocatedBytes">Bytes of the arrays the pool had to allocate (rents it could not serve from free arrays).</param>
/// <param name="Steps">Scopes ended.</param>
internal readonly record struct TensorPoolStats(long FreeBytes, long BorrowedBytes, long DemandBytes,
    long PeakBorrowedBytes, long PeakHeldBytes, long AllocatedBytes, long Steps)
{
    /// <summary>Free and borrowed bytes now.</summary>
    public long HeldBytes => FreeBytes + BorrowedBytes;
}
