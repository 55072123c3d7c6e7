using System;
using System.Linq;
using System.Numerics;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// System.Numerics Matrix4x4 and Matrix3x2 (row vectors, v' = v·M): products, transposes, transforms of vectors and
    /// the common constructors (view matrices too) and Invert, written out over the 16 or 6 leaves. Checked against System.Numerics' values, central
    /// finite differences, and the closed form of a rotation's derivative.
    /// </summary>
    public class MatrixTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Matrices
{
    public static partial class Mx
    {
        // A point moved by a chain of transforms: scale, rotations about three axes, a rotation from a quaternion, a
        // translation, and a matrix given by the caller; then its normal and a 4-vector through the same chain.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Chain(Vector3 p, float a, float b, Quaternion q, Matrix4x4 m)
        {
            var world = Matrix4x4.CreateScale(1.5f) * Matrix4x4.CreateRotationX(a) * Matrix4x4.CreateRotationY(b) * Matrix4x4.CreateRotationZ(a * b)
                * Matrix4x4.CreateFromQuaternion(Quaternion.Normalize(q)) * Matrix4x4.CreateTranslation(p) * Matrix4x4.Transpose(m);
            world = Matrix4x4.Multiply(world, Matrix4x4.CreateScale(new Vector3(1, 2, 0.5f))) + m * 0.25f - Matrix4x4.Lerp(m, world, 0.5f);
            var n = Vector3.TransformNormal(Vector3.UnitY, world);
            var w = Vector4.Transform(new Vector4(p, 1), world);
            return Vector3.Transform(p, world) + n * 0.1f + new Vector3(w.X, w.Y, w.W) * 0.01f;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector2 Flat(Vector2 v, Vector2 shift, Matrix3x2 m) =>
            Vector2.Transform(v, Matrix3x2.CreateScale(shift) * m * Matrix3x2.CreateTranslation(shift)) + Vector2.TransformNormal(v, m);

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Bounce(Vector3 v, Vector3 n) => Vector3.Reflect(v, Vector3.Normalize(n));

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Turn(Vector3 v, float angle) => Vector3.Transform(v, Matrix4x4.CreateRotationZ(angle));

        // The inverse, and a linear solve through it that gives up on a singular matrix.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix4x4 Inverse(Matrix4x4 m)
        {
            Matrix4x4.Invert(m, out var inverse);
            return inverse;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix3x2 Inverse2D(Matrix3x2 m)
        {
            Matrix3x2.Invert(m, out var inverse);
            return inverse;
        }

        [Differentiable]
        public static float Solve(Matrix4x4 m, Vector4 b)
        {
            if (!Matrix4x4.Invert(m, out Matrix4x4 inverse))
                return 0f;
            var x = Vector4.Transform(b, inverse);
            return x.X + 2 * x.Y - x.Z * x.W;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix4x4 Orientation(float yaw, float pitch, float roll) => Matrix4x4.CreateFromYawPitchRoll(yaw, pitch, roll);

        // Translations and scales from their reals as well as from vectors.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix4x4 Placed(float x, float y, float z) =>
            Matrix4x4.CreateTranslation(x, y, z) * Matrix4x4.CreateScale(x, y * 2, z + 1) + Matrix4x4.CreateScale(new Vector3(x, y, z));

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix3x2 Placed2D(float x, float y) => Matrix3x2.CreateTranslation(x, y) * Matrix3x2.CreateScale(x, y * 2) + Matrix3x2.CreateScale(x);

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix4x4 AboutAxis(Vector3 axis, float angle) => Matrix4x4.CreateFromAxisAngle(axis, angle);

        // Inverses in a loop behind a branch, a rotation matrix and back, a plane through three points: second derivatives.
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static float Together(Matrix4x4 m, float s)
        {
            float total = 0f;
            var a = m;
            for (int i = 0; i < 3; i++)
            {
                if (Matrix4x4.Invert(a * s + Matrix4x4.Identity, out var inv))
                    total += inv.M11 * inv.M22 - inv.M43;
                a = a * 0.5f;
            }

            var q = Quaternion.CreateFromRotationMatrix(Matrix4x4.CreateFromYawPitchRoll(s, 0.3f, 0.1f));
            return total + q.X * q.W + Plane.DotCoordinate(Plane.CreateFromVertices(Vector3.UnitX, Vector3.UnitY * s, Vector3.UnitZ), new Vector3(s, 1, 2));
        }

        // Every projection, each weighted differently so that a wrong one shows.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix4x4 Projections(float fov, float aspect, float near, float far, float w, float h) =>
            Matrix4x4.CreatePerspectiveFieldOfView(fov, aspect, near, far) + Matrix4x4.CreatePerspectiveFieldOfViewLeftHanded(fov, aspect, near, far) * 2f
            + Matrix4x4.CreatePerspective(w, h, near, far) * 3f + Matrix4x4.CreatePerspectiveLeftHanded(w, h, near, far) * 4f
            + Matrix4x4.CreatePerspectiveOffCenter(-w, h, -aspect, fov, near, far) * 5f + Matrix4x4.CreatePerspectiveOffCenterLeftHanded(-w, h, -aspect, fov, near, far) * 6f
            + Matrix4x4.CreateOrthographic(w, h, near, far) * 7f + Matrix4x4.CreateOrthographicLeftHanded(w, h, near, far) * 8f
            + Matrix4x4.CreateOrthographicOffCenter(-w, h, -aspect, fov, near, far) * 9f + Matrix4x4.CreateOrthographicOffCenterLeftHanded(-w, h, -aspect, fov, near, far) * 10f;

        // A projection with an infinite far plane.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector4 Projected(Vector4 p, float fov, float near) =>
            Vector4.Transform(p, Matrix4x4.CreatePerspectiveFieldOfView(fov, 1.5f, near, float.PositiveInfinity));

        // Constant arguments in range: no test of them in the generated code (C# would warn of unreachable code).
        [Differentiable]
        public static float Fixed(Vector4 p) => Vector4.Transform(p, Matrix4x4.CreatePerspectiveFieldOfView(1.1f, 1.5f, 0.3f, 40f)).Z;

        // View matrices: a camera at eye looking at target (or along a direction), right- and left-handed.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Matrix4x4 View(Vector3 eye, Vector3 target, Vector3 up) => Matrix4x4.CreateLookAt(eye, target, up);

        [Differentiable]
        public static float Seen(Vector3 eye, Vector3 target, Vector3 p)
        {
            var v = Vector3.Transform(p, Matrix4x4.CreateLookAtLeftHanded(eye, target, Vector3.UnitY))
                + Vector3.Transform(p, Matrix4x4.CreateLookTo(eye, target, Vector3.UnitY))
                + Vector3.Transform(p, Matrix4x4.CreateLookToLeftHanded(eye, target, Vector3.UnitZ));
            return v.X + 2 * v.Y - v.Z;
        }
    }
}";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "Matrices").Assembly.GetType("Matrices.Mx")!);

        private static Matrix4x4 M => new(0.9f, 0.1f, -0.2f, 0.05f, 0.3f, 1.1f, 0.2f, -0.1f, -0.4f, 0.2f, 0.8f, 0.15f, 0.5f, -0.3f, 0.7f, 1.2f);

        [Fact]
        public void ChainOfTransforms_MatchesSystemNumericsAndFiniteDifferences()
        {
            var args = new object[] { new Vector3(0.5f, -1.5f, 2.0f), 0.4f, -0.7f, new Quaternion(0.3f, -0.5f, 0.7f, 0.9f), M };
            StructLeaves.CheckVectorValued(Type.Value, "Chain", args, 1e-2);
        }

        [Fact]
        public void Matrix3x2Transforms_MatchSystemNumericsAndFiniteDifferences()
        {
            var args = new object[] { new Vector2(0.5f, -1.5f), new Vector2(1.2f, 0.7f), new Matrix3x2(0.9f, 0.1f, -0.3f, 1.1f, 0.4f, -0.6f) };
            StructLeaves.CheckVectorValued(Type.Value, "Flat", args, 5e-3);
        }

        [Fact]
        public void Inverse_IsSystemNumericsAndItsDerivativeTheClosedForm()
        {
            // d(M⁻¹) = −M⁻¹ dM M⁻¹, along one direction; the whole Jacobian and the solve against finite differences.
            var dM = new Matrix4x4(0.2f, -0.1f, 0.3f, 0f, 0.1f, 0.4f, -0.2f, 0.3f, 0f, 0.2f, 0.1f, -0.3f, 0.5f, 0f, -0.1f, 0.2f);
            Matrix4x4.Invert(M, out var inverse);
            var (forward, _) = Reflect.Invoke(Type.Value, "InverseForward", M, dM);
            StructLeaves.AssertClose(StructLeaves.Of(inverse), StructLeaves.Of(forward!.GetType().GetField("Item1")!.GetValue(forward)!), 1e-5, "value");
            StructLeaves.AssertClose(StructLeaves.Of(-(inverse * dM * inverse)), StructLeaves.Of(forward.GetType().GetField("Item2")!.GetValue(forward)!), 1e-4, "d/dM along dM");
            StructLeaves.CheckVectorValued(Type.Value, "Inverse", new object[] { M }, 1e-2);
            StructLeaves.CheckVectorValued(Type.Value, "Inverse2D", new object[] { new Matrix3x2(0.9f, 0.1f, -0.3f, 1.1f, 0.4f, -0.6f) }, 5e-3);
            StructLeaves.CheckScalar(Type.Value, "Solve", new object[] { M, new Vector4(0.3f, -0.7f, 1.1f, 0.4f) }, tolerance: 1e-2, valueDigits: 4);

            // A singular matrix: Invert says false (the elements NaN, as System.Numerics leaves them); the solve gives up, with no derivative.
            Assert.True(float.IsNaN(((Matrix4x4)Reflect.Invoke(Type.Value, "Inverse", default(Matrix4x4)).Result!).M11));
            var (value, outs) = Reflect.Invoke(Type.Value, "SolveGradient", default(Matrix4x4), new Vector4(1f, 2f, 3f, 4f), null, null);
            Assert.Equal(0f, (float)value!);
            Assert.All(outs.Skip(2).SelectMany(o => StructLeaves.Of(o!)), d => Assert.Equal(0.0, d));
        }

        [Fact]
        public void ConstructorsFromRealsAndAngles_AndAHessianThroughInversesRotationsAndPlanes()
        {
            StructLeaves.CheckVectorValued(Type.Value, "Orientation", new object[] { 0.4f, -0.7f, 1.1f }, 5e-3);

            StructLeaves.CheckVectorValued(Type.Value, "Placed", new object[] { 0.3f, -0.8f, 1.5f }, 5e-3);
            StructLeaves.CheckVectorValued(Type.Value, "Placed2D", new object[] { 0.3f, -0.8f }, 5e-3);

            // The axis as given, unit or not (System.Numerics does not normalise it).
            StructLeaves.CheckVectorValued(Type.Value, "AboutAxis", new object[] { Vector3.Normalize(new Vector3(0.3f, -0.8f, 0.5f)), 0.7f }, 5e-3);
            StructLeaves.CheckVectorValued(Type.Value, "AboutAxis", new object[] { new Vector3(0.3f, -0.8f, 0.5f), -2.1f }, 5e-3);
            StructLeaves.CheckScalar(Type.Value, "Together", new object[] { M, 0.4f }, tolerance: 1e-2, valueDigits: 3);
            StructLeaves.CheckHessian(Type.Value, "Together", new object[] { M, 0.4f }, tolerance: 5e-2);
        }

        [Fact]
        public void Projections_MatchSystemNumericsAndFiniteDifferences_AndThrowAsItDoes()
        {
            StructLeaves.CheckVectorValued(Type.Value, "Projections", new object[] { 1.1f, 1.5f, 0.3f, 4f, 2f, 1.7f }, 1e-2);
            StructLeaves.CheckVectorValued(Type.Value, "Projected", new object[] { new Vector4(0.3f, -0.6f, -2f, 1f), 1.1f, 0.3f }, 5e-3);

            StructLeaves.CheckScalar(Type.Value, "Fixed", new object[] { new Vector4(0.3f, -0.6f, -2f, 1f) }, tolerance: 5e-3, valueDigits: 4);
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.Header + "using System.Numerics; public static partial class Bad { [Differentiable] static float F(float f) => Matrix4x4.CreatePerspectiveFieldOfView(f, 1.5f, 0f, 40f).M11; }");
            Assert.Contains(diagnostics, d => d.Id == "GG0005" && d.GetMessage().Contains("'nearPlaneDistance' out of range"));

            // Out of range: System.Numerics' exception and parameter, from the derivatives too.
            foreach (var (fov, near, far, parameter) in new[] { (0f, 0.3f, 4f, "fieldOfView"), (3.2f, 0.3f, 4f, "fieldOfView"), (1.1f, 0f, 4f, "nearPlaneDistance"), (1.1f, 0.3f, -1f, "farPlaneDistance"), (1.1f, 5f, 4f, "nearPlaneDistance") })
            {
                var args = new object[] { fov, 1.5f, near, far, 2f, 1.7f };
                Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => Reflect.Invoke(Type.Value, "Projections", args)).ParamName);
                Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => Reflect.Invoke(Type.Value, "ProjectionsJacobian", args.Append(new float[16, 6]).ToArray())).ParamName);
            }
        }

        [Fact]
        public void ViewMatrices_MatchSystemNumericsAndFiniteDifferences()
        {
            var (eye, target, up) = (new Vector3(1f, 2f, 3f), new Vector3(-0.5f, 0.3f, 0.1f), new Vector3(0.1f, 1f, 0.2f));
            StructLeaves.CheckVectorValued(Type.Value, "View", new object[] { eye, target, up }, 5e-3);
            var p = new Vector3(0.7f, -0.4f, 0.9f);
            var v = Vector3.Transform(p, Matrix4x4.CreateLookAtLeftHanded(eye, target, Vector3.UnitY)) + Vector3.Transform(p, Matrix4x4.CreateLookTo(eye, target, Vector3.UnitY))
                + Vector3.Transform(p, Matrix4x4.CreateLookToLeftHanded(eye, target, Vector3.UnitZ));
            Assert.Equal(v.X + 2 * v.Y - v.Z, (float)Reflect.Invoke(Type.Value, "Seen", eye, target, p).Result!, 4);
            StructLeaves.CheckScalar(Type.Value, "Seen", new object[] { eye, target, p }, tolerance: 5e-3, valueDigits: 4);
        }

        [Fact]
        public void Reflection_MatchesSystemNumericsAndFiniteDifferences()
        {
            var args = new object[] { new Vector3(0.5f, -1.5f, 2.0f), new Vector3(1.1f, 0.3f, -0.8f) };
            StructLeaves.CheckVectorValued(Type.Value, "Bounce", args, 5e-3);
        }

        [Fact]
        public void RotationAboutZ_DerivativeInItsAngle_IsTheClosedForm()
        {
            // Row vector times Rz(θ): (x cos θ − y sin θ, x sin θ + y cos θ, z); d/dθ = (−x sin θ − y cos θ, x cos θ − y sin θ, 0).
            var (v, angle) = (new Vector3(0.5f, -1.5f, 2.0f), 0.8f);
            var (forward, _) = Reflect.Invoke(Type.Value, "TurnForward", v, angle, Vector3.Zero, 1f);
            var tangent = (Vector3)forward!.GetType().GetField("Item2")!.GetValue(forward)!;
            var (c, s) = (MathF.Cos(angle), MathF.Sin(angle));
            StructLeaves.AssertClose(new double[] { -v.X * s - v.Y * c, v.X * c - v.Y * s, 0 }, StructLeaves.Of(tangent), 1e-6, "d/dθ");
        }
    }
}
