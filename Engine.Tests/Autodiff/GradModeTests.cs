using Engine.Autodiff;

namespace Engine.Tests.Autodiff;

/// <summary>The no-grad scope restores recording exactly once, whatever a caller does with it.</summary>
[Trait("Layer", "Autodiff")]
public sealed class GradModeTests
{
    [Fact]
    public void DisposingAScopeTwice_OrADefaultScope_LeavesRecordingOn()
    {
        // Reproduction: each Dispose decremented the depth, so a second one left recording off on the thread.
        var scope = GradMode.Disable();
        Assert.False(GradMode.IsEnabled);
        scope.Dispose();
        scope.Dispose();
        Assert.True(GradMode.IsEnabled);
        default(GradMode.Scope).Dispose();
        Assert.True(GradMode.IsEnabled);
        using (GradMode.Disable())
        {
            default(GradMode.Scope).Dispose();
            scope.Dispose();
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void NestedScopes_EndInAnyOrder_AndRecordingComesBackAfterTheLast()
    {
        var outer = GradMode.Disable();
        var inner = GradMode.Disable();
        outer.Dispose();
        Assert.False(GradMode.IsEnabled);
        inner.Dispose();
        Assert.True(GradMode.IsEnabled);
    }
}
