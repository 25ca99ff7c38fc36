using Engine.Text;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Demo.Commands;

/// <summary>
/// The `text` command's nearest-neighbour queries: for a few held-out sentences, the two training sentences whose
/// sentence vectors are closest in cosine similarity, per encoder.
/// </summary>
internal static class TextNeighbours
{
    /// <summary>Markdown list lines (also printed): one "- query" line, then one line per encoder.</summary>
    public static List<string> Find(RunContext context, QuestionSplit split, List<IReadOnlyList<string>> train,
        List<IReadOnlyList<string>> test, IReadOnlyList<(string Name, ISentenceEncoder Encoder)> encoders)
    {
        int[] queries = [0, test.Count / 4, test.Count / 2, 3 * test.Count / 4];
        var lines = new List<string>();
        var vectors = encoders.Select(r =>
        {
            int d = r.Encoder.Dimensions;
            float[] trainVectors = r.Encoder.Encode(train), testVectors = r.Encoder.Encode(test);
            // Centre on the training mean first: raw sentence vectors share a large common component that
            // would make every cosine close to 1.
            var mean = new float[d];
            for (int i = 0; i < train.Count; i++)
                TensorPrimitives.Add(mean, trainVectors.AsSpan(i * d, d), mean);
            TensorPrimitives.Multiply(mean, 1f / train.Count, mean);
            return (r.Name, Train: Normalised(trainVectors, mean), Test: Normalised(testVectors, mean), d);
        }).ToList();
        foreach (int q in queries.Distinct())
        {
            lines.Add($"- query: \"{split.Test[q].Text}\"");
            foreach (var (name, trainVectors, testVectors, d) in vectors)
            {
                var best = Enumerable.Range(0, train.Count)
                    .Select(i => (i, Cosine: TensorPrimitives.Dot(testVectors.AsSpan(q * d, d), trainVectors.AsSpan(i * d, d))))
                    .OrderByDescending(x => x.Cosine).Take(2)
                    .Select(x => $"\"{split.Train[x.i].Text}\" ({x.Cosine:F2})");
                lines.Add($"  - {name}: {string.Join("; ", best)}");
            }
        }
        context.Out.Line("nearest training sentences (cosine):");
        foreach (string line in lines) context.Out.Line(line);
        return lines;
    }

    // Each row minus the mean, scaled to unit length (in place).
    private static float[] Normalised(float[] rows, float[] mean)
    {
        int d = mean.Length;
        for (int r = 0; r < rows.Length / d; r++)
        {
            var row = rows.AsSpan(r * d, d);
            TensorPrimitives.Subtract(row, mean, row);
            float norm = TensorPrimitives.Norm(row);
            if (norm > 0) TensorPrimitives.Multiply(row, 1 / norm, row);
        }
        return rows;
    }
}
