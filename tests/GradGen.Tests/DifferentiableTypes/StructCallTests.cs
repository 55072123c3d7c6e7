using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// Tuples and structs through calls: a [Differentiable] callee that takes or returns one, inlined and called (with
    /// inlining off), in every mode. Checked against central finite differences over the
    /// fields (<see cref="StructLeaves"/>) and closed forms.
    /// </summary>
    public class StructCallTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace StructCalls
{
    public readonly record struct P(double X, double Y);

    public struct Vec
    {
        public double X;
        public double Y;

        // Members read in place where a differentiated Vec is their receiver.
        public double Length => Math.Sqrt(X * X + Y * Y);

        public double LengthSquared
        {
            get { return X * X + Y * Y; }
        }

        public Vec Normalized => new Vec { X = X / Length, Y = Y / Length };

        // Parenthesized: C# binds no operation to the parentheses (the fuzzer's reducer made one).
        public double Sum => (X + 2 * Y);

        public double Dot(Vec o) => X * o.X + Y * o.Y;

        public Vec Scaled(double s) => new Vec { X = s * X, Y = s * this.Y };
    }

    public readonly record struct Polar(double R, double Theta)
    {
        public double X => R * Math.Cos(Theta);

        public double Y => R * Math.Sin(Theta);

        public Vec ToVec() => new Vec { X = X, Y = Y };
    }

    public partial struct Body
    {
        public double M;
        public double V;

        // Its own derivatives hold this constant (the contract's instance methods); read in place, the receiver's flow.
        [Differentiable]
        public double Energy(double g, double h) => 0.5 * M * V * V + M * g * h;
    }

    public struct Segment
    {
        public P From;
        public P To;
    }

    // User-defined operators marked [Differentiable]: calls of their op_ methods.
    public partial struct V2
    {
        public double X;
        public double Y;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static V2 operator +(V2 a, V2 b) => new V2 { X = a.X + b.X, Y = a.Y + b.Y };

        [Differentiable]
        public static V2 operator *(double s, V2 a) => new V2 { X = s * a.X, Y = s * a.Y };

        [Differentiable]
        public static V2 operator -(V2 a) => new V2 { X = -a.X, Y = -a.Y };

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double operator *(V2 a, V2 b) => a.X * b.X + a.Y * b.Y;

        // In the operators' own type they inline.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Energy(V2 p, V2 v, double k) => 0.5 * (v * v) + 0.5 * k * (p * p);
    }

    // A method GradGen does not see into, taking a struct, with user-written derivatives of its own.
    public static partial class Lib
    {
        public static double Norm(P p) => Math.Sqrt(p.X * p.X + p.Y * p.Y);

        [DerivativeOf(nameof(Norm))]
        public static (double Value, double Tangent) NormForward(P p, P dP)
        {
            var n = Norm(p);
            return (n, (p.X * dP.X + p.Y * dP.Y) / n);
        }

        [DerivativeOf(nameof(Norm))]
        public static double NormReverse(P p, double seed, ref P dP)
        {
            var n = Norm(p);
            dP = new P(dP.X + seed * p.X / n, dP.Y + seed * p.Y / n);
            return n;
        }
    }

    public struct One
    {
        public double V;
    }

    public static partial class M
    {
        // A one-field struct result, from a callee whose name lower-cased is a keyword (its result local is base_).
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static One Base(double x) => new One { V = x * x };

        [Differentiable]
        public static double UseBase(double x)
        {
            var b = Base(x);
            return b.V * 3 + Base(2 * x).V;
        }

        [Differentiable]
        public static double Custom(P a, double s) => Lib.Norm(new P(a.X * s, a.Y)) * s + Lib.Norm(a);

        // A spring, stepped with the operators: binary, unary, scalar times struct, a dot product and +=.
        [Differentiable]
        public static double Spring(V2 p, V2 v, double k)
        {
            for (int i = 0; i < 5; i++)
            {
                var a = -(k * p);
                v = v + 0.1 * a;
                p += 0.1 * v;
            }

            return p * p + V2.Energy(p, v, k);
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Dist(P a, P b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Dot(P a, P b) => a.X * b.X + a.Y * b.Y;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vec Mid(Vec a, Vec b, double t) => new Vec { X = a.X + t * (b.X - a.X), Y = a.Y * (1 - t) + t * b.Y * b.X };

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Length(Segment s) => Dist(s.From, s.To);

        [Differentiable]
        public static float Kinetic(Vector3 v, float m) => 0.5f * m * v.LengthSquared();

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static (double Sum, double Product) Both((double A, double B) t, double k) => (t.A + k * t.B, t.A * t.B);
    }

    public static partial class M
    {
        // Inlined (same type) and called (Geo) with struct arguments made in place.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Perimeter(P a, P b, P c) => M.Dist(a, b) + M.Dist(b, c) + M.Dist(c, new P(a.X, a.Y)) + Near(a, c);

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Near(P a, P b) => Math.Exp(-((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y)));

        // A struct-returning call assigned, read field by field, and fed back into itself in a loop.
        [Differentiable]
        public static double Blend(Vec a, Vec b, double t)
        {
            var m = M.Mid(a, b, t);
            for (int i = 0; i < 3; i++)
            {
                m = M.Mid(m, a, 0.5 * t);
            }

            return m.X * m.Y + M.Mid(b, m, t).X;
        }

        // A nested struct argument and a struct field of a local passed on; one variable twice in a call.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Twice(P a, double s) => Dot(a, a) + Near(a, new P(a.X * s, s)) * Dist(a, new P(a.Y, a.X));

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Route(Segment s, P via)
        {
            var back = new Segment { From = s.To, To = via };
            return M.Length(s) * M.Length(back) + M.Dist(back.To, s.From);
        }

        // Vector3 arguments computed by vector arithmetic.
        [Differentiable]
        public static float Energy(Vector3 p, Vector3 v, float m)
        {
            var e = 0f;
            for (int i = 0; i < 4; i++)
            {
                v -= 0.1f * p;
                p += 0.1f * v;
                e += M.Kinetic(v + p * 0.5f, m);
            }

            return e;
        }

        // A struct result built from struct calls: its Jacobian, Reverse and Forward.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vec Chain(Vec a, double t)
        {
            var b = M.Mid(a, new Vec { X = t, Y = 1 }, t);
            return M.Mid(b, a, 0.25);
        }

        // Elements of struct results read in a return (the call splits off after parsing), from a callee taking reals.
        [Differentiable]
        public static double Height(double u, double s) => Launch(u, s).Y * Launch(u * s, 2.0).X;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vec Launch(double u, double s) => new Vec { X = Math.Cos(u) * s, Y = Math.Sin(u) * s * s };

        // Computed properties and instance methods, scalar- and struct-valued, nested, with struct arguments.
        [Differentiable]
        public static double Members(Vec a, Vec b, Polar p) =>
            a.Length * b.Dot(a.Normalized) + a.Scaled(p.R).Dot(p.ToVec()) + p.X * b.LengthSquared + a.Normalized.Y + a.Sum * b.Sum;

        [Differentiable]
        public static double BodyEnergy(Body body, double g)
        {
            var e = 0.0;
            for (int i = 0; i < 3; i++)
            {
                e += body.Energy(g, i * 0.5);
                body.V *= 0.9;
            }

            return e;
        }

        // A tuple parameter and a tuple result through a call.
        [Differentiable]
        public static double Tuples((double A, double B) t, double k)
        {
            var (s, p) = M.Both(t, k);
            var u = M.Both((p, s), 2.0);
            return u.Sum * u.Product + M.Both(t, s).Product;
        }
    }
}";

        private static readonly Lazy<Type> Inlined = new(() => GeneratorHarness.CompileAndLoad(Source, "StructCalls").Assembly.GetType("StructCalls.M")!);

        private static readonly Lazy<Type> Called = new(() => GeneratorHarness.CompileAndLoad(Source, "StructCalls", disabledOptimizations: "Inlining").Assembly.GetType("StructCalls.M")!);

        private static Type Owner(bool inlining) => inlining ? Inlined.Value : Called.Value;

        private static object Make(Type owner, string name, params double[] leaves) => StructLeaves.Make(owner.Assembly.GetType("StructCalls." + name)!, leaves);

        public static TheoryData<bool> Inlining => new() { true, false };

        [Theory]
        [MemberData(nameof(Inlining))]
        public void StructArguments_MatchFiniteDifferences(bool inlining)
        {
            var owner = Owner(inlining);
            StructLeaves.CheckScalar(owner, "Perimeter", new[] { Make(owner, "P", 0.3, 1.2), Make(owner, "P", -0.7, 0.9), Make(owner, "P", 1.5, -0.4) });
            StructLeaves.CheckScalar(owner, "Route", new[] { Make(owner, "Segment", 0.3, 1.2, -0.7, 0.9), Make(owner, "P", 1.5, -0.4) });
            StructLeaves.CheckScalar(owner, "Twice", new[] { Make(owner, "P", 0.3, 1.2), 0.7 });
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void StructResults_MatchFiniteDifferences(bool inlining)
        {
            var owner = Owner(inlining);
            StructLeaves.CheckScalar(owner, "Blend", new[] { Make(owner, "Vec", 0.3, 1.2), Make(owner, "Vec", -0.7, 0.9), 0.4 });
            StructLeaves.CheckScalar(owner, "Height", new object[] { 0.3, 1.7 });
            StructLeaves.CheckVectorValued(owner, "Launch", new object[] { 0.3, 1.7 }, 1e-6);
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void Vector3Arguments_MatchFiniteDifferences(bool inlining) =>
            StructLeaves.CheckScalar(Owner(inlining), "Energy", new object[] { new System.Numerics.Vector3(0.5f, -1.5f, 2.0f), new System.Numerics.Vector3(1.1f, 0.3f, -0.8f), 1.3f }, tolerance: 5e-3);

        [Theory]
        [MemberData(nameof(Inlining))]
        public void Hessians_ThroughStructCalls_MatchFiniteDifferencesOfTheGradient(bool inlining)
        {
            var owner = Owner(inlining);
            StructLeaves.CheckHessian(owner, "Perimeter", new[] { Make(owner, "P", 0.3, 1.2), Make(owner, "P", -0.7, 0.9), Make(owner, "P", 1.5, -0.4) });
            StructLeaves.CheckHessian(owner, "Route", new[] { Make(owner, "Segment", 0.3, 1.2, -0.7, 0.9), Make(owner, "P", 1.5, -0.4) });
            StructLeaves.CheckHessian(owner, "Twice", new[] { Make(owner, "P", 0.3, 1.2), 0.7 });
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void StructResultOfStructCalls_JacobianReverseAndForward_MatchFiniteDifferences(bool inlining)
        {
            var owner = Owner(inlining);
            StructLeaves.CheckVectorValued(owner, "Chain", new[] { Make(owner, "Vec", 0.3, 1.2), 0.4 }, 1e-6);
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void UserDefinedOperators_MatchFiniteDifferences(bool inlining)
        {
            var owner = Owner(inlining);
            var v2 = owner.Assembly.GetType("StructCalls.V2")!;
            StructLeaves.CheckScalar(owner, "Spring", new[] { Make(owner, "V2", 0.3, 1.2), Make(owner, "V2", -0.7, 0.9), 2.5 });
            StructLeaves.CheckHessian(v2, "Energy", new[] { Make(owner, "V2", 0.3, 1.2), Make(owner, "V2", -0.7, 0.9), 2.5 });
            StructLeaves.CheckVectorValued(v2, "op_Addition", new[] { Make(owner, "V2", 0.3, 1.2), Make(owner, "V2", -0.7, 0.9) }, 1e-6);
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void ComputedPropertiesAndInstanceMethods_MatchFiniteDifferences(bool inlining)
        {
            var owner = Owner(inlining);
            StructLeaves.CheckScalar(owner, "Members", new[] { Make(owner, "Vec", 0.3, 1.2), Make(owner, "Vec", -0.7, 0.9), Make(owner, "Polar", 1.5, 0.4) });
            StructLeaves.CheckScalar(owner, "BodyEnergy", new[] { Make(owner, "Body", 2.0, 3.0), 9.81 });

            // Body.EnergyGradient itself holds this constant: only g and h have derivatives.
            var body = Make(owner, "Body", 2.0, 3.0);
            var (_, outs) = Reflect.InvokeInstance(body, "EnergyGradient", 9.81, 1.5, null, null);
            Assert.Equal(2.0 * 1.5, (double)outs[2]!, 12);
            Assert.Equal(2.0 * 9.81, (double)outs[3]!, 12);
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void OneFieldStructResult_MatchesTheClosedForm(bool inlining)
        {
            // 3x² + 4x²: 14x.
            var (_, outs) = Reflect.Invoke(Owner(inlining), "UseBaseGradient", 1.3, null);
            Assert.Equal(14 * 1.3, (double)outs[1]!, 12);
            StructLeaves.CheckScalar(Owner(inlining), "UseBase", new object[] { 1.3 });
        }

        [Theory]
        [MemberData(nameof(Inlining))]
        public void UserWrittenDerivativesOfAStructTakingMethod_MatchFiniteDifferences(bool inlining) =>
            StructLeaves.CheckScalar(Owner(inlining), "Custom", new[] { Make(Owner(inlining), "P", 0.3, 1.2), 0.7 });

        [Theory]
        [MemberData(nameof(Inlining))]
        public void TupleArgumentsAndResults_MatchFiniteDifferences(bool inlining) =>
            StructLeaves.CheckScalar(Owner(inlining), "Tuples", new object[] { (0.6, -1.1), 0.8 });
    }
}
