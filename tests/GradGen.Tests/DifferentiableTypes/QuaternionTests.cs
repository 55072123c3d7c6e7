using System;
using System.Linq;
using System.Numerics;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// System.Numerics Quaternion: its product, inverse, construction from an axis and angle or yaw, pitch and roll, and
    /// the rotation of a Vector3 by it, written out over the leaves. Checked against System.Numerics' values, central
    /// finite differences, and Rodrigues' closed form of a rotation's derivative in its angle.
    /// </summary>
    public class QuaternionTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Quaternions
{
    public static partial class Q
    {
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Rotate(Vector3 v, Vector3 axis, float angle) =>
            Vector3.Transform(v, Quaternion.CreateFromAxisAngle(Vector3.Normalize(axis), angle));

        [Differentiable]
        public static float Algebra(Quaternion a, Quaternion b, Vector3 v)
        {
            var q = Quaternion.Normalize(a * b);
            var r = Quaternion.Concatenate(q, Quaternion.Conjugate(b)) / a + Quaternion.Inverse(q) * 0.5f - q;
            r *= Quaternion.Multiply(b, 2f);
            r += -Quaternion.Negate(a);
            var w = Vector3.Transform(v, Quaternion.Normalize(r));
            return w.X + 2 * w.Y - w.Z + Quaternion.Dot(q, r) + r.Length() - Quaternion.Divide(a, b).LengthSquared();
        }

        // A three-joint arm: each joint turns the rest of the arm by yaw, pitch and roll; where its tip ends up.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Tip(float yaw, float pitch, float roll)
        {
            var turn = Quaternion.CreateFromYawPitchRoll(yaw, pitch, roll);
            var orientation = Quaternion.Identity;
            var tip = Vector3.Zero;
            for (int i = 0; i < 3; i++)
            {
                orientation = orientation * turn;
                tip += Vector3.Transform(Vector3.UnitX, orientation);
            }

            return tip;
        }
    }
}";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "Quaternions").Assembly.GetType("Quaternions.Q")!);

        [Theory]
        [InlineData(0.4f)]
        [InlineData(2.1f)]
        public void Rotation_DerivativeInItsAngle_IsRodriguesClosedForm(float angle)
        {
            // R(θ)v = v cos θ + (k × v) sin θ + k (k·v)(1 − cos θ), so dR/dθ v = −v sin θ + (k × v) cos θ + k (k·v) sin θ.
            var (v, axis) = (new Vector3(0.5f, -1.5f, 2.0f), new Vector3(1.1f, 0.3f, -0.8f));
            var k = Vector3.Normalize(axis);
            var expected = -v * MathF.Sin(angle) + Vector3.Cross(k, v) * MathF.Cos(angle) + k * Vector3.Dot(k, v) * MathF.Sin(angle);
            var (forward, _) = Reflect.Invoke(Type.Value, "RotateForward", v, axis, angle, Vector3.Zero, Vector3.Zero, 1f);
            var value = (Vector3)forward!.GetType().GetField("Item1")!.GetValue(forward)!;
            var tangent = (Vector3)forward.GetType().GetField("Item2")!.GetValue(forward)!;
            StructLeaves.AssertClose(StructLeaves.Of(Vector3.Transform(v, Quaternion.CreateFromAxisAngle(k, angle))), StructLeaves.Of(value), 1e-5, "value");
            StructLeaves.AssertClose(StructLeaves.Of(expected), StructLeaves.Of(tangent), 1e-5, "d/dθ");
            StructLeaves.CheckVectorValued(Type.Value, "Rotate", new object[] { v, axis, angle }, 5e-3);
        }

        [Fact]
        public void ProductInverseAndFriends_MatchFiniteDifferences()
        {
            var args = new object[] { new Quaternion(0.3f, -0.5f, 0.7f, 0.9f), new Quaternion(-0.2f, 0.4f, 0.1f, 1.1f), new Vector3(0.5f, -1.5f, 2.0f) };
            StructLeaves.CheckScalar(Type.Value, "Algebra", args, tolerance: 5e-3, valueDigits: 4);
        }

        [Fact]
        public void ArmOfYawPitchRollJoints_MatchesSystemNumericsAndFiniteDifferences() =>
            StructLeaves.CheckVectorValued(Type.Value, "Tip", new object[] { 0.3f, -0.4f, 0.6f }, 5e-3);
    }
}
