using Engine.Analysis;
using FsCheck.Xunit;

namespace Engine.Tests.Analysis;

[Trait("Layer", "Analysis")]
public sealed class SymmetricEigenTests
{
    private const double Tight = 1e-10;

    [Fact]
    public void Decompose_TwoByTwo_MatchesClosedForm()
    {
        // [[a, b], [b, c]] has λ = (a + c)/2 ± √(((a − c)/2)² + b²). For a = 4, b = 1, c = 2:
        // λ = 3 ± √(1 + 1) = 3 ± √2. Eigenvector of λ: (b, λ − a), normalised.
        double a = 4, b = 1, c = 2;
        var eigen = SymmetricEigen.Decompose(new[] { a, b, b, c }, 2);
        double l1 = 3 + Math.Sqrt(2), l2 = 3 - Math.Sqrt(2);
        Assert.Equal(l1, eigen.Values[0], Tight);
        Assert.Equal(l2, eigen.Values[1], Tight);
        AssertVector(Normalize(SignFix([b, l1 - a])), eigen.Vectors.AsSpan(0, 2));
        AssertVector(Normalize(SignFix([b, l2 - a])), eigen.Vectors.AsSpan(2, 2));
    }

    [Fact]
    public void Decompose_SecondDifferenceMatrix_MatchesKnownEigenpairs()
    {
        // tridiag(−1, 2, −1) of order 3 has λ = 2 − 2cos(jπ/4) = 2 + √2, 2, 2 − √2 with
        // v = (1, −√2, 1)/2, (1, 0, −1)/√2, (1, √2, 1)/2. Sign rule: largest |component| positive, first on ties.
        var eigen = SymmetricEigen.Decompose(new double[] { 2, -1, 0, -1, 2, -1, 0, -1, 2 }, 3);
        double r2 = Math.Sqrt(2);
        Assert.Equal(2 + r2, eigen.Values[0], Tight);
        Assert.Equal(2, eigen.Values[1], Tight);
        Assert.Equal(2 - r2, eigen.Values[2], Tight);
        AssertVector([-0.5, r2 / 2, -0.5], eigen.Vectors.AsSpan(0, 3));
        AssertVector([1 / r2, 0, -1 / r2], eigen.Vectors.AsSpan(3, 3));
        AssertVector([0.5, r2 / 2, 0.5], eigen.Vectors.AsSpan(6, 3));
    }

    [Fact]
    public void Decompose_MatrixBuiltFromKnownBasis_RecoversBasisAndValues()
    {
        // Q = rows of the normalised 4×4 Hadamard matrix, A = Qᵀ·diag(7, 3, −1, −5)·Q.
        double[][] q =
        [
            [0.5, 0.5, 0.5, 0.5],
            [0.5, -0.5, 0.5, -0.5],
            [0.5, 0.5, -0.5, -0.5],
            [0.5, -0.5, -0.5, 0.5],
        ];
        double[] lambda = [7, 3, -1, -5];
        var a = new double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int p = 0; p < 4; p++) a[i * 4 + j] += q[p][i] * lambda[p] * q[p][j];

        var eigen = SymmetricEigen.Decompose(a, 4);
        for (int p = 0; p < 4; p++)
        {
            Assert.Equal(lambda[p], eigen.Values[p], Tight);
            AssertVector(SignFix(q[p]), eigen.Vectors.AsSpan(p * 4, 4));
        }
    }

    [Fact]
    public void Decompose_Identity_GivesOrthonormalVectorsAndUnitValues()
    {
        var a = new double[25];
        for (int i = 0; i < 5; i++) a[i * 5 + i] = 1;
        var eigen = SymmetricEigen.Decompose(a, 5);
        Assert.All(eigen.Values, v => Assert.Equal(1, v, Tight));
        AssertOrthonormal(eigen.Vectors, 5);
    }

    [Fact]
    public void Decompose_BadInput_ThrowsArgumentException()
    {
        var nonSymmetric = Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose(new double[] { 1, 2, 3, 4 }, 2));
        Assert.Contains("not symmetric", nonSymmetric.Message);
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose(new double[] { 1, 2, 3 }, 2));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose(new[] { double.NaN }, 1));
    }

    [Property(MaxTest = 60)]
    public void Decompose_RandomSymmetric_SatisfiesEigenEquationAndOrthonormality(int seed, byte size)
    {
        // Orders 1..24 cover the trivial case, odd/prime sizes, and clusters of close eigenvalues by chance.
        int n = 1 + size % 24;
        var random = new Random(seed);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                a[i * n + j] = a[j * n + i] = random.NextDouble() * 2 - 1;

        var eigen = SymmetricEigen.Decompose(a, n);
        AssertOrthonormal(eigen.Vectors, n);
        for (int p = 0; p < n; p++)
        {
            if (p > 0) Assert.True(eigen.Values[p] <= eigen.Values[p - 1], "eigenvalues must be descending");
            var v = eigen.Vectors.AsSpan(p * n, n);
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i * n + j] * v[j];
                Assert.True(Math.Abs(av - eigen.Values[p] * v[i]) < 1e-9,
                    $"n={n}: (A·v − λ·v)[{i}] = {av - eigen.Values[p] * v[i]:E3} for eigenpair {p}");
            }
            double largest = 0;
            foreach (double x in v) largest = Math.Max(largest, Math.Abs(x));
            int first = 0;
            while (Math.Abs(v[first]) < largest * (1 - 1e-9)) first++;
            Assert.True(v[first] > 0, "the (first) largest-magnitude component must be positive");
        }
    }

    private static void AssertOrthonormal(double[] vectors, int n)
    {
        for (int p = 0; p < n; p++)
        {
            for (int r = 0; r < n; r++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += vectors[p * n + i] * vectors[r * n + i];
                Assert.True(Math.Abs(dot - (p == r ? 1 : 0)) < 1e-10, $"v{p}·v{r} = {dot}");
            }
        }
    }

    private static double[] Normalize(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double[] SignFix(double[] v)
    {
        int largest = 0;
        for (int i = 1; i < v.Length; i++)
            if (Math.Abs(v[i]) > Math.Abs(v[largest])) largest = i;
        return v[largest] < 0 ? v.Select(x => -x).ToArray() : v;
    }

    private static void AssertVector(double[] expected, ReadOnlySpan<double> actual)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-9, $"[{i}] expected {expected[i]}, actual {actual[i]}");
    }
}
