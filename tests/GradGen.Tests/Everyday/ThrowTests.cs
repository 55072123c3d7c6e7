using System;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// <c>throw</c> statements and expressions (<c>c ? v : throw e</c>, <c>v ?? throw e</c>), validation helpers and
    /// <c>Debug.Assert</c> in differentiable code: derivatives where the input is valid (closed forms, finite differences,
    /// forward/reverse agreement, Hessians), and the user's own exception from every generated method where it is not.
    /// </summary>
    public sealed class ThrowTests
    {
        private const string Template = @"
namespace Everyday.Throws
{
    public static partial class Guard_real
    {
        // Σ wᵢ·log(x + i), times x; every way to throw, with messages that read the values.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Checked(real x, real[] w, int n)
        {
            if (n < 0)
                throw new ArgumentOutOfRangeException(nameof(n), n, ""n must not be negative"");
            if (x <= 0r)
            {
                throw new ArgumentException($""x must be positive, was {x:F3} (n = {n,4})"", nameof(x));
            }

            int m = (w ?? throw new ArgumentNullException(nameof(w))).Length;
            real s = 0r;
            for (int i = 0; i < m; i++)
            {
                if (real.IsNaN(w[i]))
                    throw new ArgumentException(""NaN weight at "" + i + "": "" + w[i].ToString() + "" {braces}"");
                s += w[i] * MathR.Log(x + i);
            }

            real r = s > -100r ? s * x : throw new InvalidOperationException($""diverged: {s} {{literal}}"");
            return x < 50r ? r : throw new ArgumentOutOfRangeException(nameof(x));
        }

        // The base library's guards and a discarded ?? throw of a differentiable array.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Library(real x, real[] w)
        {
            ArgumentNullException.ThrowIfNull(w);
            ArgumentOutOfRangeException.ThrowIfNegative(x);
            _ = w ?? throw new ArgumentNullException(nameof(w));
            return x * w[0] * w[1] + System.Linq.Enumerable.Count(w, v => v > 0r) * x;
        }

        private static void Require(bool ok, string what)
        {
            if (!ok)
                throw new ArgumentException(what + "" is out of range"");
        }

        // x·√x behind a validating helper and an assertion; a callee that throws, inlined and called.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Guarded(real x, real y)
        {
            Require(x > 0r, nameof(x));
            System.Diagnostics.Debug.Assert(y < 100r, ""y is large"");
            return x * MathR.Sqrt(x) + Root(y) * Other_real.Root(x);
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Root(real v) => v >= 0r ? MathR.Sqrt(v) : throw new ArgumentOutOfRangeException(nameof(v), v, null);
    }

    public static partial class Other_real
    {
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Root(real v)
        {
            if (v < 0r)
                throw new ArgumentOutOfRangeException(nameof(v), $""{v} < 0"");
            real r = MathR.Sqrt(v);
            for (int k = 0; k < 3; k++)
                r = 0.5r * (r + v / r);
            return r;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Throws_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Throws_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Everyday.Throws.Guard_real", method, precision);

        private static readonly double[] W = { 0.5, -0.25, 1.5 };

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void ValidInputs_Checked(Precision precision)
        {
            // f = x·Σ wᵢ log(x + i): ∂x = Σ wᵢ log(x + i) + x Σ wᵢ/(x + i), ∂wᵢ = x log(x + i).
            var f = Fn(precision, "Checked");
            DerivativeCheck.Gradient(f, new[] { new object?[] { 1.3, W, 2 }, new object?[] { 0.4, W, 0 } }, args =>
            {
                var x = (double)args[0]!;
                var w = (double[])args[1]!;
                var dx = w.Select((e, i) => e * Math.Log(x + i) + x * e / (x + i)).Sum();
                return new[] { dx }.Concat(w.Select((_, i) => x * Math.Log(x + i))).ToArray();
            });
            DerivativeCheck.Hessian(f, new[] { new object?[] { 1.3, W, 2 } });
        }

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void ValidInputs_Guarded(Precision precision)
        {
            // f = x^1.5 + √y·√x.
            var f = Fn(precision, "Guarded");
            DerivativeCheck.GradientOfScalars(f, new[] { new object?[] { 1.7, 0.6 }, new object?[] { 0.3, 2.5 } }, a => new[]
            {
                1.5 * Math.Sqrt(a[0]) + Math.Sqrt(a[1]) / (2 * Math.Sqrt(a[0])),
                Math.Sqrt(a[0]) / (2 * Math.Sqrt(a[1])),
            });
            DerivativeCheck.Hessian(f, new[] { new object?[] { 1.7, 0.6 } });
        }

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void LibraryGuards(Precision precision)
        {
            // x·w₀·w₁ + #(w > 0)·x.
            var f = Fn(precision, "Library");
            DerivativeCheck.Gradient(f, new[] { new object?[] { 0.8, new[] { 1.5, -0.5 } }, new object?[] { 2.0, new[] { 0.3, 0.7 } } }, args =>
            {
                var x = (double)args[0]!;
                var w = (double[])args[1]!;
                return new[] { w[0] * w[1] + w.Count(v => v > 0), x * w[1], x * w[0] };
            });
            DerivativeCheck.Hessian(f, new[] { new object?[] { 0.8, new[] { 1.5, -0.5 } } });
        }

        public static readonly TheoryData<string, object?[], Type, string> Invalid = new()
        {
            { "Library", new object?[] { -0.5, W }, typeof(ArgumentOutOfRangeException), "x" },
            { "Library", new object?[] { 0.5, null }, typeof(ArgumentNullException), "w" },
            { "Checked", new object?[] { 1.3, W, -1 }, typeof(ArgumentOutOfRangeException), "n must not be negative" },
            { "Checked", new object?[] { -0.5, W, 1 }, typeof(ArgumentException), "x must be positive, was -0.500 (n =    1)" },
            { "Checked", new object?[] { 1.3, null, 1 }, typeof(ArgumentNullException), "w" },
            { "Checked", new object?[] { 1.3, new[] { 1.0, double.NaN }, 1 }, typeof(ArgumentException), "NaN weight at 1: NaN {braces}" },
            { "Checked", new object?[] { 1.3, new[] { -500.0 }, 1 }, typeof(InvalidOperationException), "diverged: -131.18" },
            { "Checked", new object?[] { 60.0, W, 1 }, typeof(ArgumentOutOfRangeException), "x" },
            { "Guarded", new object?[] { -1.0, 1.0 }, typeof(ArgumentException), "x is out of range" },
            { "Guarded", new object?[] { 1.0, -1.0 }, typeof(ArgumentOutOfRangeException), "v" },
        };

        /// <summary>
        /// Every generated method throws the user's exception, with the user's message, before any derivative is written
        /// (a null array asks nothing of its derivative buffer; FHessian, whose flat index counts its elements, is not asked).
        /// </summary>
        [Theory]
        [MemberData(nameof(Invalid))]
        public void InvalidInputs_ThrowTheUsersException(string method, object?[] args, Type exception, string message)
        {
            var type = Double.Value.GetType("Everyday.Throws.Guard_double");
            var n = args.Sum(a => a switch { double => 1, double[] array => array.Length, _ => 0 });
            var kinds = new[] { string.Empty, "Gradient", "Forward", "Reverse" }.Concat(args.Contains(null) ? Array.Empty<string>() : new[] { "Hessian" });
            foreach (var kind in kinds)
            {
                var target = type.GetMethod(method + kind, BindingFlags.Public | BindingFlags.Static)!;
                var parameters = target.GetParameters();
                var call = parameters.Select((p, i) => i < args.Length ? args[i] : Buffer(p, parameters, args, n)).ToArray();
                var thrown = Assert.ThrowsAny<Exception>(() => Reflect.Call(target, null, call));
                Assert.True(thrown.GetType() == exception && thrown.Message.Contains(message), $"{method}{kind}: {thrown.GetType().Name}: {thrown.Message}");
            }
        }

        /// <summary>A derivative argument: the Hessian's n × n, a scalar (or seed), or a buffer as long as its array (dW: w).</summary>
        private static object? Buffer(ParameterInfo parameter, ParameterInfo[] all, object?[] args, int n)
        {
            var type = parameter.ParameterType.IsByRef ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
            if (type == typeof(double[,]))
            {
                return new double[n, n];
            }

            if (type == typeof(double))
            {
                return 1.0;
            }

            var primal = char.ToLowerInvariant(parameter.Name![1]) + parameter.Name.Substring(2);
            return new double[(args[Array.FindIndex(all, p => p.Name == primal)] as double[])?.Length ?? 0];
        }
    }
}
