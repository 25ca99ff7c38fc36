namespace Engine.Analysis;

internal static class ArgMax
{
    // Index of the largest entry of each row; on ties the lowest index wins, so predictions are deterministic.
    public static int[] Rows(ReadOnlySpan<float> values, int rows, int cols)
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
