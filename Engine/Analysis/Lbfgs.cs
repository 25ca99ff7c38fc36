namespace Engine.Analysis;

// Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", algorithms 7.4 and 7.5) with a backtracking
// Armijo line search. All state is double; the objective decides how it computes its value and gradient.
internal static class Lbfgs
{
    // objective(x, gradient) returns f(x) and writes ∇f(x) into gradient.
    public delegate double Objective(double[] x, double[] gradient);

    // Minimises in place; stops when max |∇f| ≤ tolerance or after maxIterations. Returns the iterations used.
    public static int Minimize(Objective objective, double[] x, int maxIterations, double tolerance, int memory = 10)
    {
        int dim = x.Length;
        var g = new double[dim];
        var gNew = new double[dim];
        var xNew = new double[dim];
        var direction = new double[dim];
        var s = new double[memory][];
        var y = new double[memory][];
        var rho = new double[memory];
        var alpha = new double[memory];
        for (int i = 0; i < memory; i++)
        {
            s[i] = new double[dim];
            y[i] = new double[dim];
        }
        int stored = 0, newest = -1;
        double f = objective(x, g);

        int iteration = 0;
        while (iteration < maxIterations && MaxAbs(g) > tolerance)
        {
            iteration++;

            // Two-loop recursion: direction = −H·g, with H₀ = (sᵀy / yᵀy)·I from the newest pair.
            for (int i = 0; i < dim; i++) direction[i] = -g[i];
            for (int j = 0; j < stored; j++)
            {
                int p = (newest - j + memory) % memory;
                alpha[p] = rho[p] * Dot(s[p], direction);
                Axpy(-alpha[p], y[p], direction);
            }
            double gamma = stored > 0 ? Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]) : 1 / Math.Sqrt(Dot(g, g));
            for (int i = 0; i < dim; i++) direction[i] *= gamma;
            for (int j = stored - 1; j >= 0; j--)
            {
                int p = (newest - j + memory) % memory;
                double beta = rho[p] * Dot(y[p], direction);
                Axpy(alpha[p] - beta, s[p], direction);
            }

            // Not a descent direction (can only happen through rounding): restart from steepest descent.
            double slope = Dot(g, direction);
            if (!(slope < 0))
            {
                stored = 0;
                for (int i = 0; i < dim; i++) direction[i] = -g[i] / Math.Sqrt(Dot(g, g));
                slope = Dot(g, direction);
            }

            // Backtracking: halve the step until f decreases by at least 1e-4 of the linear prediction.
            double step = 1, fNew;
            int halvings = 0;
            while (true)
            {
                for (int i = 0; i < dim; i++) xNew[i] = x[i] + step * direction[i];
                fNew = objective(xNew, gNew);
                if (fNew <= f + 1e-4 * step * slope || ++halvings > 40) break;
                step *= 0.5;
            }
            if (halvings > 40) break;

            // Keep the curvature pair only when sᵀy > 0, which keeps the implicit Hessian positive definite.
            int slot = (newest + 1) % memory;
            for (int i = 0; i < dim; i++)
            {
                s[slot][i] = xNew[i] - x[i];
                y[slot][i] = gNew[i] - g[i];
            }
            double sy = Dot(s[slot], y[slot]);
            if (sy > 1e-12 * Math.Sqrt(Dot(y[slot], y[slot])) * Math.Sqrt(Dot(s[slot], s[slot])))
            {
                rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.Min(stored + 1, memory);
            }
            bool stalled = f - fNew <= 1e-15 * Math.Max(1, Math.Abs(f));
            Array.Copy(xNew, x, dim);
            Array.Copy(gNew, g, dim);
            f = fNew;
            if (stalled) break;
        }
        return iteration;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double scale, double[] x, double[] target)
    {
        for (int i = 0; i < x.Length; i++) target[i] += scale * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (double v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
