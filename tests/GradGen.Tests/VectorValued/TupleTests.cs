using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Vector-valued methods and tuple-valued code (see <see cref="TupleSource"/>): FForward/FReverse of tuple and array
    /// results against closed-form Jacobians, central finite differences and forward/reverse agreement
    /// (<see cref="DerivativeCheck.Jacobian"/>), for double and float.
    /// </summary>
    public abstract class TupleTests : PrecisionTestBase
    {
        protected TupleTests(Precision precision)
            : base(TupleSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<object?[], double[,]>? closedForm) =>
            DerivativeCheck.Jacobian(Fn(TupleSource.TupType, method), points, closedForm);

        private static double D(object? a) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture);

        private static double[,] PolarJ(double r, double t) => M(
            new[] { Math.Cos(t), -r * Math.Sin(t) },
            new[] { Math.Sin(t), r * Math.Cos(t) });

        // ----- tuple literals ---------------------------------------------------------------------------------------

        [Fact]
        public void NamedTupleLiteral() => Check("Literal",
            Points(P(0.7, -1.3), P(-2.1, 0.4), P(0.0, 0.0)),
            a => M(new[] { 2 * D(a[0]), 1.0 }, new[] { Math.Cos(D(a[0])), 0.0 }));

        [Fact]
        public void UnnamedThreeElements() => Check("Unnamed",
            Points(P(0.7, -1.3), P(1.5, 0.25)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), e = Math.Exp(x - y);
                return M(new[] { y, x }, new[] { 1 / y, -x / (y * y) }, new[] { e, -e });
            });

        [Fact]
        public void SevenElements() => Check("Seven",
            Points(P(0.7, -1.3), P(-0.5, 0.75)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), c = Math.Cos(x * y);
                return M(new[] { 1.0, 0 }, new[] { 0.0, 1 }, new[] { y, x }, new[] { 2 * x, 0 }, new[] { 0, 2 * y },
                    new[] { y * c, x * c }, new[] { 1.0, -2 });
            });

        // ----- tuple locals -------------------------------------------------------------------------------------------

        [Fact]
        public void TupleLocalsByItemAndName() => Check("TupleLocal",
            Points(P(0.7, -1.3), P(-1.1, 0.6)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]);
                return M(
                    new[] { Math.Cos(x) - (x + y) * Math.Sin(x) + 1, Math.Cos(x) + 1 },
                    new[] { y * y * y, 3 * x * y * y - 4 * y * y * y });
            });

        // ----- deconstruction --------------------------------------------------------------------------------------------

        [Fact]
        public void TupleValuedCallee() => Check("Polar",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a => PolarJ(D(a[0]), D(a[1])));

        [Fact]
        public void DeconstructionOfACall() => Check("Deconstruct",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]);
                return M(
                    new[] { r * Math.Sin(2 * t), r * r * Math.Cos(2 * t) },
                    new[] { Math.Cos(t) + Math.Sin(t), r * (Math.Cos(t) - Math.Sin(t)) });
            });

        [Fact]
        public void DeconstructionIntoExistingLocalsAndSwap() => Check("DeconstructExisting",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]), s = Math.Sin(t), c = Math.Cos(t);
                return M(new[] { 2 * s, 2 * r * c }, new[] { c - s, -r * s - r * c });
            });

        [Fact]
        public void SwapInLoop() => Check("SwapLoop",
            Points(P(0.7, -1.3, 0), P(0.7, -1.3, 1), P(-0.4, 1.1, 5)),
            a =>
            {
                var step = M(new[] { 1.0, 1.5 }, new[] { 1.0, 0.0 });
                var j = M(new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 });
                for (int i = 0; i < (int)D(a[2]); i++)
                {
                    j = MatMul(step, j);
                }

                return j;
            });

        [Fact]
        public void SwapWithProductsInBranchesOfALoop() => Check("SwapBranch",
            Points(P(0.7, -1.3, 0), P(0.7, -1.3, 1), P(0.9, 1.1, 4), P(-0.6, 0.8, 5)),
            a =>
            {
                // (u, v) and their gradients with respect to (x, y), by hand.
                double u = D(a[0]), v = D(a[1]);
                double[] du = { 1, 0 }, dv = { 0, 1 };
                for (int i = 0; i < (int)D(a[2]); i++)
                {
                    if (i % 2 == 0)
                    {
                        var dvNew = new[] { v * du[0] + u * dv[0], v * du[1] + u * dv[1] };
                        (u, v, du, dv) = (v, u * v, dv, dvNew);
                    }
                    else
                    {
                        var duNew = new[] { du[0] + dv[0], du[1] + dv[1] };
                        (u, v, du, dv) = (v + u, u, duNew, du);
                    }
                }

                return M(du, dv);
            });

        [Fact]
        public void Discards() => Check("Discard",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]);
                return M(
                    new[] { t * Math.Cos(t) * (Math.Sin(r) + r * Math.Cos(r)), r * Math.Sin(r) * (Math.Cos(t) - t * Math.Sin(t)) },
                    new[] { Math.Cos(t) - t * Math.Cos(r), -r * Math.Sin(t) - Math.Sin(r) });
            });

        [Fact]
        public void ElementOfACallByItemAndByName() => Check("ElementOfCall",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]);
                return M(new[] { t * Math.Sin(t) * (Math.Cos(r) - r * Math.Sin(r)), r * Math.Cos(r) * (Math.Sin(t) + t * Math.Cos(t)) });
            });

        [Fact]
        public void ReturnOfATupleValuedCall() => Check("ReturnCall",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]), big = r * r, T = t + r;
                return M(
                    new[] { 2 * r * Math.Cos(T) - big * Math.Sin(T), -big * Math.Sin(T) },
                    new[] { 2 * r * Math.Sin(T) + big * Math.Cos(T), big * Math.Cos(T) });
            });

        [Fact]
        public void TupleLocalReassignedFromACallThatReadsIt() => Check("LocalFromCall",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]);
                double p = r * Math.Cos(t) + 1, q = r * Math.Sin(t);
                return MatMul(PolarJ(p, q), PolarJ(r, t));
            });

        [Fact]
        public void ThreeInputsTwoOutputs() => Check("Step",
            Points(P(0.7, -1.3, 0.1), P(2.0, 0.5, -0.25)),
            a =>
            {
                double q = D(a[0]), p = D(a[1]), h = D(a[2]);
                return M(new[] { 1, h, p }, new[] { -h * Math.Cos(q), 1, -Math.Sin(q) });
            });

        [Fact]
        public void TupleValuedCallInALoop() => Check("Integrate",
            Points(P(0.7, -1.3, 0), P(0.7, -1.3, 1), P(1.2, 0.4, 8)),
            a =>
            {
                double q = D(a[0]), p = D(a[1]), h = IsFloat ? (double)0.1f : 0.1;
                var j = M(new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 });
                for (int i = 0; i < (int)D(a[2]); i++)
                {
                    j = MatMul(M(new[] { 1, h }, new[] { -h * Math.Cos(q), 1 }), j);
                    (q, p) = (q + h * p, p - h * Math.Sin(q));
                }

                return j;
            });

        [Fact]
        public void EarlyReturnAndDeconstructionInBranches() => Check("Branches",
            Points(P(1.2, 0.3), P(0.4, 0.9), P(-0.5, 0.7)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]);
                if (x > y)
                {
                    return M(new[] { y, x }, new[] { 1.0, -1 });
                }

                if (x > 0)
                {
                    double c = Math.Cos(y), s = Math.Sin(y);
                    return M(new[] { 2 * x * c * c, -2 * x * x * c * s }, new[] { s, x * c });
                }
                else
                {
                    double c = Math.Cos(x), s = Math.Sin(x);
                    return M(new[] { -2 * y * y * c * s, 2 * y * c * c }, new[] { y * c, s });
                }
            });

        [Fact]
        public void ScalarResultThroughTuples() => Check("ScalarWithTuples",
            Points(P(0.7, -1.3), P(-1.1, 0.6)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), c = Math.Cos(y), s = Math.Sin(y);
                return M(new[]
                {
                    2 * x * s * c + (3 * x * x + y) * (c + s),
                    x * x * (c * c - s * s) + x * (c + s) + (x * x * x + x * y) * (c - s),
                });
            });

        // ----- arrays ---------------------------------------------------------------------------------------------------

        [Fact]
        public void ArrayResult() => Check("Squares",
            Points(P(Vec(1, 4)), P(Vec(2, 1)), P(new double[0])),
            a => Diagonal(((double[])a[0]!).Select(x => 2 * x).ToArray()));

        [Fact]
        public void ArrayValuedCallIntoALocalAndIndexed() => Check("UsesArrayCall",
            Points(P(Vec(3, 4)), P(Vec(4, 2))),
            a =>
            {
                var x = (double[])a[0]!;
                var g = x.Select(e => 3 * e * e).ToArray();
                g[0] += 2 * x[0];
                return M(g);
            });

        [Fact]
        public void ArrayLocalReassignedFromCallsInALoop() => Check("RepeatedSquares",
            Points(P(Vec(5, 3), 1), P(Vec(6, 3), 3)),
            a =>
            {
                int p = 1 << (int)D(a[1]);
                return Diagonal(((double[])a[0]!).Select(x => p * Math.Pow(x, p - 1)).ToArray());
            });

        [Fact]
        public void ArrayOverwrittenThroughArrayCallsInALoop() => Check("Iterate",
            Points(P(Vec(7, 3), 0), P(Vec(8, 3), 1), P(Vec(9, 4), 3)),
            a =>
            {
                var y = (double[])((double[])a[0]!).Clone();
                var d = y.Select(_ => 1.0).ToArray();
                for (int k = 0; k < (int)D(a[1]); k++)
                {
                    for (int i = 0; i < y.Length; i++)
                    {
                        d[i] *= y[i] + Math.Cos(y[i]);
                        y[i] = 0.5 * y[i] * y[i] + Math.Sin(y[i]);
                    }
                }

                return Diagonal(d);
            });

        [Fact]
        public void TupleCallsInALoopIntoAnArrayResult() => Check("Rotations",
            Points(P(Vec(10, 3), 1.25), P(Vec(11, 1), -0.5)),
            a =>
            {
                var angles = (double[])a[0]!;
                double r = D(a[1]);
                int k = angles.Length;
                return Build(2 * k, k + 1, (row, col) =>
                {
                    int i = row / 2;
                    double ai = angles[i];
                    if (col == k)
                    {
                        return row % 2 == 0 ? Math.Cos(ai) : Math.Sin(ai) * ai;
                    }

                    if (col != i)
                    {
                        return 0;
                    }

                    return row % 2 == 0 ? -r * Math.Sin(ai) : r * (Math.Cos(ai) * ai + Math.Sin(ai));
                });
            });

        [Fact]
        public void DeconstructionIntoArrayElements() => Check("DeconstructIntoElements",
            Points(P(Vec(16, 3), 1.25), P(Vec(17, 1), -0.5)),
            a =>
            {
                var angles = (double[])a[0]!;
                double r = D(a[1]);
                int k = angles.Length;
                return Build(2 * k, k + 1, (row, col) =>
                {
                    int i = row / 2;
                    double ai = angles[i];
                    if (col == k)
                    {
                        return row % 2 == 0 ? Math.Sin(ai) - ai * Math.Sin(r) : ai * Math.Cos(ai);
                    }

                    if (col != i)
                    {
                        return 0;
                    }

                    return row % 2 == 0 ? r * Math.Cos(ai) + Math.Cos(r) : r * (Math.Cos(ai) - ai * Math.Sin(ai));
                });
            });

        [Fact]
        public void TupleResultOfAnArray() => Check("Moments",
            Points(P(Vec(12, 5)), P(Vec(13, 1)), P(new double[0])),
            a =>
            {
                var x = (double[])a[0]!;
                return Build(2, x.Length, (i, j) => i == 0 ? 1 : 2 * x[j]);
            });

        private static double[,] Diagonal(double[] d) => Build(d.Length, d.Length, (i, j) => i == j ? d[i] : 0);

        // ----- signatures ---------------------------------------------------------------------------------------------

        [Fact]
        public void TupleSignaturesKeepElementNamesAndHaveNoGradient()
        {
            var type = Type(TupleSource.TupType);
            string real = SourceTemplate.TypeKeyword(Precision);
            var forward = Reflect.FindMethod(type, "LiteralForward", 4);
            Assert.Equal(typeof(ValueTuple<,>).MakeGenericType(
                    typeof(ValueTuple<,>).MakeGenericType(RealType, RealType), typeof(ValueTuple<,>).MakeGenericType(RealType, RealType)),
                forward.ReturnType);
            Assert.Equal(new[] { "Value", "Tangent", "A", "B", "A", "B" },
                forward.ReturnParameter.GetCustomAttribute<TupleElementNamesAttribute>()!.TransformNames);
            Assert.Equal(new[] { "x", "y", "dX", "dY" }, forward.GetParameters().Select(p => p.Name));
            Assert.True(forward.IsPublic && forward.IsStatic);

            var reverse = Reflect.FindMethod(type, "LiteralReverse", 5);
            Assert.Equal($"public static ({real} A, {real} B) LiteralReverse({real} x, {real} y, ValueTuple<{real}, {real}> seed, ref {real} dX, ref {real} dY)",
                Signatures.Render(reverse));
            Assert.Equal(new[] { "A", "B" }, reverse.GetParameters()[2].GetCustomAttribute<TupleElementNamesAttribute>()?.TransformNames);

            foreach (var vectorValued in new[] { "Literal", "Unnamed", "Seven", "Squares", "Moments", "Rotations" })
            {
                Assert.Null(Reflect.TryFindMethod(type, vectorValued + "Gradient"));
                Assert.NotNull(Reflect.TryFindMethod(type, vectorValued + "Forward"));
                Assert.NotNull(Reflect.TryFindMethod(type, vectorValued + "Reverse"));
                Assert.Null(Reflect.TryFindMethod(type, vectorValued + "Jacobian"));
                Assert.Null(Reflect.TryFindMethod(type, vectorValued + "Hessian"));
            }

            Assert.NotNull(Reflect.TryFindMethod(type, "ScalarWithTuplesGradient"));
        }

        [Fact]
        public void ArraySignatures()
        {
            var type = Type(TupleSource.TupType);
            string real = SourceTemplate.TypeKeyword(Precision);
            string array = IsFloat ? "Single[]" : "Double[]"; // how Reflect.TypeName shows real[]
            Signatures.Assert(type, "SquaresForward", $"public static ({array} Value, {array} Tangent) SquaresForward({array} x, ReadOnlySpan<{real}> dX)");
            Signatures.Assert(type, "SquaresReverse", $"public static {array} SquaresReverse({array} x, ReadOnlySpan<{real}> seed, Span<{real}> dX)");
            Signatures.Assert(type, "RotationsReverse",
                $"public static {array} RotationsReverse({array} angles, {real} r, ReadOnlySpan<{real}> seed, Span<{real}> dAngles, ref {real} dR)");
        }

        private Type RealType => IsFloat ? typeof(float) : typeof(double);

        // ----- argument errors ------------------------------------------------------------------------------------------

        [Fact]
        public void ArrayResultSeedOfTheWrongLengthIsRejected()
        {
            var f = Fn(TupleSource.TupType, "Squares");
            var args = f.Arguments(P(Vec(14, 3)));
            foreach (int length in new[] { 2, 4, 0 })
            {
                var dx = f.Unflatten(args, new[] { 0.5, 0.5, 0.5 });
                var seed = f.Seed(Enumerable.Repeat(1.0, length).ToArray());
                var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Reverse", args.Append(seed).Concat(dx).ToArray()));
                Assert.Equal("seed", ex.ParamName);
                Assert.All(DiffFunction.Flatten(dx), d => Assert.Equal(0.5, d));
            }
        }

        [Fact]
        public void DerivativeArraysOfTheWrongLengthAreRejected()
        {
            var f = Fn(TupleSource.TupType, "Rotations");
            var args = f.Arguments(P(Vec(15, 3), 0.5));
            var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Forward", args.Concat(f.Unflatten(P(new double[2], 0.0), new double[3])).ToArray()));
            Assert.Equal("dAngles", ex.ParamName);
            var seed = f.Seed(new double[6]);
            ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Reverse", args.Append(seed).Concat(f.Unflatten(P(new double[4], 0.0), new double[5])).ToArray()));
            Assert.Equal("dAngles", ex.ParamName);
        }
    }

    public sealed class TupleTests_Double : TupleTests
    {
        public TupleTests_Double()
            : base(Precision.Double)
        {
        }

        /// <summary>A method of the mixed-precision type: float steps for finite differences (its values are rounded to float).</summary>
        private static DiffFunction Mixed(string method)
        {
            var source = TupleSource.Double.Value;
            return new DiffFunction(source, source.GetType(TupleSource.MixedType), method) { FloatArithmetic = true };
        }

        [Fact]
        public void TupleOfDoubleAndFloat() => DerivativeCheck.Jacobian(Mixed("MixedElements"),
            Points(P(0.75, -1.25), P(-2.0, 0.5)),
            a => M(new[] { (double)a[1]!, (double)a[0]! }, new[] { 0, 2 * (double)a[1]! }));

        [Fact]
        public void FloatTupleLocalReturnedAsDoubleTuple() => DerivativeCheck.Jacobian(Mixed("Widened"),
            Points(P(0.75), P(-2.0)),
            a => M(new[] { 1.0 }, new[] { 2 * (double)a[0]! }));

        [Fact]
        public void DoubleTupleNarrowedToFloatTuple() => DerivativeCheck.Jacobian(Mixed("Narrowed"),
            Points(P(0.75), P(-2.0)),
            a => M(new[] { 1.0 }, new[] { 2 * (double)a[0]! }));

        [Fact]
        public void FloatTupleCallDeconstructedIntoDoubles() => DerivativeCheck.Jacobian(Mixed("CallsFloat"),
            Points(P(0.75), P(-2.0)),
            a =>
            {
                double x = (double)a[0]!, xf = (float)x;
                return M(new[] { 3 * xf + 3 * x }, new[] { Math.Cos(xf) });
            },
            closedFormTolerance: Tolerance.Float);

        [Fact]
        public void InstanceMethodWithATupleResult()
        {
            var source = TupleSource.Double.Value;
            var type = source.GetType(TupleSource.OscillatorType);
            var target = Activator.CreateInstance(type)!;
            type.GetField("K")!.SetValue(target, 3.0);
            var forward = Reflect.FindMethod(type, "StepForward", 4);
            Assert.Equal("public (ValueTuple<double, double> Value, ValueTuple<double, double> Tangent) StepForward(double q, double p, double dQ, double dP)",
                Signatures.Render(forward));
            Assert.Equal(new[] { "Value", "Tangent", "Q", "P", "Q", "P" }, forward.ReturnParameter.GetCustomAttribute<TupleElementNamesAttribute>()!.TransformNames);
            Assert.False(forward.IsStatic);
            Assert.Null(Reflect.TryFindMethod(type, "StepGradient"));

            double q = 0.7, p = -1.3;
            var j = M(new[] { 1, 0.1 }, new[] { -0.1 * 3.0, 1 });
            for (int k = 0; k < 2; k++)
            {
                var e = new double[2];
                e[k] = 1;
                var (result, _) = Reflect.InvokeInstance(target, "StepForward", q, p, e[0], e[1]);
                var pair = (ITuple)result!;
                Assert.Equal(new[] { q + 0.1 * p, p - 0.1 * 3.0 * q }, DiffFunction.Outputs(pair[0]));
                var tangent = DiffFunction.Outputs(pair[1]);
                Assert.Equal(j[0, k], tangent[0], 12);
                Assert.Equal(j[1, k], tangent[1], 12);
            }

            var seed = (0.5, -2.0);
            var (value, after) = Reflect.InvokeInstance(target, "StepReverse", q, p, seed, 1.0, 2.0);
            Assert.Equal(new[] { q + 0.1 * p, p - 0.1 * 3.0 * q }, DiffFunction.Outputs(value));
            Assert.Equal(1.0 + 0.5 * j[0, 0] - 2.0 * j[1, 0], (double)after[3]!, 12);
            Assert.Equal(2.0 + 0.5 * j[0, 1] - 2.0 * j[1, 1], (double)after[4]!, 12);
        }
    }

    public sealed class TupleTests_Float : TupleTests
    {
        public TupleTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
