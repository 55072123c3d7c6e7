using System;
using System.Linq;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// A tuple of reals as a parameter: its derivative is the same tuple type (Forward takes <c>(double X, double Y) dP</c>,
    /// Gradient gives <c>out (double X, double Y) dP</c>, Reverse adds into <c>ref (double X, double Y) dP</c>). Checked
    /// against closed forms and central finite differences.
    /// </summary>
    public class TupleParameterTests
    {
        private const string Source = @"
using System;
using GradGen;

namespace TupleParams
{
    public static partial class M
    {
        // f = X²·Y + k·sin Y, through a copy that is changed and a loop.
        [Differentiable]
        public static double F((double X, double Y) p, double k)
        {
            var q = p;
            q.X = 2 * q.X;
            double s = 0;
            for (int i = 0; i < 3; i++)
            {
                s += q.X * p.Y / 6;
            }

            return s * p.X + k * Math.Sin(q.Y);
        }

        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double F2((double X, double Y) p, double k) => p.X * p.X * p.Y + k * Math.Sin(p.Y);

        // (X·Y, X + Y·Z), unnamed elements.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static (double, double) G((double, double, double) p) => (p.Item1 * p.Item2, p.Item1 + p.Item2 * p.Item3);

        [Differentiable]
        public static float H((float A, float B) v) => v.A * v.A - 3 * v.B;
    }
}";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "TupleParams").Assembly.GetType("TupleParams.M")!);

        private static double F((double X, double Y) p, double k) => p.X * p.X * p.Y + k * Math.Sin(p.Y);

        [Theory]
        [InlineData(0.7, -1.3, 0.4)]
        [InlineData(-2.0, 0.5, 1.5)]
        public void ScalarResult_GradientReverseAndForward_MatchTheClosedForm(double x, double y, double k)
        {
            var p = (x, y);
            var expected = (X: 2 * x * y, Y: x * x + k * Math.Cos(y), K: Math.Sin(y));

            var (value, args) = Reflect.Invoke(Type.Value, "FGradient", p, k, null, null);
            Assert.Equal(F(p, k), (double)value!, 12);
            var dP = ((double, double))args[2]!;
            Assert.Equal(expected.X, dP.Item1, 12);
            Assert.Equal(expected.Y, dP.Item2, 12);
            Assert.Equal(expected.K, (double)args[3]!, 12);

            // Reverse accumulates seed × gradient into what is there.
            var (_, reverse) = Reflect.Invoke(Type.Value, "FReverse", p, k, 2.0, (1.0, -1.0), 0.5);
            var accumulated = ((double, double))reverse[3]!;
            Assert.Equal(1 + 2 * expected.X, accumulated.Item1, 12);
            Assert.Equal(-1 + 2 * expected.Y, accumulated.Item2, 12);
            Assert.Equal(0.5 + 2 * expected.K, (double)reverse[4]!, 12);

            // Forward along (v, w): J·(v, w).
            var (forward, _) = Reflect.Invoke(Type.Value, "FForward", p, k, (0.3, -0.8), 1.1);
            var (fValue, tangent) = Reflect.ReadPair(forward);
            Assert.Equal(F(p, k), fValue, 12);
            Assert.Equal(0.3 * expected.X - 0.8 * expected.Y + 1.1 * expected.K, tangent, 12);

            // And finite differences of the primal itself.
            const double h = 1e-5;
            double Primal((double, double) q, double kk) => (double)Reflect.Invoke(Type.Value, "F", q, kk).Result!;
            Assert.Equal((Primal((x + h, y), k) - Primal((x - h, y), k)) / (2 * h), dP.Item1, 6);
            Assert.Equal((Primal((x, y + h), k) - Primal((x, y - h), k)) / (2 * h), dP.Item2, 6);
        }

        [Fact]
        public void TupleResult_OfATupleParameter_ReverseAndForwardAgreeWithTheJacobian()
        {
            var p = (1.5, -0.5, 2.0);
            // J = [[Y, X, 0], [1, Z, Y]]
            var (forward, _) = Reflect.Invoke(Type.Value, "GForward", p, (0.2, 0.3, -0.4));
            var tangent = ((double, double))forward!.GetType().GetField("Item2")!.GetValue(forward)!;
            Assert.Equal(-0.5 * 0.2 + 1.5 * 0.3, tangent.Item1, 12);
            Assert.Equal(0.2 + 2.0 * 0.3 - 0.5 * -0.4, tangent.Item2, 12);

            var (_, args) = Reflect.Invoke(Type.Value, "GReverse", p, (1.0, -2.0), (0.0, 0.0, 0.0));
            var adjoint = ((double, double, double))args[2]!;
            Assert.Equal(-0.5 * 1.0 + 1.0 * -2.0, adjoint.Item1, 12);
            Assert.Equal(1.5 * 1.0 + 2.0 * -2.0, adjoint.Item2, 12);
            Assert.Equal(-0.5 * -2.0, adjoint.Item3, 12);
        }

        [Fact]
        public void JacobianOverTheFlatIndex_TakesTheTuplesElementsInOrder()
        {
            var p = (1.5, -0.5, 2.0);
            var jacobian = new double[2, 3];
            Reflect.Invoke(Type.Value, "GJacobian", p, jacobian);
            var expected = new double[,] { { -0.5, 1.5, 0 }, { 1, 2.0, -0.5 } };
            for (var i = 0; i < 2; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    Assert.Equal(expected[i, j], jacobian[i, j], 12);
                }
            }
        }

        [Theory]
        [InlineData(0.7, -1.3, 0.4)]
        [InlineData(-2.0, 0.5, 1.5)]
        public void Hessian_AndHessianVectorProduct_MatchTheClosedForm(double x, double y, double k)
        {
            // f = X²Y + k sin Y over (X, Y, k)
            var expected = new[,] { { 2 * y, 2 * x, 0 }, { 2 * x, -k * Math.Sin(y), Math.Cos(y) }, { 0, Math.Cos(y), 0 } };
            var hessian = new double[3, 3];
            Reflect.Invoke(Type.Value, "F2Hessian", (x, y), k, hessian);
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    Assert.Equal(expected[i, j], hessian[i, j], 12);
                }
            }

            var v = new[] { 0.3, -0.7, 1.2 };
            var (_, args) = Reflect.Invoke(Type.Value, "F2HessianVectorProduct", (x, y), k, (v[0], v[1]), v[2], null, null);
            var hvP = ((double, double))args[4]!;
            var hvK = (double)args[5]!;
            double Row(int i) => Enumerable.Range(0, 3).Sum(j => expected[i, j] * v[j]);
            Assert.Equal(Row(0), hvP.Item1, 12);
            Assert.Equal(Row(1), hvP.Item2, 12);
            Assert.Equal(Row(2), hvK, 12);
        }

        [Fact]
        public void FloatTuple_KeepsFloatDerivatives()
        {
            var (_, args) = Reflect.Invoke(Type.Value, "HGradient", (1.5f, 2f), null);
            var dV = ((float, float))args[1]!;
            Assert.Equal(3f, dV.Item1);
            Assert.Equal(-3f, dV.Item2);
        }

        [Fact]
        public void Signatures_DeclareTheTupleTypeForItsDerivatives()
        {
            string Signature(string name) => string.Join(", ", Type.Value.GetMethod(name)!.GetParameters().Select(p => p.ParameterType.Name + (p.IsOut ? " out" : "")));
            Assert.Equal("ValueTuple`2, Double, ValueTuple`2, Double", Signature("FForward"));
            Assert.Equal("ValueTuple`2, Double, ValueTuple`2& out, Double& out", Signature("FGradient"));
            Assert.Equal("ValueTuple`2, Double, Double, ValueTuple`2&, Double&", Signature("FReverse"));
        }

        /// <summary>A tuple made in place and passed to a [Differentiable] method: d/dx Norm2((x, 2x)) = 2x + 8x.</summary>
        [Fact]
        public void ACallPassingATuple_MatchesTheClosedForm()
        {
            var type = GeneratorHarness.CompileAndLoad(Source(@"
        [Differentiable] public static double Norm2((double X, double Y) p) => p.X * p.X + p.Y * p.Y;
        [Differentiable] public static double Caller(double x) => Norm2((x, 2 * x));"), "TupleCall").Assembly.GetTypes().Single(t => t.GetMethod("CallerGradient") is not null);
            var (_, outs) = Reflect.Invoke(type, "CallerGradient", 1.5, null);
            Assert.Equal(10 * 1.5, (double)outs[1]!, 12);
        }
    }
}
