namespace Engine.Autodiff;

/// <summary>
/// Switches graph recording off for inference: <c>using var _ = GradMode.Disable();</c>. The switch is per thread,
/// so inference on several threads at once records nothing and shares nothing.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True when ops record nodes for backward on this thread.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables recording until the returned scope is disposed. Scopes nest.</summary>
    public static Scope Disable()
    {
        _disabledDepth++;
        return new Scope();
    }

    /// <summary>The no-grad scope; dispose it (with <c>using</c>) to restore recording.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <summary>Ends the no-grad scope.</summary>
        public void Dispose() => _disabledDepth--;
    }
}
