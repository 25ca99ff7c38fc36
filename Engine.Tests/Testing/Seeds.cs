namespace Engine.Tests.Testing;

/// <summary>Fixed seeds, so that every test run draws the same numbers.</summary>
public static class Seeds
{
    /// <summary>The default seed of the suite.</summary>
    public const int Default = 20261127;
}
