using System.Diagnostics;
using System.Numerics.Tensors;

namespace Engine.Text;

/// <summary>What <see cref="Word2VecTrainer.Train"/> returns: the vectors and how fast they were trained.</summary>
/// <param name="Vectors">The trained word vectors (syn0), one row per vocabulary word.</param>
/// <param name="TrainWords">In-vocabulary words per epoch, before subsampling.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="TrainingTime">Wall time of the epochs (vocabulary building and set-up excluded).</param>
/// <param name="TrainingCpuTime">Processor time of the whole process during the epochs (all threads).</param>
public sealed record Word2VecResult(WordVectors Vectors, long TrainWords, int Epochs, TimeSpan TrainingTime,
    TimeSpan TrainingCpuTime)
{
    /// <summary>Raw in-vocabulary words per second: TrainWords · Epochs / TrainingTime (word2vec.c's measure).</summary>
    public double WordsPerSecond => TrainWords * (double)Epochs / Math.Max(TrainingTime.TotalSeconds, 1e-9);
}

/// <summary>
/// Skip-gram word2vec with negative sampling, as in Mikolov et al.'s word2vec.c (unigram^0.75 table, subsampling,
/// random window shrinking, linear learning-rate decay, the same random number generator and sigmoid table).
/// </summary>
/// <remarks>
/// <para>Determinism. word2vec.c and gensim let threads write the shared vectors without locks ("Hogwild"), so
/// their results depend on timing. Here thread t owns a fixed contiguous slice of the sentences (about equal word
/// counts) and a random stream seeded from (Seed, t). With several threads each one trains a private replica of
/// the model for <see cref="Word2VecOptions.SyncWords"/> words, then all threads stop at a barrier and the replicas
/// are merged: for every row any thread touched, new = old + Σ_t (replica_t − old), summed in thread order, and the
/// result is copied back to every replica. Every step is a function of the seed and the thread count only, so
/// <b>the same Seed and the same Threads give bitwise identical vectors</b>; a different thread count gives a
/// different (equally good) result. One thread trains the shared vectors directly, exactly like word2vec.c.</para>
/// <para>Initialisation: word vectors uniform in (−0.5/D, 0.5/D) from word2vec.c's generator, context vectors 0.</para>
/// </remarks>
public static class Word2VecTrainer
{
    /// <summary>Trains vectors on tokenised <paramref name="sentences"/>.</summary>
    /// <exception cref="ArgumentException">Invalid options, an empty or white-space token, or no word frequent
    /// enough.</exception>
    public static Word2VecResult Train(IReadOnlyList<IReadOnlyList<string>> sentences, Word2VecOptions options)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var corpus = new Word2VecCorpus(sentences, options);
        int v = corpus.VocabularySize;
        int d = options.Dimensions;
        if ((long)v * d > Array.MaxLength)
            throw new ArgumentException($"Word2VecTrainer: {v} words x {d} dimensions do not fit in one array.",
                nameof(options));

        var syn0 = new float[v * d];
        var syn1 = new float[v * d];
        ulong state = (ulong)(uint)options.Seed;
        for (int i = 0; i < syn0.Length; i++)
        {
            state = Word2VecWorker.Next(state);
            syn0[i] = ((state & 0xFFFF) / 65536f - 0.5f) / d;
        }
        var table = new UnigramTable(corpus.Counts, options.TableSizeFor(v));

        int threads = options.Threads;
        int[] slices = corpus.Slices(threads);
        var workers = new Word2VecWorker[threads];
        for (int t = 0; t < threads; t++)
        {
            bool shared = threads == 1;
            workers[t] = new Word2VecWorker(corpus, options, table, ThreadSeed(options.Seed, t),
                shared ? syn0 : (float[])syn0.Clone(), shared ? syn1 : (float[])syn1.Clone(), trackRows: !shared,
                slices[t], slices[t + 1]);
        }

        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        if (threads == 1)
        {
            var worker = workers[0];
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                long done = 0;
                worker.TrainSentences(worker.FirstSentence, worker.EndSentence, epoch, ref done);
            }
        }
        else
        {
            TrainInRounds(corpus, options, workers, syn0, syn1);
        }
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
        return new Word2VecResult(new WordVectors(corpus.Words, syn0, d), corpus.TrainWords, options.Epochs,
            clock.Elapsed, cpu);
    }

    // Seeds thread t's generator from (seed, t) through SplitMix64's finaliser, so streams do not overlap trivially.
    private static ulong ThreadSeed(int seed, int thread)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(thread + 1) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void TrainInRounds(Word2VecCorpus corpus, Word2VecOptions options, Word2VecWorker[] workers,
        float[] syn0, float[] syn1)
    {
        int threads = workers.Length;
        // Round r of thread t covers sentences rounds[t][r] .. rounds[t][r + 1]: about SyncWords words each.
        var rounds = workers.Select(w => RoundBounds(corpus, w, options.SyncWords)).ToArray();
        int roundCount = rounds.Max(r => r.Length - 1);
        using var barrier = new Barrier(threads);
        using var cancel = new CancellationTokenSource();
        Exception? failure = null;

        void Run(int t)
        {
            try
            {
                var worker = workers[t];
                for (int epoch = 0; epoch < options.Epochs; epoch++)
                {
                    long done = 0;
                    for (int r = 0; r < roundCount; r++)
                    {
                        if (r < rounds[t].Length - 1)
                            worker.TrainSentences(rounds[t][r], rounds[t][r + 1], epoch, ref done);
                        barrier.SignalAndWait(cancel.Token);
                        Merge(workers, syn0, w => w.Syn0, w => w.Touched0!, options.Dimensions, t);
                        Merge(workers, syn1, w => w.Syn1, w => w.Touched1!, options.Dimensions, t);
                        // Touched sets are read by every merging thread, so clear them only after all merged.
                        barrier.SignalAndWait(cancel.Token);
                        worker.Touched0!.Clear();
                        worker.Touched1!.Clear();
                    }
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // Another thread failed first; its exception is reported.
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                cancel.Cancel();
            }
        }

        var pool = Enumerable.Range(1, threads - 1).Select(t => new Thread(() => Run(t)) { IsBackground = true })
            .ToArray();
        foreach (var thread in pool)
            thread.Start();
        Run(0);
        foreach (var thread in pool)
            thread.Join();
        if (failure is not null)
            throw new InvalidOperationException("Word2VecTrainer: a training thread failed.", failure);
    }

    private static int[] RoundBounds(Word2VecCorpus corpus, Word2VecWorker worker, int syncWords)
    {
        var bounds = new List<int> { worker.FirstSentence };
        long words = 0;
        for (int s = worker.FirstSentence; s < worker.EndSentence; s++)
        {
            words += corpus.Sentence(s).Length;
            if (words >= syncWords || s == worker.EndSentence - 1)
            {
                bounds.Add(s + 1);
                words = 0;
            }
        }
        return [.. bounds];
    }

    // Merges the rows owned by merge thread `owner` (row % threads == owner), visiting each touched row once:
    // in the list of the first worker (by index) that touched it. new = old + Σ_u (replica_u − old), u ascending.
    private static void Merge(Word2VecWorker[] workers, float[] shared, Func<Word2VecWorker, float[]> replica,
        Func<Word2VecWorker, RowSet> touched, int d, int owner)
    {
        int threads = workers.Length;
        Span<float> sum = d <= 512 ? stackalloc float[d] : new float[d];
        Span<float> delta = d <= 512 ? stackalloc float[d] : new float[d];
        for (int u = 0; u < threads; u++)
        {
            foreach (int row in touched(workers[u]).Rows)
            {
                if (row % threads != owner || FirstToucher(workers, touched, row) != u)
                    continue;
                var old = shared.AsSpan(row * d, d);
                old.CopyTo(sum);
                for (int w = u; w < threads; w++)
                {
                    if (!touched(workers[w]).Contains(row))
                        continue;
                    TensorPrimitives.Subtract(replica(workers[w]).AsSpan(row * d, d), old, delta);
                    TensorPrimitives.Add(sum, delta, sum);
                }
                sum.CopyTo(old);
                foreach (var worker in workers)
                    sum.CopyTo(replica(worker).AsSpan(row * d, d));
            }
        }
    }

    private static int FirstToucher(Word2VecWorker[] workers, Func<Word2VecWorker, RowSet> touched, int row)
    {
        for (int u = 0; u < workers.Length; u++)
        {
            if (touched(workers[u]).Contains(row))
                return u;
        }
        return -1;
    }
}
