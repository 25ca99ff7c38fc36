namespace Engine.Autodiff.Ops;

// Legend: B = batch, T = padded time steps, s = step index (0 = first step processed), j = rank of a sequence in
// the length-sorted order, N = Σ lengths = the number of real (unpadded) positions.
//
// The layout cuDNN and torch.nn.utils.rnn.pack_padded_sequence use: sort the sequences by length, longest first
// (stable, so equal lengths keep batch order), then step s involves exactly the first Active[s] = #{b : len_b > s}
// sorted sequences — always a prefix. Packed row (s, j) sits at Offset[s] + j, so the rows of one step are
// contiguous, every GEMM runs on real rows only, and padded positions cost nothing.

/// <summary>The packed, length-sorted layout of a padded batch of sequences, shared by the LSTM forward and backward.</summary>
internal sealed class LstmPacking
{
    public LstmPacking(int batch, int steps, int[]? lengths, bool reverse, string op)
    {
        Batch = batch;
        Steps = steps;
        Reverse = reverse;
        Lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            int len = lengths is null ? steps : lengths[b];
            if (len < 0 || len > steps)
                throw new ArgumentException($"{op}: lengths[{b}] = {len} is outside [0, {steps}] (the input has {steps} time steps).", nameof(lengths));
            Lengths[b] = len;
        }
        Order = new int[batch];
        for (int b = 0; b < batch; b++) Order[b] = b;
        // Stable sort by descending length (Array.Sort is not stable, so break ties by batch index).
        Array.Sort(Order, (x, y) => Lengths[x] != Lengths[y] ? Lengths[y].CompareTo(Lengths[x]) : x.CompareTo(y));
        Active = new int[steps];
        Offset = new int[steps];
        int rows = 0;
        for (int s = 0; s < steps; s++)
        {
            int a = 0;
            while (a < batch && Lengths[Order[a]] > s) a++;
            Active[s] = a;
            Offset[s] = rows;
            rows += a;
        }
        Rows = rows;
    }

    /// <summary>B.</summary>
    public int Batch { get; }

    /// <summary>T, the padded length; steps past a sequence's own length are skipped.</summary>
    public int Steps { get; }

    /// <summary>N = Σ lengths, the number of packed rows.</summary>
    public int Rows { get; }

    /// <summary>True when each sequence is read from its last real position back to position 0.</summary>
    public bool Reverse { get; }

    /// <summary>The length of each sequence, in batch order.</summary>
    public int[] Lengths { get; }

    /// <summary>Order[j] = the batch index of the j-th longest sequence.</summary>
    public int[] Order { get; }

    /// <summary>Active[s] = how many sequences take part in step s (a prefix of <see cref="Order"/>).</summary>
    public int[] Active { get; }

    /// <summary>Offset[s] = the packed row of (step s, rank 0).</summary>
    public int[] Offset { get; }

    /// <summary>The padded time position that step <paramref name="s"/> reads for the sequence at rank <paramref name="j"/>.</summary>
    public int TimeOf(int s, int j) => Reverse ? Lengths[Order[j]] - 1 - s : s;

    /// <summary>Index of row (batch b, time t) of a (B, T, width) tensor, in elements.</summary>
    public int PaddedRow(int s, int j, int width) => (Order[j] * Steps + TimeOf(s, j)) * width;
}
