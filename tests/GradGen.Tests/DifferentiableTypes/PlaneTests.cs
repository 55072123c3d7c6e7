using System;
using System.Linq;
using System.Numerics;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// System.Numerics Plane (its normal's X, Y, Z, then D): construction, Normal and D, Dot, DotCoordinate,
    /// DotNormal, Normalize, CreateFromVertices and Transform by a quaternion, written out over the leaves. Checked
    /// against System.Numerics' values, a closed form of the signed distance's gradient, central finite differences
    /// (gradients, a Plane-valued Jacobian, a Hessian); Transform by a matrix is an error, not a silent derivative.
    /// </summary>
    public class PlaneTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Planes
{
    public static partial class Pl
    {
        // The signed distance of q from the plane, however its normal is scaled.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static float Distance(Plane p, Vector3 q) => Plane.DotCoordinate(Plane.Normalize(p), q);

        // The plane through three points, as a value: its Jacobian.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Plane Through(Vector3 a, Vector3 b, Vector3 c) => Plane.CreateFromVertices(a, b, c);

        [Differentiable]
        public static float Mixed(Plane p, Quaternion r, Vector4 v, Vector3 q)
        {
            var turned = Plane.Transform(p, r);
            var scaled = new Plane(p.Normal * 2f, p.D);
            var again = new Plane(turned.Normal.X, turned.Normal.Y, scaled.D, turned.D);
            return Plane.Dot(turned, v) + Plane.DotNormal(again, q) * scaled.Normal.Y + new Plane(v).D;
        }
    }
}";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "Planes").Assembly.GetType("Planes.Pl")!);

        private static readonly Plane P = new(0.3f, -0.8f, 0.5f, 1.2f);

        private static readonly Vector3 Q = new(0.4f, 1.1f, -0.7f);

        [Fact]
        public void SignedDistance_ClosedForm()
        {
            // f = (n·q + d)/|n|: ∂f/∂n = q/|n| − f n/|n|², ∂f/∂d = 1/|n|, ∂f/∂q = n/|n|.
            var (n, q) = (P.Normal, Q);
            var length = n.Length();
            var f = (Vector3.Dot(n, q) + P.D) / length;
            var expected = StructLeaves.Of(q / length - n * (f / (length * length))).Append(1 / length).Concat(StructLeaves.Of(n / length)).ToArray();

            var (value, outs) = Reflect.Invoke(Type.Value, "DistanceGradient", P, Q, null, null);
            Assert.Equal(Plane.DotCoordinate(Plane.Normalize(P), Q), (float)value!, 5);
            StructLeaves.AssertClose(expected, outs.Skip(2).SelectMany(o => StructLeaves.Of(o!)).ToArray(), 1e-5, "gradient");
            StructLeaves.CheckScalar(Type.Value, "Distance", new object[] { P, Q }, tolerance: 5e-3, valueDigits: 5);
            StructLeaves.CheckHessian(Type.Value, "Distance", new object[] { P, Q }, tolerance: 2e-2);
        }

        [Fact]
        public void PlaneThroughThreePoints_MatchesSystemNumericsAndFiniteDifferences() =>
            StructLeaves.CheckVectorValued(Type.Value, "Through", new object[] { new Vector3(0.1f, 0.2f, 0.3f), new Vector3(1.1f, -0.2f, 0.4f), new Vector3(0.3f, 0.9f, -0.5f) }, 5e-3);

        [Fact]
        public void ConstructionDotsAndRotation_MatchFiniteDifferences()
        {
            var r = Quaternion.Normalize(new Quaternion(0.2f, -0.4f, 0.1f, 0.9f));
            var v = new Vector4(0.5f, 0.3f, -0.2f, 1.5f);
            var turned = Plane.Transform(P, r);
            var primal = Plane.Dot(turned, v) + Plane.DotNormal(new Plane(turned.Normal.X, turned.Normal.Y, P.D, turned.D), Q) * 2 * P.Normal.Y + v.W;
            Assert.Equal(primal, (float)Reflect.Invoke(Type.Value, "Mixed", P, r, v, Q).Result!, 5);
            StructLeaves.CheckScalar(Type.Value, "Mixed", new object[] { P, r, v, Q }, tolerance: 5e-3, valueDigits: 5);
        }

        [Fact]
        public void TransformByAMatrix_IsAnError()
        {
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.Header + "using System.Numerics; public static partial class Bad { [Differentiable] static float F(Plane p, Matrix4x4 m) => Plane.Transform(p, m).D; }");
            Assert.Contains(diagnostics, d => d.Id == "GG0005" && d.GetMessage().Contains("Plane.Transform"));
        }
    }
}
