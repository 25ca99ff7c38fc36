namespace Engine.Autodiff;

/// <summary>
/// Switches graph recording off for inference: <c>using var _ = GradMode.Disable();</c>. The switch is per thread,
/// so inference on several threads at once records nothing and shares nothing.
/// </summary>
/// <remarks>
/// Each <see cref="Disable"/> opens a scope with its own number, and recording is off while any scope of this thread
/// is open. Disposing a scope closes that scope only, once: disposing it again, disposing a <c>default</c> scope, or
/// ending nested scopes out of order cannot leave recording switched off by mistake.
/// </remarks>
public static class GradMode
{
    [ThreadStatic] private static List<long>? _open;
    [ThreadStatic] private static long _next;

    /// <summary>True when ops record nodes for backward on this thread.</summary>
    public static bool IsEnabled => _open is not { Count: > 0 };

    /// <summary>Disables recording until the returned scope is disposed. Scopes nest.</summary>
    public static Scope Disable()
    {
        long id = ++_next;
        (_open ??= []).Add(id);
        return new Scope(id);
    }

    /// <summary>The no-grad scope; dispose it (with <c>using</c>) to restore recording.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly long _id;

        internal Scope(long id) => _id = id;

        /// <summary>Ends this no-grad scope (a second call, or a call on a default scope, does nothing).</summary>
        public void Dispose()
        {
            var open = _open;
            if (open is null || _id == 0) return;
            // The innermost scope is the usual one to end, so search from the end.
            int at = open.LastIndexOf(_id);
            if (at >= 0) open.RemoveAt(at);
        }
    }
}
