using System.Text;

namespace Engine.Tests.Testing;

/// <summary>Assertions over float spans that print the max difference and the first mismatches.</summary>
public static class TensorAssert
{
    /// <summary>Asserts |expected - actual| &lt;= atol + rtol * |expected| elementwise.</summary>
    public static void AllClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float rtol, float atol,
        string what = "values")
    {
        Assert.True(expected.Length == actual.Length,
            $"{what}: expected {expected.Length} elements, got {actual.Length}.");
        double maxDiff = 0;
        int bad = 0;
        var report = new StringBuilder();
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            bool ok = diff <= atol + rtol * Math.Abs(expected[i]) && !float.IsNaN(actual[i]);
            if (float.IsNaN(expected[i]) && float.IsNaN(actual[i])) ok = true;
            maxDiff = Math.Max(maxDiff, double.IsNaN(diff) ? double.PositiveInfinity : diff);
            if (!ok && bad++ < 5)
                report.Append($"\n  [{i}] expected {expected[i]:R}, actual {actual[i]:R}, diff {diff:E3}");
        }
        Assert.True(bad == 0,
            $"{what}: {bad} of {expected.Length} elements differ (rtol {rtol}, atol {atol}, max diff {maxDiff:E3}):{report}");
    }

    /// <summary>Asserts two spans are bitwise identical.</summary>
    public static void BitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "values")
    {
        Assert.True(expected.Length == actual.Length,
            $"{what}: expected {expected.Length} elements, got {actual.Length}.");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: first difference at [{i}]: expected {expected[i]:R}, actual {actual[i]:R}.");
        }
    }
}
