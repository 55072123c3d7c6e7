using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// Structs of reals as parameters, locals and results: their derivative is the struct itself (Forward takes
    /// <c>Vec dV</c>, Gradient gives <c>out Vec dV</c>, Reverse adds into <c>ref Vec dV</c>). Every derivative is checked
    /// against central finite differences over the struct's fields (<see cref="StructLeaves"/>), and the closed forms
    /// where they are short.
    /// </summary>
    public class StructTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Structs
{
    public struct Vec
    {
        public double X;
        public double Y;
    }

    public readonly record struct P(double X, double Y);

    public readonly struct Polar
    {
        public readonly double R;
        public readonly double Theta;

        public Polar(double r, double theta)
        {
            R = r;
            Theta = theta;
        }
    }

    public struct Body
    {
        public Vec Position;
        public Vec Velocity;
        public double Mass { get; set; }
    }

    public static partial class M
    {
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Dist(P a, P b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

        // Kinetic plus potential energy after a few explicit Euler steps, through struct locals written field by field.
        [Differentiable]
        public static double Energy(Body body, double g)
        {
            var p = body.Position;
            var v = body.Velocity;
            for (int i = 0; i < 4; i++)
            {
                p.X += 0.1 * v.X;
                p.Y += 0.1 * v.Y;
                v.Y -= 0.1 * g;
            }

            return 0.5 * body.Mass * (v.X * v.X + v.Y * v.Y) + body.Mass * g * p.Y;
        }

        [Differentiable]
        public static double Area(Vec u, Vec w)
        {
            var c = new Vec { X = u.X + w.X, Y = u.Y * w.Y };
            var d = new P(c.X, w.X) with { Y = c.Y };
            Vec zero = default;
            return d.X * d.Y - u.X * w.Y + zero.X;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Polar ToPolar(Vec v) => new Polar(Math.Sqrt(v.X * v.X + v.Y * v.Y), Math.Atan2(v.Y, v.X));

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Scaled(Vector3 v, float s)
        {
            var r = new Vector3(v.X * s, v.Y * s, v.Z);
            r.Z = r.Z * r.X;
            return r;
        }

        [Differentiable]
        public static float Len(Vector2 v) => MathF.Sqrt(v.X * v.X + v.Y * v.Y);

        // A projectile with quadratic drag, explicit Euler in Vector3 arithmetic.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Projectile(Vector3 p0, Vector3 v0, float drag)
        {
            var p = p0;
            var v = v0;
            var g = new Vector3(0, -9.81f, 0);
            for (int i = 0; i < 10; i++)
            {
                var a = g - drag * v.Length() * v;
                v += 0.05f * a;
                p += v * 0.05f;
            }

            return p;
        }

        [Differentiable]
        public static float Members(Vector3 a, Vector3 b, float t)
        {
            var n = Vector3.Normalize(a);
            var c = Vector3.Cross(n, b);
            var l = Vector3.Lerp(a, b, t);
            var m = Vector3.Max(Vector3.Abs(c), -l) + Vector3.Min(a, b) / 2 - Vector3.Multiply(a, b);
            return Vector3.Dot(c, l) + m.LengthSquared() + Vector3.Distance(a, b) - (-a).Length()
                + Vector3.DistanceSquared(Vector3.Clamp(a, -Vector3.One, Vector3.One), b) + Vector2.Dot(new Vector2(a.X, t), Vector2.UnitY);
        }

        // A tuple local of more than 7 elements is as many variables too (only signatures stop at 7).
        [Differentiable]
        public static double Eight(double x) { var t = (x, x, x, x, x, x, x, 2 * x); t.Item8 += x; return t.Item1 * t.Item8; }

        [Differentiable]
        public static float Cosine(Vector3 a, Vector3 b) => Vector3.Dot(Vector3.Normalize(a), Vector3.Normalize(b));
    }
}";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "Structs").Assembly.GetType("Structs.M")!);

        private static Type Of(string name) => Type.Value.Assembly.GetType("Structs." + name) ?? System.Type.GetType(name + ", System.Numerics.Vectors") ?? typeof(System.Numerics.Vector2).Assembly.GetType(name)!;

        [Theory]
        [InlineData(0.7, -1.3, 2.0, 0.4)]
        [InlineData(-2.0, 0.5, 1.5, 3.0)]
        public void RecordStructParameters_GradientMatchesTheClosedForm(double ax, double ay, double bx, double by)
        {
            var (a, b) = (StructLeaves.Make(Of("P"), ax, ay), StructLeaves.Make(Of("P"), bx, by));
            var (_, outs) = Reflect.Invoke(Type.Value, "DistGradient", a, b, null, null);
            var r = Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
            StructLeaves.AssertClose(new[] { (ax - bx) / r, (ay - by) / r }, StructLeaves.Of(outs[2]!), 1e-12, "dA");
            StructLeaves.AssertClose(new[] { (bx - ax) / r, (by - ay) / r }, StructLeaves.Of(outs[3]!), 1e-12, "dB");
            StructLeaves.CheckScalar(Type.Value, "Dist", new[] { a, b });
        }

        [Fact]
        public void NestedStructWithAPropertyAndStructLocals_MatchFiniteDifferences() =>
            StructLeaves.CheckScalar(Type.Value, "Energy", new[] { StructLeaves.Make(Of("Body"), 0.3, 1.2, 0.8, -0.4, 2.5), 9.81 });

        [Fact]
        public void ObjectInitializerConstructorWithAndDefault_MatchFiniteDifferences() =>
            StructLeaves.CheckScalar(Type.Value, "Area", new[] { StructLeaves.Make(Of("Vec"), 0.3, 1.2), StructLeaves.Make(Of("Vec"), -0.7, 0.9) });

        [Fact]
        public void SystemNumericsVector2_MatchesFiniteDifferences() =>
            StructLeaves.CheckScalar(Type.Value, "Len", new object[] { new System.Numerics.Vector2(0.6f, -1.1f) }, tolerance: 2e-3);

        [Fact]
        public void Hessian_OfAStructFunction_MatchesFiniteDifferencesOfTheGradient() =>
            StructLeaves.CheckHessian(Type.Value, "Dist", new[] { StructLeaves.Make(Of("P"), 0.7, -1.3), StructLeaves.Make(Of("P"), 2.0, 0.4) });

        [Fact]
        public void Vector3Members_MatchFiniteDifferences() =>
            StructLeaves.CheckScalar(Type.Value, "Members", new object[] { new System.Numerics.Vector3(0.5f, -1.5f, 2.0f), new System.Numerics.Vector3(1.1f, 0.3f, -0.8f), 0.35f }, tolerance: 5e-3);

        [Fact]
        public void TupleLocalOfEightElements_MatchesTheClosedForm()
        {
            var (_, outs) = Reflect.Invoke(Type.Value, "EightGradient", 1.5, null);
            Assert.Equal(6 * 1.5, (double)outs[1]!, 12);
            StructLeaves.CheckScalar(Type.Value, "Eight", new object[] { 1.5 });
        }

        [Fact]
        public void CosineOfTwoVectors_MatchesTheClosedForm()
        {
            var (a, b) = (new System.Numerics.Vector3(0.5f, -1.5f, 2.0f), new System.Numerics.Vector3(1.1f, 0.3f, -0.8f));
            var (_, outs) = Reflect.Invoke(Type.Value, "CosineGradient", a, b, null, null);
            // ∂cos/∂a = (b̂ − cos·â) / |a|
            var (na, nb) = (System.Numerics.Vector3.Normalize(a), System.Numerics.Vector3.Normalize(b));
            var cos = System.Numerics.Vector3.Dot(na, nb);
            var expected = (nb - cos * na) / a.Length();
            StructLeaves.AssertClose(StructLeaves.Of(expected), StructLeaves.Of(outs[2]!), 1e-5, "dA");
        }

        [Theory]
        [InlineData("ToPolar", 1e-6)]
        [InlineData("Scaled", 2e-3)]
        [InlineData("Projectile", 5e-3)]
        public void StructResults_JacobianReverseAndForward_MatchFiniteDifferences(string name, double tolerance)
        {
            var args = name switch
            {
                "ToPolar" => new[] { StructLeaves.Make(Of("Vec"), 0.6, -1.7) },
                "Scaled" => new object[] { new System.Numerics.Vector3(0.5f, -1.5f, 2.0f), 1.25f },
                _ => new object[] { new System.Numerics.Vector3(0, 1, 0), new System.Numerics.Vector3(3, 4, 0.5f), 0.1f },
            };
            StructLeaves.CheckVectorValued(Type.Value, name, args, tolerance);
        }
    }
}
