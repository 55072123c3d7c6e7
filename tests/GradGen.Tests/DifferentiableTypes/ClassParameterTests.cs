using System;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// A class instance holding model parameters: its real and real-array fields are differentiated, and its derivative
    /// is another instance the caller passes (<c>LossGradient(p, x, dP, out dX)</c>). Checked against central finite
    /// differences over the fields and closed forms; what is not followed is an error where it is written.
    /// </summary>
    public class ClassParameterTests
    {
        private const string Source = @"
using System;
using GradGen;

namespace Models
{
    public class Layer
    {
        public double[] W = new double[0];
        public double Bias;
    }

    // Fields of the base class count too; an int is read as it is.
    public sealed class Net : Layer
    {
        public int Hidden = 2;
        public double Scale { get; set; } = 1;
    }

    // A derived class hides a field of its base: Bias reads the derived one.
    public class Hidden
    {
        public double Bias;
    }

    public sealed class Hiding : Hidden
    {
        public new double Bias;
        public double[]? Unused;
    }

    public sealed class Small
    {
        public float Gain;
        public float[] Taps = new float[0];
    }

    public static partial class M
    {
        [Differentiable]
        public static double Loss(Net p, double[] x, double y)
        {
            var s = p.Bias;
            for (int i = 0; i < p.Hidden; i++)
            {
                s += Math.Tanh(p.W[i] * x[i]) * p.Scale;
            }

            var e = s - y;
            return e * e;
        }

        [Differentiable]
        public static double Square(Hiding h) => h.Bias * h.Bias;

        [Differentiable]
        public static float Filter(Small f, float u)
        {
            var acc = 0f;
            foreach (var t in f.Taps)
            {
                acc = acc * u + t;
            }

            return f.Gain * acc;
        }
    }
}";

        private static readonly Lazy<Assembly> Assembly = new(() => GeneratorHarness.CompileAndLoad(Source, "Models").Assembly);

        private static Type M => Assembly.Value.GetType("Models.M")!;

        private static object Net(double[] w, double bias, double scale)
        {
            var net = Activator.CreateInstance(Assembly.Value.GetType("Models.Net")!)!;
            net.GetType().GetField("W")!.SetValue(net, w);
            net.GetType().GetField("Bias")!.SetValue(net, bias);
            net.GetType().GetProperty("Scale")!.SetValue(net, scale);
            return net;
        }

        /// <summary>The model's reals in declaration order: W, Bias, Scale.</summary>
        private static double[] Leaves(object net) =>
            ((double[])net.GetType().GetField("W")!.GetValue(net)!).Append((double)net.GetType().GetField("Bias")!.GetValue(net)!).Append((double)net.GetType().GetProperty("Scale")!.GetValue(net)!).ToArray();

        private static object NetOf(double[] leaves) => Net(leaves.Take(2).ToArray(), leaves[2], leaves[3]);

        private static readonly double[] Point = { 0.7, -0.4, 0.3, 1.3 };
        private static readonly double[] X = { 0.9, 1.7 };

        private static double Loss(double[] leaves, double[] x, double y) => Reflect.ToDouble(Reflect.Invoke(M, "Loss", NetOf(leaves), x, y).Result);

        [Fact]
        public void Gradient_FillsTheGivenInstance_AndAgreesWithFiniteDifferences()
        {
            var gradient = Net(new double[2], 9, 9);
            var (value, outs) = Reflect.Invoke(M, "LossGradient", NetOf(Point), X, 0.5, gradient, new double[2], null);
            Assert.Equal(Loss(Point, X, 0.5), Reflect.ToDouble(value), 12);

            var expected = Enumerable.Range(0, Point.Length).Select(j =>
            {
                var (plus, minus) = ((double[])Point.Clone(), (double[])Point.Clone());
                plus[j] += 1e-6;
                minus[j] -= 1e-6;
                return (Loss(plus, X, 0.5) - Loss(minus, X, 0.5)) / 2e-6;
            }).ToArray();
            StructLeaves.AssertClose(expected, Leaves(gradient), 1e-7, "dP");

            // The data's gradient too: ∂/∂x[i] = 2e · tanh'(w x) w · scale.
            var s = Point[2] + Enumerable.Range(0, 2).Sum(i => Math.Tanh(Point[i] * X[i]) * Point[3]);
            var dX = Enumerable.Range(0, 2).Select(i => 2 * (s - 0.5) * (1 - Math.Pow(Math.Tanh(Point[i] * X[i]), 2)) * Point[i] * Point[3]).ToArray();
            StructLeaves.AssertClose(dX, (double[])outs[4]!, 1e-12, "dX");
        }

        [Fact]
        public void Reverse_AddsIntoTheInstance_AndForwardIsTheGradientAlongTheTangentInstance()
        {
            var gradient = Net(new double[2], 0, 0);
            Reflect.Invoke(M, "LossGradient", NetOf(Point), X, 0.5, gradient, new double[2], null);
            var g = Leaves(gradient);

            var start = new[] { 0.1, 0.2, 0.3, 0.4 };
            var accumulated = NetOf(start);
            Reflect.Invoke(M, "LossReverse", NetOf(Point), X, 0.5, 2.0, accumulated, new double[2], 0.0);
            StructLeaves.AssertClose(start.Zip(g, (a, b) => a + 2 * b).ToArray(), Leaves(accumulated), 1e-12, "Reverse");

            var direction = new[] { 1.0, -0.5, 0.25, 2.0 };
            var (forward, _) = Reflect.Invoke(M, "LossForward", NetOf(Point), X, 0.5, NetOf(direction), new double[2], 0.0);
            Assert.Equal(g.Zip(direction, (a, b) => a * b).Sum(), Reflect.ReadPair(forward).Tangent, 12);
        }

        [Fact]
        public void AFloatModel_HasTheClosedFormGradient()
        {
            // Filter = gain · (t0 u² + t1 u + t2) by Horner's rule.
            var small = Activator.CreateInstance(Assembly.Value.GetType("Models.Small")!)!;
            small.GetType().GetField("Gain")!.SetValue(small, 1.5f);
            small.GetType().GetField("Taps")!.SetValue(small, new[] { 0.5f, -1f, 2f });
            var gradient = Activator.CreateInstance(small.GetType())!;
            gradient.GetType().GetField("Taps")!.SetValue(gradient, new float[3]);
            var (_, outs) = Reflect.Invoke(M, "FilterGradient", small, 0.8f, gradient, null);
            Assert.Equal(0.5 * 0.64 - 0.8 + 2, (float)gradient.GetType().GetField("Gain")!.GetValue(gradient)!, 5);
            StructLeaves.AssertClose(new[] { 1.5 * 0.64, 1.5 * 0.8, 1.5 }, ((float[])gradient.GetType().GetField("Taps")!.GetValue(gradient)!).Select(t => (double)t).ToArray(), 1e-6, "dF.Taps");
            Assert.Equal(1.5 * (2 * 0.5 * 0.8 - 1), Reflect.ToDouble(outs[3]), 5);
        }

        /// <summary>A hidden base field is no leaf (it used to overwrite the derived one's derivative with 0), and an array left null on both sides asks nothing.</summary>
        [Fact]
        public void AHiddenFieldAndANullArray_AreLeftAlone()
        {
            var type = Assembly.Value.GetType("Models.Hiding")!;
            var h = Activator.CreateInstance(type)!;
            type.GetField("Bias", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!.SetValue(h, 1.5);
            var gradient = Activator.CreateInstance(type)!;
            var (value, _) = Reflect.Invoke(M, "SquareGradient", h, gradient);
            Assert.Equal(2.25, Reflect.ToDouble(value), 12);
            Assert.Equal(3.0, (double)type.GetField("Bias", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!.GetValue(gradient)!, 12);
        }

        [Fact]
        public void BadDerivativeInstances_ThrowNamingThem()
        {
            var p = NetOf(Point);
            Assert.Equal("dP", Assert.Throws<ArgumentException>(() => Reflect.Invoke(M, "LossGradient", p, X, 0.5, null, new double[2], null)).ParamName);
            Assert.Equal("dP", Assert.Throws<ArgumentException>(() => Reflect.Invoke(M, "LossGradient", p, X, 0.5, p, new double[2], null)).ParamName);
            Assert.Equal("dP", Assert.Throws<ArgumentException>(() => Reflect.Invoke(M, "LossGradient", p, X, 0.5, Net(new double[3], 0, 0), new double[2], null)).ParamName);
            var sharing = Net((double[])p.GetType().GetField("W")!.GetValue(p)!, 0, 0);
            Assert.Equal("dP", Assert.Throws<ArgumentException>(() => Reflect.Invoke(M, "LossReverse", p, X, 0.5, 1.0, sharing, new double[2], 0.0)).ParamName);
            Assert.Equal(Point, Leaves(p));
        }

        private const string Types = @"
    public sealed class Net
    {
        public double W;
        public double[] B = new double[2];
        public System.Collections.Generic.List<double> Extra = new();
        public double Twice() => 2 * W;
    }
    public sealed class Frozen
    {
        public readonly double W = 1;
    }";

        [Theory]
        [InlineData("double Bad(Net p) { {|GG0004:p.W|} = 1; return p.W; }", "GG0004", "field 'W'")]
        [InlineData("double Bad(Net p) { {|GG0004:p.B[0]|} = 1; return p.W; }", "GG0004", "array element")]
        [InlineData("double Bad(Net p) => Use({|GG0005:p|});", "GG0005", "as a whole")]
        [InlineData("double Bad(Net p) => {|GG0005:p|}.Twice();", "GG0005", "as a whole")]
        [InlineData("double Bad(Net p) => p.W * {|GG0019:p.Extra|}.Count;", "GG0019", "member 'Extra'")]
        [InlineData("double Bad({|GG0019:Frozen f|}) => f.W;", "GG0019", "Frozen")]
        [InlineData("double Bad(Net p) => Take({|GG0005:p|}, p.W);", "GG0005", "given to a method")]
        [InlineData("double Bad(Net p, double x) { var b = {|GG0005:p.B|}; b[0] = x; return b[0] * p.W; }", "GG0005", "array 'p.B' of a class parameter")]
        public async Task WhatIsNotFollowed_IsAnErrorWhereItIsWritten(string method, string id, string message)
        {
            var v = await MarkupVerifier.VerifyAsync(Source(@"
        private static double Use(Net p) => p.W;
        [Differentiable] public static double Take(Net p, double s) => p.W * s;
        [Differentiable] public static " + method, extraTypes: Types));
            v.AssertMessage(id, message);
            Assert.DoesNotContain(v.Run.GeneratedSources.Keys, k => k.Contains(".Bad."));
        }

        [Fact]
        public async Task AJacobianOrHessian_OfAClassParameter_IsNotApplicable()
        {
            var v = await MarkupVerifier.VerifyAsync(Source(@"
        [{|GG0012:Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Hessian)|}] public static double Bad(Net p) => p.W * p.W;", extraTypes: Types));
            v.AssertMessage("GG0012", "is a class");
        }
    }
}
