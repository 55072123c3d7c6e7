using System;
using System.Linq;
using System.Numerics;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// System.Numerics Complex as a differentiable value of two reals (Real, Imaginary): its arithmetic and functions
    /// written out over them, checked against central finite differences of System.Numerics' own implementation, and
    /// against the closed form of an analytic function's derivative.
    /// </summary>
    public class ComplexTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Cx
{
    public static partial class C
    {
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Complex Root(Complex z) => Complex.Sqrt(z);

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Power(Complex z) => (z * z * z - 2 * z + Complex.One).Magnitude;

        // The magnitude response of an RC low-pass filter at angular frequency w, times the cosine of its phase.
        [Differentiable]
        public static double Response(double w, double r, double c)
        {
            var h = Complex.One / new Complex(1, w * r * c);
            return h.Magnitude * Math.Cos(h.Phase);
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Complex Mix(Complex z, double t) =>
            Complex.Exp(z * t) + Complex.Log(z) * Complex.Sqrt(z) - Complex.Pow(z, 1.5) + Complex.Pow(z, new Complex(0.5, t)) / Complex.Conjugate(z)
            + Complex.Sin(z) * Complex.Cos(z) + Complex.Reciprocal(z) + Complex.FromPolarCoordinates(t, z.Phase) + Complex.Log10(z) + Complex.Log(z, 3.0)
            - Complex.Abs(z) + (-z) / 2;

        [Differentiable]
        public static double Iterate(Complex c)
        {
            var z = Complex.Zero;
            for (int i = 0; i < 4; i++)
            {
                z = z * z + c;
                z *= 0.9;
                z += Complex.ImaginaryOne * 0.1;
            }

            return z.Magnitude + z.Real * z.Imaginary;
        }

        // The magnitude of a DFT bin at a continuous frequency f.
        [Differentiable]
        public static double Dft(double[] x, double f)
        {
            var sum = Complex.Zero;
            for (int k = 0; k < x.Length; k++)
            {
                sum += x[k] * Complex.FromPolarCoordinates(1, -2 * Math.PI * f * k / x.Length);
            }

            return sum.Magnitude;
        }
    }
}
";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "Cx").Assembly.GetType("Cx.C")!);

        [Theory]
        [InlineData(0.8, 0.6)]
        [InlineData(-0.7, 0.4)]
        [InlineData(-0.7, -0.4)]
        [InlineData(1.3, -0.2)]
        public void SquareRoot_JacobianIsTheClosedFormOfAnAnalyticDerivative(double re, double im)
        {
            // d√z/dz = 1/(2√z) = g; as a map of (Re, Im) its Jacobian is [[Re g, −Im g], [Im g, Re g]].
            var g = 1 / (2 * Complex.Sqrt(new Complex(re, im)));
            var jacobian = new double[2, 2];
            var (value, _) = Reflect.Invoke(Type.Value, "RootJacobian", new Complex(re, im), jacobian);
            Assert.Equal(Complex.Sqrt(new Complex(re, im)).Real, ((Complex)value!).Real, 14);
            Assert.Equal(Complex.Sqrt(new Complex(re, im)).Imaginary, ((Complex)value!).Imaginary, 14);
            StructLeaves.AssertClose(new[] { g.Real, -g.Imaginary, g.Imaginary, g.Real }, jacobian.Cast<double>().ToArray(), 1e-12, "Jacobian");
        }

        [Theory]
        [InlineData(0.8, 0.6, 0.4)]
        [InlineData(-0.7, 0.4, 1.1)]
        [InlineData(-0.7, -0.4, -0.3)]
        public void Functions_MatchSystemNumericsAndFiniteDifferences(double re, double im, double t)
        {
            var args = new object[] { new Complex(re, im), t };
            var primal = (Complex)Reflect.Invoke(Type.Value, "Mix", args).Result!;
            var (forward, _) = Reflect.Invoke(Type.Value, "MixForward", new Complex(re, im), t, Complex.Zero, 0.0);
            var value = (Complex)forward!.GetType().GetField("Item1")!.GetValue(forward)!;
            StructLeaves.AssertClose(new[] { primal.Real, primal.Imaginary }, new[] { value.Real, value.Imaginary }, 1e-12, "value");
            StructLeaves.CheckVectorValued(Type.Value, "Mix", args, 1e-6);
        }

        [Fact]
        public void Magnitude_MatchesFiniteDifferencesAndItsHessian()
        {
            StructLeaves.CheckScalar(Type.Value, "Power", new object[] { new Complex(0.3, 1.2) });
            StructLeaves.CheckHessian(Type.Value, "Power", new object[] { new Complex(0.3, 1.2) }, 1e-5);
        }

        [Fact]
        public void FilterResponse_MatchesTheClosedForm()
        {
            // H = 1/(1 + iu), u = wrc: |H| cos(arg H) = Re H = 1/(1 + u²), whose derivative in w is −2u·rc/(1 + u²)².
            var (w, r, c) = (2.0, 0.5, 0.7);
            var u = w * r * c;
            var (_, outs) = Reflect.Invoke(Type.Value, "ResponseGradient", w, r, c, null, null, null);
            Assert.Equal(-2 * u * r * c / Math.Pow(1 + u * u, 2), (double)outs[3]!, 12);
            StructLeaves.CheckScalar(Type.Value, "Response", new object[] { w, r, c });
        }

        [Fact]
        public void LoopsWithCompoundAssignments_MatchFiniteDifferences() =>
            StructLeaves.CheckScalar(Type.Value, "Iterate", new object[] { new Complex(-0.4, 0.3) });

        [Fact]
        public void DftOfAnArray_MatchesFiniteDifferences()
        {
            var x = new[] { 0.5, -1.2, 0.8, 0.3, -0.4 };
            var f = 1.3;
            var (_, outs) = Reflect.Invoke(Type.Value, "DftGradient", x, f, new double[5], null);
            var h = 1e-6;
            double At(double[] xs, double freq) => (double)Reflect.Invoke(Type.Value, "Dft", xs, freq).Result!;
            Assert.Equal((At(x, f + h) - At(x, f - h)) / (2 * h), (double)outs[3]!, 6);
            var dx = (double[])outs[2]!;
            for (var k = 0; k < x.Length; k++)
            {
                var (up, down) = ((double[])x.Clone(), (double[])x.Clone());
                up[k] += h;
                down[k] -= h;
                Assert.Equal((At(up, f) - At(down, f)) / (2 * h), dx[k], 6);
            }
        }
    }
}
