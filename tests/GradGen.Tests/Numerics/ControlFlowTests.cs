using System;
using System.Collections.Generic;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "ControlFlow_double" / "ControlFlow_float": for/while/do loops with integer counters and data-dependent trip counts, break,
    /// continue, return inside a loop, nested loops, switch statements; for double and float.
    /// </summary>
    public static class ControlFlowSource
    {
        public const string Template = @"
namespace Numerics.ControlFlow
{
    public static partial class Flow_real
    {
        // xⁿ by repeated multiplication
        [Differentiable]
        public static real PowerLoop(real x, int n)
        {
            real p = 1r;
            for (int i = 0; i < n; i++)
                p *= x;
            return p;
        }

        // Σ_{i=1..n} xⁱ / i; p is overwritten every iteration
        [Differentiable]
        public static real Series(real x, int n)
        {
            real acc = 0r;
            real p = x;
            for (int i = 1; i <= n; i++)
            {
                acc += p / i;
                p = p * x;
            }
            return acc;
        }

        // Horner with a counter going down: a·Σ_{i=0..n} i·xⁱ
        [Differentiable]
        public static real HornerDown(real x, real a, int n)
        {
            real r = 0r;
            for (int i = n; i >= 0; i--)
                r = r * x + a * i;
            return r;
        }

        // data-dependent trip count: n halvings until z ≤ 1e-3; f = x·n + z·x with z = y / 2ⁿ
        [Differentiable]
        public static real WhileHalving(real x, real y)
        {
            int n = 0;
            real z = y;
            while (z > 1e-3r)
            {
                z *= 0.5r;
                n++;
            }
            return x * n + z * x;
        }

        // y doubles until it passes 100 or the counter reaches the limit
        [Differentiable]
        public static real WhileMixed(real x, int limit)
        {
            real y = x;
            int n = 0;
            while (y < 100r && n < limit)
            {
                y = y * 2r + n;
                n++;
            }
            return y;
        }

        // Newton's iteration for √a, fixed count
        [Differentiable]
        public static real NewtonSqrtFixed(real a)
        {
            real x = a;
            for (int i = 0; i < 30; i++)
                x = 0.5r * (x + a / x);
            return x;
        }

        // Newton's iteration for √a, stopped by a data-dependent test
        [Differentiable]
        public static real NewtonSqrtUntil(real a)
        {
            real x = a > 1r ? a : 1r;
            for (int i = 0; i < 100; i++)
            {
                real next = 0.5r * (x + a / x);
                bool done = MathR.Abs(next - x) <= 1e-6r * next;
                x = next;
                if (done)
                    break;
            }
            return x;
        }

        // continue and break: for n ≥ 9, s = x⁴ + 2x³ + 4x² + 5x + 7
        [Differentiable]
        public static real BreakContinue(real x, int n)
        {
            real s = 0r;
            for (int i = 0; i < n; i++)
            {
                if (i % 3 == 0)
                    continue;
                if (i == 8)
                    break;
                s = s * x + i;
            }
            return s;
        }

        // return from inside the loop on a data-dependent condition
        [Differentiable]
        public static real ReturnInLoop(real x)
        {
            real s = x;
            for (int i = 0; i < 50; i++)
            {
                s = s * 1.5r + x;
                if (s > 10r)
                    return s * s;
            }
            return -s;
        }

        // nested loops; the inner trip count depends on the outer counter
        [Differentiable]
        public static real NestedLoops(real x, real y, int n, int m)
        {
            real s = 0r;
            for (int i = 0; i < n; i++)
            {
                real row = x;
                for (int j = 0; j < i + m; j++)
                    row = row * y + j;
                s += row * i;
            }
            return s;
        }

        // do/while with a data-dependent exit
        [Differentiable]
        public static real DoWhile(real x)
        {
            real y = x;
            int k = 0;
            do
            {
                y = y * y + 0.1r;
                k++;
            }
            while (y < 2r && k < 20);
            return y * k;
        }

        [Differentiable]
        public static real SwitchStatement(real x, int mode)
        {
            real r;
            switch (mode)
            {
                case 0:
                    r = x * x;
                    break;
                case 1:
                case 2:
                    r = x * mode;
                    break;
                case 3:
                {
                    real t = x + 1r;
                    r = t * t * t;
                    break;
                }
                default:
                    r = -x;
                    break;
            }
            return r + x;
        }

        [Differentiable]
        public static real SwitchReturns(real x, int k)
        {
            switch (k)
            {
                case 0:
                    return x;
                case 1:
                    return x * x;
                case 2:
                    if (x > 0r)
                        return x * x * x;
                    return -x;
            }
            return 0r;
        }

        // break inside a switch leaves the switch only; continue goes to the next iteration
        [Differentiable]
        public static real SwitchInLoop(real x, int n)
        {
            real s = 0r;
            for (int i = 0; i < n; i++)
            {
                switch (i % 3)
                {
                    case 0:
                        s += x;
                        break;
                    case 1:
                        s *= x;
                        continue;
                    default:
                        s -= 1r;
                        break;
                }
                s = s * 0.5r;
            }
            return s;
        }
    }
}
";

        /// <summary>The source compiled for one precision.</summary>
        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "ControlFlow_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "ControlFlow_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string FlowType = "Numerics.ControlFlow.Flow_real";
    }

    public abstract class ControlFlowTests : PrecisionTestBase
    {
        protected ControlFlowTests(Precision precision)
            : base(ControlFlowSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<double[], double[]>? closedForm, Tolerance? tolerance = null) =>
            DerivativeCheck.GradientOfScalars(Fn(ControlFlowSource.FlowType, method), points, closedForm, tolerance);

        [Fact]
        public void ForLoopPower() => Check("PowerLoop",
            Points(P(0.7, 5), P(-1.3, 3), P(2.0, 0), P(-2.0, 4)),
            a => new[] { a[1] == 0 ? 0 : a[1] * Math.Pow(a[0], a[1] - 1) });

        [Fact]
        public void ForLoopOverwritingLocal() => Check("Series",
            Points(P(0.6, 6), P(-0.8, 4), P(0.5, 1)),
            a =>
            {
                double d = 0;
                for (int i = 1; i <= (int)a[1]; i++)
                {
                    d += Math.Pow(a[0], i - 1);
                }

                return new[] { d };
            });

        [Fact]
        public void ForLoopCountingDown() => Check("HornerDown",
            Points(P(0.6, 1.5, 4), P(-1.2, -0.5, 3)),
            a =>
            {
                double x = a[0], c = a[1], dx = 0, dc = 0;
                for (int i = 0; i <= (int)a[2]; i++)
                {
                    dc += i * Math.Pow(x, i);
                    if (i > 0)
                    {
                        dx += c * i * i * Math.Pow(x, i - 1);
                    }
                }

                return new[] { dx, dc };
            });

        [Fact]
        public void WhileWithDataDependentTripCount() => Check("WhileHalving",
            Points(P(0.7, 0.37), P(-1.5, 3.3), P(2.0, 0.0005)),
            a =>
            {
                double x = a[0], z = a[1];
                int n = 0;
                while (z > 1e-3)
                {
                    z *= 0.5;
                    n++;
                }

                return new[] { n + z, x / Math.Pow(2, n) };
            });

        [Fact]
        public void WhileWithActiveAndCounterCondition() => Check("WhileMixed",
            Points(P(0.7, 50), P(0.7, 3), P(-2.0, 10)),
            a =>
            {
                double y = a[0];
                int n = 0;
                while (y < 100 && n < (int)a[1])
                {
                    y = y * 2 + n;
                    n++;
                }

                return new[] { Math.Pow(2, n) };
            });

        [Fact]
        public void NewtonSqrtFixedIterations() => Check("NewtonSqrtFixed",
            Points(P(2.0), P(0.3), P(50.0)),
            a => new[] { 0.5 / Math.Sqrt(a[0]) },
            IsFloat ? Tolerance.Float : new Tolerance(1e-8, 1e-10));

        [Fact]
        public void NewtonSqrtWithBreak() => Check("NewtonSqrtUntil",
            Points(P(2.0), P(0.3), P(50.0)),
            a => new[] { 0.5 / Math.Sqrt(a[0]) },
            IsFloat ? Tolerance.Float : new Tolerance(1e-5, 1e-7));

        [Fact]
        public void BreakAndContinue() => Check("BreakContinue",
            Points(P(0.7, 20), P(-1.3, 20), P(0.7, 5), P(1.1, 0)),
            a =>
            {
                double x = a[0];
                int n = (int)a[1];
                if (n >= 9) return new[] { 4 * x * x * x + 6 * x * x + 8 * x + 5 };
                if (n == 5) return new[] { 2 * x + 2 };
                if (n == 0) return new[] { 0.0 };
                throw new InvalidOperationException("TEST BUG: no closed form for n = " + n);
            });

        [Fact]
        public void ReturnInsideLoop() => Check("ReturnInLoop",
            Points(P(0.3), P(1.0), P(-0.2)),
            a =>
            {
                // s_k = c_k·x with c_0 = 1, c_{k+1} = 1.5·c_k + 1.
                double x = a[0], c = 1;
                for (int i = 0; i < 50; i++)
                {
                    c = 1.5 * c + 1;
                    if (c * x > 10)
                    {
                        return new[] { 2 * c * c * x };
                    }
                }

                return new[] { -c };
            });

        [Fact]
        public void NestedLoops() => Check("NestedLoops",
            Points(P(0.7, -0.9, 4, 2), P(1.3, 0.6, 3, 1), P(0.5, 1.1, 0, 3)),
            a =>
            {
                // row_i = x·y^k + Σ_{j<k} j·y^(k−1−j) with k = i + m; s = Σ_i i·row_i.
                double x = a[0], y = a[1], dx = 0, dy = 0;
                int n = (int)a[2], m = (int)a[3];
                for (int i = 0; i < n; i++)
                {
                    int k = i + m;
                    double rowDx = Math.Pow(y, k);
                    double rowDy = k > 0 ? k * x * Math.Pow(y, k - 1) : 0;
                    for (int j = 0; j < k; j++)
                    {
                        int p = k - 1 - j;
                        if (p > 0)
                        {
                            rowDy += j * p * Math.Pow(y, p - 1);
                        }
                    }

                    dx += i * rowDx;
                    dy += i * rowDy;
                }

                return new[] { dx, dy };
            });

        [Fact]
        public void DoWhileLoop() => Check("DoWhile",
            Points(P(1.2), P(1.0), P(0.5)),
            a =>
            {
                // y_{k+1} = y_k² + 0.1, dy_{k+1} = 2·y_k·dy_k; f = y·k.
                double y = a[0], dy = 1;
                int k = 0;
                do
                {
                    dy = 2 * y * dy;
                    y = y * y + 0.1;
                    k++;
                }
                while (y < 2 && k < 20);
                return new[] { dy * k };
            });

        [Fact]
        public void SwitchOnIntParameter() => Check("SwitchStatement",
            Points(P(0.7, 0), P(0.7, 1), P(-1.3, 2), P(0.4, 3), P(0.7, 7), P(0.7, -1)),
            a =>
            {
                double x = a[0];
                switch ((int)a[1])
                {
                    case 0: return new[] { 2 * x + 1 };
                    case 1:
                    case 2: return new[] { a[1] + 1 };
                    case 3: return new[] { 3 * (x + 1) * (x + 1) + 1 };
                    default: return new[] { 0.0 };
                }
            });

        [Fact]
        public void SwitchWithReturns() => Check("SwitchReturns",
            Points(P(0.7, 0), P(0.7, 1), P(0.7, 2), P(-0.7, 2), P(0.7, 5)),
            a =>
            {
                double x = a[0];
                switch ((int)a[1])
                {
                    case 0: return new[] { 1.0 };
                    case 1: return new[] { 2 * x };
                    case 2: return new[] { x > 0 ? 3 * x * x : -1.0 };
                    default: return new[] { 0.0 };
                }
            });

        [Fact]
        public void SwitchInsideLoopWithBreakAndContinue() => Check("SwitchInLoop",
            Points(P(0.7, 7), P(-1.4, 5), P(1.1, 1)),
            a =>
            {
                double x = a[0], s = 0, ds = 0;
                for (int i = 0; i < (int)a[1]; i++)
                {
                    switch (i % 3)
                    {
                        case 0:
                            s += x;
                            ds += 1;
                            break;
                        case 1:
                            ds = ds * x + s;
                            s *= x;
                            continue;
                        default:
                            s -= 1;
                            break;
                    }

                    s *= 0.5;
                    ds *= 0.5;
                }

                return new[] { ds };
            });
    }

    public sealed class ControlFlowTests_Double : ControlFlowTests
    {
        public ControlFlowTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class ControlFlowTests_Float : ControlFlowTests
    {
        public ControlFlowTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
