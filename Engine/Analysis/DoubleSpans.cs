using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Analysis;

// Vectorised double-precision row operations for SymmetricEigen, whose O(n³) loops all walk contiguous rows.
// Vector<double> lanes with a scalar tail; the summation order depends only on the length and the vector width,
// never on threads.
internal static class DoubleSpans
{
    // Σ a[i]·b[i]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int width = Vector<double>.Count, i = 0;
        var sum = Vector<double>.Zero;
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        for (; i <= a.Length - width; i += width)
            sum += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
        double result = Vector.Sum(sum);
        for (; i < a.Length; i++) result += a[i] * b[i];
        return result;
    }

    // y[i] += scale·x[i]
    public static void Axpy(double scale, ReadOnlySpan<double> x, Span<double> y)
    {
        int width = Vector<double>.Count, i = 0;
        var s = new Vector<double>(scale);
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        for (; i <= x.Length - width; i += width)
            (Vector.LoadUnsafe(ref ry, (nuint)i) + s * Vector.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < x.Length; i++) y[i] += scale * x[i];
    }

    // Returns Σ row[i]·d[i] while doing e[i] += f·row[i] (one pass over row for the Householder product).
    public static double DotAndAxpy(ReadOnlySpan<double> row, ReadOnlySpan<double> d, double f, Span<double> e)
    {
        int width = Vector<double>.Count, i = 0;
        var sum = Vector<double>.Zero;
        var vf = new Vector<double>(f);
        ref double rr = ref MemoryMarshal.GetReference(row);
        ref double rd = ref MemoryMarshal.GetReference(d);
        ref double re = ref MemoryMarshal.GetReference(e);
        for (; i <= row.Length - width; i += width)
        {
            var r = Vector.LoadUnsafe(ref rr, (nuint)i);
            sum += r * Vector.LoadUnsafe(ref rd, (nuint)i);
            (Vector.LoadUnsafe(ref re, (nuint)i) + vf * r).StoreUnsafe(ref re, (nuint)i);
        }
        double result = Vector.Sum(sum);
        for (; i < row.Length; i++)
        {
            result += row[i] * d[i];
            e[i] += f * row[i];
        }
        return result;
    }

    // row[i] −= f·e[i] + g·d[i] (the symmetric rank-2 Householder update)
    public static void RankTwoUpdate(Span<double> row, double f, ReadOnlySpan<double> e, double g, ReadOnlySpan<double> d)
    {
        int width = Vector<double>.Count, i = 0;
        var vf = new Vector<double>(f);
        var vg = new Vector<double>(g);
        ref double rr = ref MemoryMarshal.GetReference(row);
        ref double re = ref MemoryMarshal.GetReference(e);
        ref double rd = ref MemoryMarshal.GetReference(d);
        for (; i <= row.Length - width; i += width)
        {
            var update = vf * Vector.LoadUnsafe(ref re, (nuint)i) + vg * Vector.LoadUnsafe(ref rd, (nuint)i);
            (Vector.LoadUnsafe(ref rr, (nuint)i) - update).StoreUnsafe(ref rr, (nuint)i);
        }
        for (; i < row.Length; i++) row[i] -= f * e[i] + g * d[i];
    }

    // (a, b) <- (c·a − s·b, s·a + c·b), a Givens rotation of two rows
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rotate(Span<double> a, Span<double> b, double c, double s)
    {
        int width = Vector<double>.Count, i = 0;
        var vc = new Vector<double>(c);
        var vs = new Vector<double>(s);
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        for (; i <= a.Length - width; i += width)
        {
            var x = Vector.LoadUnsafe(ref ra, (nuint)i);
            var y = Vector.LoadUnsafe(ref rb, (nuint)i);
            (vs * x + vc * y).StoreUnsafe(ref rb, (nuint)i);
            (vc * x - vs * y).StoreUnsafe(ref ra, (nuint)i);
        }
        for (; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            b[i] = s * x + c * y;
            a[i] = c * x - s * y;
        }
    }
}
