namespace Engine.Tests.Testing;

/// <summary>
/// Serialises the test classes that change <c>Parallelism.MaxThreads</c>: it is process-wide, and xunit runs
/// different classes in parallel. Put <c>[Collection("Parallelism")]</c> on every such class.
/// </summary>
[CollectionDefinition("Parallelism", DisableParallelization = true)]
public sealed class ParallelismCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Parallelism";
}
