using System;
using GradGen.Tests.Infrastructure;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// Test sources "Arrays_double" / "Arrays_float": [Differentiable] methods with array, span and matrix parameters
    /// (issue 3), compiled once per precision.
    /// </summary>
    public static class ArraySource
    {
        public const string Template = @"
namespace Arrays.Lib
{
    public static partial class Vec_real
    {
        // aᵀx, a constant
        [Differentiable]
        public static real DotConst([NoDerivative] real[] a, real[] x)
        {
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
                s += a[i] * x[i];
            return s;
        }

        // aᵀx, both differentiable
        [Differentiable]
        public static real Dot(real[] a, real[] x)
        {
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
                s += a[i] * x[i];
            return s;
        }

        // Σ (vᵢ² + c·vᵢ): foreach over a span
        [Differentiable]
        public static real SpanSum(ReadOnlySpan<real> v, real c)
        {
            real s = 0r;
            foreach (real e in v)
                s += e * e + c * e;
            return s;
        }

        // (Σ xᵢ³) / n: foreach over an array
        [Differentiable]
        public static real ForeachCubes(real[] x)
        {
            real s = 0r;
            foreach (var e in x)
                s += e * e * e;
            return s / x.Length;
        }

        // Σₖ x[idx[k]]²: an int[] index array (indices may repeat)
        [Differentiable]
        public static real Gather(real[] x, int[] idx)
        {
            real s = 0r;
            for (int k = 0; k < idx.Length; k++)
                s += x[idx[k]] * x[idx[k]];
            return s;
        }

        // d = aᵀx through a callee whose a is [NoDerivative]; 3d + d²
        [Differentiable]
        public static real CallsDotConst([NoDerivative] real[] a, real[] x)
        {
            real d = DotConst(a, x);
            return 3r * d + d * d;
        }

        // (aᵀx)(xᵀx): array parameters passed on to a differentiable callee (x twice)
        [Differentiable]
        public static real CallsDot(real[] a, real[] x) => Dot(a, x) * Dot(x, x);

        // 2·SpanSum(v, c): a span parameter passed on to a span parameter
        [Differentiable]
        public static real SpanToSpanCallee(ReadOnlySpan<real> v, real c) => 2r * SpanSum(v, c);

        // SpanSum(x, c): an array passed to a span parameter (implicit conversion)
        [Differentiable]
        public static real ArrayToSpanCallee(real[] x, real c) => SpanSum(x, c);

        // r = 2x in a local array, then Σ rᵢ² with foreach over the local
        [Differentiable]
        public static real ForeachLocal(real[] x)
        {
            real[] r = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                r[i] = 2r * x[i];
            real s = 0r;
            foreach (real e in r)
                s += e * e;
            return s;
        }
    }

    public static partial class Mat_real
    {
        // xᵀAx
        [Differentiable]
        public static real Quad(real[] x, real[,] A)
        {
            int n = x.Length;
            real s = 0r;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    s += x[i] * A[i, j] * x[j];
            return s;
        }

        // xᵀAy, A m×n
        [Differentiable]
        public static real Bilinear(real[] x, real[,] A, real[] y)
        {
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
            {
                real row = 0r;
                for (int j = 0; j < y.Length; j++)
                    row += A[i, j] * y[j];
                s += x[i] * row;
            }
            return s;
        }

        // aᵀXb
        [Differentiable]
        public static real Sandwich([NoDerivative] real[] a, real[,] X, [NoDerivative] real[] b)
        {
            real s = 0r;
            for (int i = 0; i < a.Length; i++)
                for (int j = 0; j < b.Length; j++)
                    s += a[i] * X[i, j] * b[j];
            return s;
        }

        // tr(XᵀX), through the local matrix G = XᵀX
        [Differentiable]
        public static real TraceGram(real[,] X)
        {
            int m = X.GetLength(0), n = X.GetLength(1);
            real[,] G = new real[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    for (int k = 0; k < m; k++)
                        G[i, j] += X[k, i] * X[k, j];
            real t = 0r;
            for (int i = 0; i < n; i++)
                t += G[i, i];
            return t;
        }

        // ⟨W, RᵀR⟩, RᵀR computed into a local matrix first
        [Differentiable]
        public static real GramInner([NoDerivative] real[,] W, real[,] R)
        {
            int n = W.GetLength(0), m = R.Length / n;
            real[,] G = new real[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    real g = 0r;
                    for (int k = 0; k < m; k++)
                        g += R[k, i] * R[k, j];
                    G[i, j] = g;
                }
            real s = 0r;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    s += W[i, j] * G[i, j];
            return s;
        }

        // ‖y − Φθ‖², the residual in a local array (written, then updated with -=)
        [Differentiable]
        public static real LeastSquares(real[] theta, [NoDerivative] real[,] Phi, [NoDerivative] real[] y)
        {
            int m = Phi.GetLength(0), p = Phi.GetLength(1);
            real[] r = new real[m];
            for (int i = 0; i < m; i++)
            {
                r[i] = y[i];
                for (int j = 0; j < p; j++)
                    r[i] -= Phi[i, j] * theta[j];
            }
            real s = 0r;
            for (int i = 0; i < m; i++)
                s += r[i] * r[i];
            return s;
        }

        // K-means: Σₙ ‖xₙ − μ_{assign[n]}‖², μ K×d
        [Differentiable]
        public static real KMeans(real[,] mu, [NoDerivative] real[,] data, int[] assign)
        {
            int count = data.GetLength(0), d = data.GetLength(1);
            real loss = 0r;
            for (int n = 0; n < count; n++)
            {
                int j = assign[n];
                for (int k = 0; k < d; k++)
                {
                    real diff = data[n, k] - mu[j, k];
                    loss += diff * diff;
                }
            }
            return loss;
        }

        // h ← tanh(w∘h + shift(h)), steps times; a new buffer each step; Σ (i+1)·hᵢ
        [Differentiable]
        public static real Recurrent(real[] w, real[] h0, int steps)
        {
            int n = h0.Length;
            real[] h = new real[n];
            for (int i = 0; i < n; i++)
                h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                real[] next = new real[n];
                for (int i = 0; i < n; i++)
                    next[i] = MathR.Tanh(w[i] * h[i] + h[(i + 1) % n]);
                for (int i = 0; i < n; i++)
                    h[i] = next[i];
            }
            real s = 0r;
            for (int i = 0; i < n; i++)
                s += (i + 1) * h[i];
            return s;
        }

        // the same recurrence, re-allocating h itself each step
        [Differentiable]
        public static real RecurrentRealloc(real[] w, real[] h0, int steps)
        {
            int n = h0.Length;
            real[] h = new real[n];
            for (int i = 0; i < n; i++)
                h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                real[] prev = new real[n];
                for (int i = 0; i < n; i++)
                    prev[i] = h[i];
                h = new real[n];
                for (int i = 0; i < n; i++)
                    h[i] = MathR.Tanh(w[i] * prev[i] + prev[(i + 1) % n]);
            }
            real s = 0r;
            for (int i = 0; i < n; i++)
                s += (i + 1) * h[i];
            return s;
        }

        // LeastSquares with the residual declared with var (nullable context: the local's type is double[]?)
        [Differentiable]
        public static real LeastSquaresVar(real[] theta, [NoDerivative] real[,] Phi, [NoDerivative] real[] y)
        {
            int m = Phi.GetLength(0), p = Phi.GetLength(1);
            var r = new real[m];
            for (int i = 0; i < m; i++)
            {
                r[i] = y[i];
                for (int j = 0; j < p; j++)
                    r[i] -= Phi[i, j] * theta[j];
            }
            real s = 0r;
            for (int i = 0; i < m; i++)
                s += r[i] * r[i];
            return s;
        }

        // h ← sin(w∘h) in place, steps times (the overwritten elements feed the next step)
        [Differentiable]
        public static real InPlace(real[] w, real[] h0, int steps)
        {
            int n = w.Length;
            real[] h = new real[n];
            for (int i = 0; i < n; i++)
                h[i] = h0[i];
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < n; i++)
                    h[i] = MathR.Sin(w[i] * h[i] + 0.5r);
            real s = 0r;
            for (int i = 0; i < n; i++)
                s += h[i] * h[i];
            return s;
        }

        // h ← w∘h² + h[0], through a new buffer that h then refers to (h = next)
        [Differentiable]
        public static real Alias(real[] w, real[] h0, int steps)
        {
            int n = w.Length;
            real[] h = new real[n];
            for (int i = 0; i < n; i++)
                h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                real[] next = new real[n];
                for (int i = 0; i < n; i++)
                    next[i] = w[i] * h[i] * h[i] + h[0];
                h = next;
            }
            real s = 0r;
            for (int i = 0; i < n; i++)
                s += (i + 1) * h[i];
            return s;
        }

        // uᵀAᵏu, the power kept in a local matrix re-allocated each step
        [Differentiable]
        public static real PowerForm(real[,] A, [NoDerivative] real[] u, int k)
        {
            int n = u.Length;
            real[,] P = new real[n, n];
            for (int i = 0; i < n; i++)
                P[i, i] = 1r;
            for (int step = 0; step < k; step++)
            {
                real[,] Q = new real[n, n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        for (int l = 0; l < n; l++)
                            Q[i, j] += A[i, l] * P[l, j];
                P = Q;
            }
            real s = 0r;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    s += u[i] * P[i, j] * u[j];
            return s;
        }
    }
}
";

        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Arrays_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Arrays_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string VecType = "Arrays.Lib.Vec_real";
        public const string MatType = "Arrays.Lib.Mat_real";
    }
}
