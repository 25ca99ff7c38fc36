namespace Engine.Tests.Testing;

/// <summary>Tests that change <c>Parallelism.MaxThreads</c> run in this collection, never alongside each other.</summary>
[CollectionDefinition("Parallelism", DisableParallelization = true)]
public sealed class ParallelismCollection;
