using System.Numerics;

namespace Engine.Kernels;

/// <summary>The index of the largest entry of each row: a classifier's prediction from its scores or votes.</summary>
internal static class ArgMax
{
    // values (rows, cols) -> the column of each row's largest entry; on ties the lowest index wins, so predictions
    // are deterministic. Generic so that vote counts (int) and scores (float) share one loop.
    public static int[] Rows<T>(ReadOnlySpan<T> values, int rows, int cols) where T : IComparisonOperators<T, T, bool>
    {
        var result = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * cols, cols);
            int best = 0;
            for (int c = 1; c < cols; c++)
                if (row[c] > row[best]) best = c;
            result[r] = best;
        }
        return result;
    }
}
