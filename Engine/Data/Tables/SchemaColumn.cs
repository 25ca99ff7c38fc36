namespace Engine.Data.Tables;

/// <summary>
/// A feature column a fitted <see cref="TablePreprocessor"/> expects: its name and kind. Reading a second file with
/// the schema of the first (<see cref="TableReadOptions.Schema"/>) makes its columns line up with the model's.
/// </summary>
/// <param name="Name">Column name (header name, or "column N").</param>
/// <param name="Kind">Numeric or categorical.</param>
public sealed record SchemaColumn(string Name, ColumnKind Kind);
