using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// Arrays and read-only spans of structs (<c>P[]</c>, <c>ReadOnlySpan&lt;Vector3&gt;</c>): parameters whose derivative is
    /// an array of the same struct, local arrays of structs, and arrays passed on to [Differentiable] callees, inlined and
    /// called (inlining off), in every mode. Checked against central finite differences over every element's fields,
    /// element by element as the flat index orders them (<see cref="StructLeaves"/>), and closed forms.
    /// </summary>
    public class StructArrayTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace StructArrays
{
    public readonly record struct P(double X, double Y);

    public struct Particle
    {
        public Vector3 Position;
        public float Mass;
    }

    public static partial class M
    {
        [Differentiable]
        public static double Squares(P[] ps)
        {
            var s = 0.0;
            for (int i = 0; i < ps.Length; i++)
            {
                s += ps[i].X * ps[i].X + 3 * ps[i].Y;
            }

            return s;
        }

        // A chain of springs: elements read by index, a struct local made from two of them.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Springs(P[] ps, double k)
        {
            var e = 0.0;
            for (int i = 1; i < ps.Length; i++)
            {
                var d = new P(ps[i].X - ps[i - 1].X, ps[i].Y - ps[i - 1].Y);
                e += k * (d.X * d.X + d.Y * d.Y) + Math.Sin(ps[i].X * d.Y);
            }

            return e;
        }

        // A read-only span, foreach, and a local array of structs written whole, by member, and by a compound operator.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static float Spread(ReadOnlySpan<Vector3> vs)
        {
            var c = Vector3.Zero;
            foreach (var v in vs)
            {
                c += v;
            }

            c /= vs.Length;
            var centred = new Vector3[vs.Length];
            for (int i = 0; i < vs.Length; i++)
            {
                centred[i] = vs[i] - c;
            }

            centred[0].X *= 2;
            centred[1] += centred[0];
            float s = 0;
            foreach (var r in centred)
            {
                s += r.LengthSquared() * r.Y;
            }

            return s;
        }

        // Elements that are nested structs, and a local array from an initializer.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static float Potential(Particle[] body, float g)
        {
            var ends = new[] { body[0].Position, body[body.Length - 1].Position * g };
            var u = 0f;
            for (int i = 0; i < body.Length; i++)
            {
                u += body[i].Mass * g * body[i].Position.Y;
            }

            return u + Vector3.Distance(ends[0], ends[1]);
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static (double X, double Y) Centroid(P[] ps, double w)
        {
            double x = 0, y = 0, total = 0;
            for (int i = 0; i < ps.Length; i++)
            {
                var weight = Math.Exp(w * ps[i].X);
                x += weight * ps[i].X;
                y += weight * ps[i].Y;
                total += weight;
            }

            return (x / total, y / total);
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Tip(Vector3[] segments, float bend)
        {
            var tip = Vector3.Zero;
            foreach (var s in segments)
            {
                tip = tip * bend + s;
            }

            return tip;
        }

        // The array, a local array of structs and a span passed on to [Differentiable] callees.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Chain(P[] ps, double k)
        {
            var shifted = new P[ps.Length];
            for (int i = 0; i < ps.Length; i++)
            {
                shifted[i] = ps[i] with { X = ps[i].X + k };
            }

            return Springs(shifted, k) + Springs(ps, 1.5) * k + Cross(ps);
        }

        // Found by the fuzzer: local arrays no derivative flows into, passed to a callee (called, their tangents and
        // adjoints are zero arrays); a whole-element write whose index reads a field it writes.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Constants(double x)
        {
            var zeros = new P[2];
            var fixedPoints = new[] { new P(1, 2), new P(3, 4) };
            var partly = new P[2];
            partly[0] = new P(x, 1);
            return Take(zeros, x) + Take(fixedPoints, x) + Take(partly, x);
        }

        // Constant data given to a callee's differentiated array of structs.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Anchored(double x, [NoDerivative] P[] anchors) => Take(anchors, x) * x;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Take(P[] ps, double u) => u * ps[0].X + ps[1].Y * u * u + ps[0].Y;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double IndexOnce(double x)
        {
            var q = new[] { new P(x, 0.25), new P(0.5, x) };
            q[(int)q[0].X % 2] = new P(x + 1, x * x);
            return q[0].Y;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Cross(ReadOnlySpan<P> ps)
        {
            var s = 0.0;
            foreach (var p in ps)
            {
                s += p.X * p.Y * p.Y;
            }

            return s;
        }
    }
}";

        private static readonly Lazy<Type> Inlined = new(() => GeneratorHarness.CompileAndLoad(Source, "StructArrays").Assembly.GetType("StructArrays.M")!);

        private static readonly Lazy<Type> Called = new(() => GeneratorHarness.CompileAndLoad(Source, "StructArrays", disabledOptimizations: "Inlining").Assembly.GetType("StructArrays.M")!);

        private static Type TypeOf(string name, bool inlined = true) =>
            Owner(inlined).Assembly.GetType("StructArrays." + name) ?? typeof(System.Numerics.Vector3).Assembly.GetType("System.Numerics." + name)!;

        /// <summary>An array of <paramref name="type"/> (of the assembly inlined or not) whose leaves, element by element, are <paramref name="leaves"/>.</summary>
        private static Array ArrayOf(string type, double[] leaves, bool inlined = true)
        {
            var elementType = TypeOf(type, inlined);
            var count = StructLeaves.Of(StructLeaves.Make(elementType, new double[StructLeaves.Of(Activator.CreateInstance(elementType)!).Length])).Length;
            var array = Array.CreateInstance(elementType, leaves.Length / count);
            var queue = new System.Collections.Generic.Queue<double>(leaves);
            for (var i = 0; i < array.Length; i++)
            {
                array.SetValue(StructLeaves.Make(elementType, queue), i);
            }

            return array;
        }

        private static Type Owner(bool inlined) => inlined ? Inlined.Value : Called.Value;

        private static readonly double[] Points = { 0.3, -1.2, 1.1, 0.4, -0.7, 2.0, 1.6, -0.5 };

        [Fact]
        public void Gradient_IsTheClosedForm_AndWrittenAsAnArrayOfTheStruct()
        {
            var ps = ArrayOf("P", Points);
            var gradient = Array.CreateInstance(TypeOf("P"), ps.Length);
            var (value, _) = Reflect.Invoke(Inlined.Value, "SquaresGradient", new object?[] { ps, gradient });
            var expected = Enumerable.Range(0, ps.Length).SelectMany(i => new[] { 2 * Points[2 * i], 3.0 }).ToArray();
            StructLeaves.AssertClose(expected, StructLeaves.Of(gradient), 1e-12, "gradient");
            Assert.Equal(Enumerable.Range(0, ps.Length).Sum(i => Points[2 * i] * Points[2 * i] + 3 * Points[2 * i + 1]), Reflect.ToDouble(value), 12);
            Assert.Equal(Points, StructLeaves.Of(ps));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ElementsReadByIndex_AgreeWithFiniteDifferences(bool inlined)
        {
            StructLeaves.CheckScalar(Owner(inlined), "Springs", new object[] { ArrayOf("P", Points, inlined), 0.8 });
            StructLeaves.CheckHessian(Owner(inlined), "Springs", new object[] { ArrayOf("P", Points, inlined), 0.8 }, 1e-5);
        }

        [Fact]
        public void ASpanOfVector3_AndLocalArraysOfThem_AgreeWithFiniteDifferences()
        {
            var vs = ArrayOf("Vector3", new[] { 1, 2, 3, 0.5, -1, 2, 2, 2, -1, -0.5, 0.25, 1 });
            StructLeaves.CheckScalar(Inlined.Value, "Spread", new object[] { vs }, 2e-2, valueDigits: 4);
            StructLeaves.CheckVectorValued(Inlined.Value, "Spread", new object[] { vs }, 2e-2);
        }

        [Fact]
        public void NestedStructElements_AndAnInitializedLocalArray_AgreeWithFiniteDifferences()
        {
            var body = ArrayOf("Particle", new[] { 1, 2, 3, 0.5, -1, 0.5, 2, 1.5, 2, 2, -1, 0.75 });
            StructLeaves.CheckScalar(Inlined.Value, "Potential", new object[] { body, 1.3f }, 2e-2, valueDigits: 4);
            StructLeaves.CheckHessian(Inlined.Value, "Potential", new object[] { body, 1.3f }, 5e-2);
        }

        [Theory]
        [InlineData("Centroid", 1e-6)]
        [InlineData("Tip", 2e-2)]
        public void VectorValued_JacobianIsElementByElement_AndAgreesWithFiniteDifferences(string name, double tolerance)
        {
            object[] args = name == "Centroid"
                ? new object[] { ArrayOf("P", Points), 0.6 }
                : new object[] { ArrayOf("Vector3", new[] { 1, 0.5, 0, 0.5, -1, 0.25, 0.75, 0.5, -0.5 }), 0.9f };
            StructLeaves.CheckVectorValued(Inlined.Value, name, args, tolerance);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ArraysPassedToDifferentiableCallees_AgreeWithFiniteDifferences(bool inlined)
        {
            var args = new object[] { ArrayOf("P", Points, inlined), 0.4 };
            StructLeaves.CheckScalar(Owner(inlined), "Chain", args);
            StructLeaves.CheckHessian(Owner(inlined), "Chain", args, 1e-5);
            Assert.Equal(Points, StructLeaves.Of(args[0]));
        }

        /// <summary>
        /// Constants(x) = 0 + (x + 4x² + 2) + (x² + 1), derivative 1 + 10x, second 10; IndexOnce(x) = x² for 0 ≤ x &lt; 1 (the
        /// element written is q[0], chosen before either field is stored), derivative 2x.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ConstantArraysAndAnIndexReadingTheElement_HaveTheClosedForm(bool inlined)
        {
            const double x = 0.3;
            var (value, outs) = Reflect.Invoke(Owner(inlined), "ConstantsGradient", x, null);
            Assert.Equal(x + 4 * x * x + 2 + x * x + 1, Reflect.ToDouble(value), 12);
            Assert.Equal(1 + 10 * x, Reflect.ToDouble(outs[1]), 12);
            Assert.Equal(1 + 10 * x, Reflect.ReadPair(Reflect.Invoke(Owner(inlined), "ConstantsForward", x, 1.0).Result).Tangent, 12);
            var hessian = new double[1, 1];
            Reflect.Invoke(Owner(inlined), "ConstantsHessian", x, hessian);
            Assert.Equal(10, hessian[0, 0], 10);

            // Anchored(x) = x · Take(anchors, x) = a₀ₓ x² + a₁ᵧ x³ + a₀ᵧ x.
            var anchors = ArrayOf("P", new[] { 1.5, -0.5, 2.0, 0.75 }, inlined);
            (value, outs) = Reflect.Invoke(Owner(inlined), "AnchoredGradient", x, anchors, null);
            Assert.Equal(1.5 * x * x + 0.75 * x * x * x - 0.5 * x, Reflect.ToDouble(value), 12);
            Assert.Equal(2 * 1.5 * x + 3 * 0.75 * x * x - 0.5, Reflect.ToDouble(outs[2]), 12);
            Reflect.Invoke(Owner(inlined), "AnchoredHessian", x, anchors, hessian);
            Assert.Equal(2 * 1.5 + 6 * 0.75 * x, hessian[0, 0], 10);

            (value, outs) = Reflect.Invoke(Owner(inlined), "IndexOnceGradient", x, null);
            Assert.Equal(x * x, Reflect.ToDouble(value), 12);
            Assert.Equal(2 * x, Reflect.ToDouble(outs[1]), 12);
            Assert.Equal(2 * x, Reflect.ReadPair(Reflect.Invoke(Owner(inlined), "IndexOnceForward", x, 1.0).Result).Tangent, 12);
        }

        [Theory]
        [InlineData("SquaresGradient")]
        [InlineData("SpringsReverse")]
        [InlineData("SpringsForward")]
        public void ADerivativeArrayOfTheWrongLength_ThrowsNamingIt(string method)
        {
            var ps = ArrayOf("P", Points);
            var wrong = Array.CreateInstance(TypeOf("P"), ps.Length - 1);
            var args = method switch
            {
                "SquaresGradient" => new object?[] { ps, wrong },
                "SpringsReverse" => new object?[] { ps, 1.0, 1.0, wrong, 0.0 },
                _ => new object?[] { ps, 1.0, wrong, 0.0 },
            };
            var error = Assert.Throws<ArgumentException>(() => Reflect.Invoke(Inlined.Value, method, args));
            Assert.Equal("dPs", error.ParamName);
        }
    }
}
