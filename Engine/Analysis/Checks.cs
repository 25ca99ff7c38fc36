namespace Engine.Analysis;

// Argument checks shared by the analysis code, so that every public entry point fails with a message that names
// the method and the shapes it was given instead of an IndexOutOfRangeException deep inside a loop.
internal static class Checks
{
    public static void Matrix(string op, ReadOnlySpan<float> data, int rows, int cols, string name = "features")
    {
        if (rows < 1 || cols < 1)
            throw new ArgumentException($"{op}: {name} needs at least one row and one column, got ({rows}, {cols}).", name);
        if (data.Length != (long)rows * cols)
            throw new ArgumentException(
                $"{op}: {name} has {data.Length} elements, but ({rows}, {cols}) needs {(long)rows * cols}.", name);
    }

    public static void Labels(string op, ReadOnlySpan<int> labels, int rows, int classes)
    {
        if (classes < 1)
            throw new ArgumentException($"{op}: classes must be at least 1, got {classes}.", nameof(classes));
        if (labels.Length != rows)
            throw new ArgumentException($"{op}: labels has {labels.Length} entries for {rows} rows.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException(
                    $"{op}: labels[{i}] = {labels[i]} is outside [0, {classes}).", nameof(labels));
        }
    }

    public static void SameLength(string op, int scores, int labels)
    {
        if (scores != labels)
            throw new ArgumentException($"{op}: {scores} scores but {labels} labels.", "labels");
    }

    public static void Finite(string op, ReadOnlySpan<float> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{op}: {name}[{i}] is {values[i]}, expected a finite number.", name);
        }
    }
}
