using System;
using System.Linq;
using System.Numerics;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// System.Numerics Quaternion: its product, inverse, construction from an axis and angle or yaw, pitch and roll, and
    /// the rotation of a Vector3 by it (unit or not, as System.Numerics computes it), written out over the leaves. Checked against System.Numerics' values, central
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

        // A rotation by a quaternion as given, unit or not: System.Numerics' own formula, whose derivative along q leaves the unit sphere.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Turned(Vector3 v, Quaternion q) => Vector3.Transform(v, q);

        // Back from a rotation matrix: four branches, by the trace and the largest diagonal element.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Quaternion FromMatrix(Matrix4x4 m) => Quaternion.CreateFromRotationMatrix(m);

        // The same for the other vectors: a Vector2 in its plane, a Vector4's w (and a smaller vector's implied 1) kept or scaled as System.Numerics does.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector4 TurnedAll(Vector2 a, Vector4 b, Vector3 c, Quaternion q) =>
            new Vector4(Vector2.Transform(a, q), 0f, 0f) + Vector4.Transform(b, q) * 2f + Vector4.Transform(c, q) * 3f + Vector4.Transform(a, q) * 4f;

        // Interpolated orientations, as System.Numerics computes them (its value is the primal's).
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Quaternion Blend(Quaternion a, Quaternion b, float t, float s) =>
            Quaternion.Slerp(a, b, t) + Quaternion.Lerp(b, a, s);
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

        private static System.Numerics.Quaternion Turn(float angle) =>
            System.Numerics.Quaternion.CreateFromAxisAngle(System.Numerics.Vector3.Normalize(new System.Numerics.Vector3(1, 2, 2)), angle) * new System.Numerics.Quaternion(0.01f, 0, 0, 1);

        /// <summary>Slerp and Lerp on both arcs (a·b of either sign).</summary>
        [Theory]
        [InlineData(0.3f, 0.9f, 0.25f, 0.6f)]
        [InlineData(0.3f, -2.6f, 0.7f, 0.2f)]
        public void SlerpAndLerp_MatchSystemNumericsAndFiniteDifferences(float angleA, float angleB, float t, float s) =>
            StructLeaves.CheckVectorValued(Type.Value, "Blend", new object[] { Turn(angleA), Turn(angleB), t, s }, 2e-2);

        /// <summary>
        /// Where a and b nearly coincide (a·b &gt; 1 − 1e-6) Slerp takes System.Numerics' linear weights, (1 − t) a + t b,
        /// whose derivative in t is b − a (finite differences would cross the threshold).
        /// </summary>
        [Fact]
        public void SlerpOfNearlyEqualQuaternions_HasTheLinearWeightsDerivative()
        {
            var (a, b) = (Turn(0.3f), Turn(0.301f));
            var jacobian = new float[4, 10];
            Reflect.Invoke(Type.Value, "BlendJacobian", a, b, 0.4f, 0.5f, jacobian);
            var difference = StructLeaves.Of(b).Zip(StructLeaves.Of(a), (x, y) => x - y).ToArray();
            StructLeaves.AssertClose(difference, Enumerable.Range(0, 4).Select(i => (double)jacobian[i, 8]).ToArray(), 1e-6, "∂/∂t");
        }

        /// <summary>A unit quaternion and one of length 1.3: values as System.Numerics', derivatives as its formula's.</summary>
        [Theory]
        [InlineData(1.0f)]
        [InlineData(1.3f)]
        public void RotationByAQuaternionUnitOrNot_MatchesSystemNumericsAndFiniteDifferences(float length)
        {
            var q = System.Numerics.Quaternion.Normalize(new System.Numerics.Quaternion(0.2f, -0.4f, 0.1f, 0.9f)) * length;
            StructLeaves.CheckVectorValued(Type.Value, "Turned", new object[] { new Vector3(0.5f, -1.5f, 2.0f), q }, 5e-3);
            StructLeaves.CheckVectorValued(Type.Value, "TurnedAll", new object[] { new Vector2(0.5f, -1.5f), new Vector4(0.3f, -0.8f, 0.5f, 1.2f), new Vector3(1.1f, 0.3f, -0.8f), q }, 1e-2);
        }

        /// <summary>Each branch of CreateFromRotationMatrix: a positive trace, then x, y or z the largest.</summary>
        [Theory]
        [InlineData(0.1f, 0.2f, 0.1f, 0.95f)]
        [InlineData(0.9f, 0.2f, 0.1f, 0.1f)]
        [InlineData(0.1f, 0.9f, 0.2f, 0.1f)]
        [InlineData(0.1f, 0.2f, 0.9f, 0.1f)]
        public void FromRotationMatrix_MatchesSystemNumericsAndFiniteDifferencesInEachBranch(float x, float y, float z, float w) =>
            StructLeaves.CheckVectorValued(Type.Value, "FromMatrix", new object[] { Matrix4x4.CreateFromQuaternion(System.Numerics.Quaternion.Normalize(new System.Numerics.Quaternion(x, y, z, w))) }, 5e-3);

        [Fact]
        public void ArmOfYawPitchRollJoints_MatchesSystemNumericsAndFiniteDifferences() =>
            StructLeaves.CheckVectorValued(Type.Value, "Tip", new object[] { 0.3f, -0.4f, 0.6f }, 5e-3);
    }
}
