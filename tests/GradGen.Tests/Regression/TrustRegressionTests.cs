using System;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Regression
{
    /// <summary>
    /// Wrong derivatives found by trying GradGen as a user would and by the differential fuzzer (the trust issue):
    /// each method here once gave a wrong value or gradient with no diagnostic. Checked against closed forms, central
    /// finite differences and forward/reverse agreement (<see cref="DerivativeCheck"/>).
    /// </summary>
    public sealed class TrustRegressionTests
    {
        private const string Source = @"
using System;
using GradGen;

namespace Trust
{
    public static partial class Other
    {
        [Differentiable] public static (double A, double B) G(double t) => (t * t, 3 * t);
        [Differentiable] public static (double A, double B, double C) H(double t) => (t * t, 3 * t, Math.Sin(t));
        [Differentiable] public static (double A, double B) K(double t) => (Math.Sin(t), t);
    }

    public static partial class Caller
    {
        // (double)(float)x: the adjoint (and the tangent) went through float, losing half its digits, and became
        // -Infinity beyond 3.4e38 where the derivative is finite (the differential fuzzer, seed 20261208).
        [Differentiable] public static double ThroughFloat(double x)
        {
            double y = (float)x;
            return y * y * y * 1e30;
        }

        // The second pullback's adjoints were reset as dead: the reads inside a tuple value were not seen.
        [Differentiable] public static double SameCallTwice(double x, double y)
        {
            var (u, w) = Other.G(x);
            (u, w) = Other.G(y);
            return u + w;
        }

        [Differentiable] public static double TupleLocalReassigned(double x, double y)
        {
            var t = Other.G(x);
            double first = t.A;
            t = Other.G(y);
            return first * t.A + t.B;
        }

        [Differentiable] public static double ThirdOverEarlier(double x, double y)
        {
            var t = Other.H(x);
            double c = t.C;
            t = Other.H(y * c);
            return t.C + t.A;
        }

        [Differentiable] public static double TwoCalleesIntoTheSameVariables(double x, double y)
        {
            var (u, w) = Other.G(x);
            (u, w) = Other.K(y);
            return u * w;
        }

        // Recursive, so called rather than inlined although of this type.
        [Differentiable] public static (double A, double B) Rec(double t, int depth)
        {
            if (depth <= 0) return (t * t, 3 * t);
            var (a, b) = Rec(t, depth - 1);
            return (a, b);
        }

        [Differentiable] public static double SameTypeCalleeNotInlined(double x, double y)
        {
            var (u, w) = Rec(x, 2);
            (u, w) = Rec(y, 1);
            return u + w;
        }

        // A return inside a loop whose partial reads the returned value: the value came back as 0.
        [Differentiable] public static double ReturnInLoop(double x, double z)
        {
            for (int i = 0; i < 3; i++) { if (x > 0.3) return z / (2.0 + x); }
            return x;
        }

        [Differentiable] public static double ReturnExpInLoop(double x, double z)
        {
            for (int i = 0; i < 3; i++) { if (i == 1) return Math.Exp(x); }
            return x;
        }

        // An element overwritten at an index that reads the array itself was restored at the wrong element.
        [Differentiable] public static double SelfIndexedOverwrite(double y)
        {
            var q = new double[3];
            double v = y * q[2];
            q[q[2] < 0.9 ? 2 : 0] = 2.0;
            return v;
        }

        [Differentiable] public static double SelfIndexedOverwriteInLoop(double y)
        {
            var q = new double[3];
            q[1] = y;
            double s = 0;
            for (int k = 0; k < 3; k++)
            {
                s += y * q[2] + q[1] * q[1];
                q[q[2] < 0.9 ? 2 : 0] = 2.0 + y;
            }
            return s;
        }

        // The adjoint of |v| called Math.Sign(v), which throws on NaN where the primal |NaN| does not.
        [Differentiable] public static double AbsOfNaN(double x)
        {
            double a = Math.Abs(Math.Sqrt(-1.0 - x * x) * x);
            return a > 1 ? a : x * x;
        }

        [Differentiable] public static double Head(double[] q) => q[2];

        // The index reads the array through an inlined callee.
        [Differentiable] public static double SelfIndexedThroughCallee(double y)
        {
            var q = new double[3];
            double v = y * q[2];
            q[Head(q) < 0.9 ? 2 : 0] = 2.0;
            return v * Head(q);
        }

        [Differentiable] public static (double A, double B) Pair(double t) => (t * t, Math.Sin(t));

        // An element of a tuple-valued call in a condition or a branch: of another type (called) and of this one (inlined).
        [Differentiable] public static double TupleElementInBranch(double x) => x > 0.5 ? Other.G(x).B : x;

        [Differentiable] public static double TupleElementInCondition(double x)
        {
            if (Other.G(x).A > 0.5) return Other.G(x).B * x;
            return x * x * x;
        }

        [Differentiable] public static double InlinedTupleElementInBranch(double x, double y)
        {
            double s = y;
            while (Pair(s).A < 4.0) s = s > 0 ? Pair(s).B + s * x + 1.0 : x * x + 1.0;
            return s;
        }
    }

    // Generated parts of these once read 'partial readonly struct', which does not compile.
    public readonly partial struct ReadOnlyHolder
    {
        [Differentiable] public static double Square(double x) => x * x;

        [Differentiable] public double Cube(double x) => x * x * x;
    }

    public ref partial struct RefHolder
    {
        [Differentiable] public static double Sine(double x) => Math.Sin(x);
    }

    public readonly ref partial struct ReadOnlyRefHolder
    {
        [Differentiable] public static double Exp(double x) => Math.Exp(x);
    }

    // Reflection cannot call into a ref struct: these call its generated derivatives.
    public static partial class RefCallers
    {
        [Differentiable] public static double Sine(double x) => RefHolder.Sine(x);

        [Differentiable] public static double Exp(double x) => ReadOnlyRefHolder.Exp(x);
    }

    public readonly partial record struct ReadOnlyRecordHolder(double Scale)
    {
        [Differentiable] public static double Tanh(double x) => Math.Tanh(x);

        [Differentiable] public double Scaled(double x) => Scale * x * x;
    }

    public static partial class Second
    {
        // The Jacobian and the Hessian run the same sweeps: a return inside a loop, an element restored by a self-read index.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static (double, double) SelfIndexedPair(double y)
        {
            var q = new double[3];
            q[1] = y;
            double v = y * q[2] + q[1];
            q[q[2] < 0.9 ? 2 : 0] = 2.0 + y;
            return (v, y * q[2]);
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double ReturnInLoopHessian(double x, double z)
        {
            double s = x;
            for (int i = 0; i < 4; i++)
            {
                s = s * z + x;
                if (s > 2.0) return s * s * x;
            }
            return s * z;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Loaded =
            new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Source, "TrustRegression"));

        private static DiffFunction Fn(string name) => new DiffFunction(Loaded.Value, Loaded.Value.GetType("Trust.Caller"), name);

        [Fact]
        public void TupleCallTwice_OverwritesEarlierResult() => DerivativeCheck.GradientOfScalars(Fn("SameCallTwice"),
            Points(new object?[] { 1.1, 0.7 }, new object?[] { -0.4, 2.0 }),
            a => new[] { 0.0, 2 * a[1] + 3 });

        [Fact]
        public void TupleLocalReassigned() => DerivativeCheck.GradientOfScalars(Fn("TupleLocalReassigned"),
            Points(new object?[] { 1.1, 0.7 }, new object?[] { -0.4, 2.0 }),
            a => new[] { 2 * a[0] * a[1] * a[1], a[0] * a[0] * 2 * a[1] + 3 });

        [Fact]
        public void TupleThirdElementOverEarlierResult() => DerivativeCheck.GradientOfScalars(Fn("ThirdOverEarlier"),
            Points(new object?[] { 1.1, 0.7 }, new object?[] { -0.4, 2.0 }),
            a =>
            {
                double x = a[0], y = a[1], c = Math.Sin(x), u = y * c;
                double dOut = Math.Cos(u) + 2 * u;
                return new[] { dOut * y * Math.Cos(x), dOut * c };
            });

        [Fact]
        public void TwoCalleesIntoTheSameVariables() => DerivativeCheck.GradientOfScalars(Fn("TwoCalleesIntoTheSameVariables"),
            Points(new object?[] { 1.1, 0.7 }, new object?[] { -0.4, 2.0 }),
            a => new[] { 0.0, Math.Sin(a[1]) + a[1] * Math.Cos(a[1]) });

        [Fact]
        public void SameTypeCalleeNotInlined() => DerivativeCheck.GradientOfScalars(Fn("SameTypeCalleeNotInlined"),
            Points(new object?[] { 1.1, 0.7 }, new object?[] { -0.4, 2.0 }),
            a => new[] { 0.0, 2 * a[1] + 3 });

        [Fact]
        public void ReturnInsideLoop_ReturnsTheValue() => DerivativeCheck.GradientOfScalars(Fn("ReturnInLoop"),
            Points(new object?[] { 0.8, 0.2 }, new object?[] { 0.1, 0.2 }, new object?[] { 1.7, -0.6 }),
            a => a[0] > 0.3
                ? new[] { -a[1] / ((2 + a[0]) * (2 + a[0])), 1 / (2 + a[0]) }
                : new[] { 1.0, 0.0 });

        [Fact]
        public void ReturnOfExpInsideLoop_ReturnsTheValue() => DerivativeCheck.GradientOfScalars(Fn("ReturnExpInLoop"),
            Points(new object?[] { 0.8, 0.2 }, new object?[] { -1.1, 1.5 }),
            a => new[] { Math.Exp(a[0]), 0.0 });

        [Fact]
        public void SelfIndexedOverwrite_RestoresTheRightElement() => DerivativeCheck.GradientOfScalars(Fn("SelfIndexedOverwrite"),
            Points(new object?[] { 0.7 }, new object?[] { -1.3 }),
            a => new[] { 0.0 });

        [Fact]
        public void SelfIndexedOverwriteInLoop_RestoresTheRightElement() => DerivativeCheck.GradientOfScalars(Fn("SelfIndexedOverwriteInLoop"),
            Points(new object?[] { 0.7 }, new object?[] { -1.3 }),
            a =>
            {
                // The loop differentiated by hand: each element's derivative follows the element.
                double y = a[0], q0 = 0, q1 = y, q2 = 0, s = 0, ds = 0, dq0 = 0, dq2 = 0;
                const double dq1 = 1;
                for (int k = 0; k < 3; k++)
                {
                    s += y * q2 + q1 * q1;
                    ds += q2 + y * dq2 + 2 * q1 * dq1;
                    if (q2 < 0.9) { q2 = 2 + y; dq2 = 1; } else { q0 = 2 + y; dq0 = 1; }
                }

                GC.KeepAlive(q0 + dq0);
                return new[] { ds };
            });

        [Fact]
        public void TupleElementInConditional() => DerivativeCheck.GradientOfScalars(Fn("TupleElementInBranch"),
            Points(new object?[] { 0.7 }, new object?[] { 0.2 }),
            a => new[] { a[0] > 0.5 ? 3.0 : 1.0 });

        [Fact]
        public void TupleElementInIfCondition() => DerivativeCheck.GradientOfScalars(Fn("TupleElementInCondition"),
            Points(new object?[] { 0.9 }, new object?[] { 0.3 }),
            a => new[] { a[0] * a[0] > 0.5 ? 6 * a[0] : 3 * a[0] * a[0] });

        [Theory]
        [InlineData(0.1)]
        [InlineData(12345.5)]
        [InlineData(-33333.3)]
        public void ConversionThroughFloat_KeepsDerivativesInDouble(double x)
        {
            // d/dx (float)x³·1e30 = 3·((float)x)²·1e30: the conversion's derivative is 1 (FD cannot see it: the
            // function is constant between floats). 12345.5 and -33333.3 give derivatives beyond float's range.
            double y = (float)x;
            double expected = 3 * y * y * 1e30;
            var f = Fn("ThroughFloat");
            var args = new object?[] { x, null };
            f.Type.GetMethod("ThroughFloatGradient")!.Invoke(null, args);
            Assert.True(Math.Abs((double)args[1]! - expected) <= 1e-14 * Math.Abs(expected), "reverse: " + args[1] + ", expected " + expected);
            var tangent = f.Forward(new object?[] { x }, new[] { 1.0 }).Tangent[0];
            Assert.True(Math.Abs(tangent - expected) <= 1e-14 * Math.Abs(expected), "forward: " + tangent + ", expected " + expected);
        }

        [Fact]
        public void AbsOfNaNDoesNotThrow()
        {
            // Only that it runs like the primal: the partials of the NaN branch are NaN, and the backward sweep adds
            // them times a zero adjoint (0·NaN = NaN), as most reverse-mode tools do without a "strong zero".
            var f = Fn("AbsOfNaN");
            var gradient = f.Type.GetMethod("AbsOfNaNGradient")!;
            var args = new object?[] { 0.7, null };
            Assert.Equal(0.7 * 0.7, (double)gradient.Invoke(null, args)!);
            Assert.Equal(2 * 0.7, f.Forward(new object?[] { 0.7 }, new[] { 1.0 }).Tangent[0], 12);
        }

        [Fact]
        public void SelfIndexedOverwriteThroughInlinedCallee() => DerivativeCheck.GradientOfScalars(Fn("SelfIndexedThroughCallee"),
            Points(new object?[] { 0.7 }, new object?[] { -1.3 }),
            a => new[] { 0.0 });

        [Fact]
        public void InlinedTupleElementInLoopConditionAndBranch() => DerivativeCheck.GradientOfScalars(Fn("InlinedTupleElementInBranch"),
            Points(new object?[] { 0.7, 0.4 }, new object?[] { 1.2, -0.8 }, new object?[] { 0.3, 2.5 }));

        [Theory]
        [InlineData("ReadOnlyHolder", "Square")]
        [InlineData("ReadOnlyHolder", "Cube")]
        [InlineData("RefCallers", "Sine")]
        [InlineData("RefCallers", "Exp")]
        [InlineData("ReadOnlyRecordHolder", "Tanh")]
        [InlineData("ReadOnlyRecordHolder", "Scaled")]
        public void MethodsOfReadOnlyAndRefStructs(string type, string method)
        {
            Assert.DoesNotContain(GeneratorHarness.Analyze(Source), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
            Func<double, double> derivative = method switch
            {
                "Square" => x => 2 * x,
                "Cube" => x => 3 * x * x,
                "Sine" => Math.Cos,
                "Exp" => Math.Exp,
                "Tanh" => x => 1 - Math.Tanh(x) * Math.Tanh(x),
                _ => x => 3 * x, // Scaled, on an instance of Scale 1.5
            };
            var declaring = Loaded.Value.GetType("Trust." + type);
            var target = method == "Scaled" ? Activator.CreateInstance(declaring, 1.5) : null;
            DerivativeCheck.GradientOfScalars(new DiffFunction(Loaded.Value, declaring, method, target),
                Points(new object?[] { 0.7 }, new object?[] { -1.3 }), a => new[] { derivative(a[0]) });
        }

        private static DiffFunction Second(string name) => new DiffFunction(Loaded.Value, Loaded.Value.GetType("Trust.Second"), name);

        [Fact]
        public void SelfIndexedOverwrite_Jacobian() => DerivativeCheck.Jacobian(Second("SelfIndexedPair"),
            Points(new object?[] { 0.7 }, new object?[] { -1.3 }),
            a =>
            {
                double y = (double)a[0]!;
                var j = new double[2, 1];
                j[0, 0] = 1;
                j[1, 0] = 2 + 2 * y;
                return j;
            });

        [Fact]
        public void ReturnInsideLoop_Hessian() => DerivativeCheck.Hessian(Second("ReturnInLoopHessian"),
            Points(new object?[] { 0.9, 1.1 }, new object?[] { 0.2, 0.5 }, new object?[] { 1.5, 0.3 }));
    }
}
