namespace Engine.Data.Tables;

/// <summary>One feature column of a <see cref="Table"/>: numbers, or category codes with their names.</summary>
public sealed class TableColumn
{
    /// <summary>A numeric column.</summary>
    /// <param name="name">Header name, or "column N" for a file without a header.</param>
    /// <param name="number">1-based position in the file.</param>
    /// <param name="values">One finite value per row.</param>
    public TableColumn(string name, int number, float[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        Number = number;
        Kind = ColumnKind.Numeric;
        Values = values;
        Categories = [];
    }

    /// <summary>A categorical column.</summary>
    /// <param name="name">Header name, or "column N" for a file without a header.</param>
    /// <param name="number">1-based position in the file.</param>
    /// <param name="codes">One code per row, an index into <paramref name="categories"/>.</param>
    /// <param name="categories">The distinct values, in order of first appearance.</param>
    /// <exception cref="ArgumentException">A code is outside the categories.</exception>
    public TableColumn(string name, int number, int[] codes, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(categories);
        foreach (int code in codes)
            if ((uint)code >= (uint)categories.Count)
                throw new ArgumentException($"TableColumn {name}: code {code} is outside the {categories.Count} categories.", nameof(codes));
        Name = name;
        Number = number;
        Kind = ColumnKind.Categorical;
        Codes = codes;
        Categories = categories;
    }

    /// <summary>Header name, or "column N" for a file without a header.</summary>
    public string Name { get; }

    /// <summary>1-based position of the column in its file.</summary>
    public int Number { get; }

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; }

    /// <summary>The values of a numeric column (null for a categorical one).</summary>
    public float[]? Values { get; }

    /// <summary>The category code of each row of a categorical column (null for a numeric one).</summary>
    public int[]? Codes { get; }

    /// <summary>The distinct values of a categorical column in order of first appearance (empty for a numeric one).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Values?.Length ?? Codes!.Length;
}
