namespace Engine.Data.Tables;

/// <summary>What a table column holds.</summary>
public enum ColumnKind
{
    /// <summary>Finite numbers, stored as floats.</summary>
    Numeric,

    /// <summary>Names from a finite set (text, or numbers named as categories), stored as codes.</summary>
    Categorical,
}
