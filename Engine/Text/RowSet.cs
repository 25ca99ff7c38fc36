namespace Engine.Text;

/// <summary>A set of matrix rows with O(1) insert and a list of members in insertion order, cheap to clear.</summary>
internal sealed class RowSet
{
    private readonly bool[] _member;
    private readonly List<int> _rows = [];

    internal RowSet(int rowCount) => _member = new bool[rowCount];

    /// <summary>The rows in the set, in the order they were added.</summary>
    internal IReadOnlyList<int> Rows => _rows;

    /// <summary>True if <paramref name="row"/> is in the set.</summary>
    internal bool Contains(int row) => _member[row];

    /// <summary>Adds <paramref name="row"/> (no effect if present).</summary>
    internal void Add(int row)
    {
        if (!_member[row])
        {
            _member[row] = true;
            _rows.Add(row);
        }
    }

    /// <summary>Empties the set in time proportional to its size.</summary>
    internal void Clear()
    {
        foreach (int row in _rows)
            _member[row] = false;
        _rows.Clear();
    }
}
