using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// Collection parameters (<c>IReadOnlyList</c>, <c>IList</c>, <c>List</c>, <c>ICollection</c>,
    /// <c>IReadOnlyCollection</c>, <c>IEnumerable</c> of reals): indexed, counted, enumerated and queried, passed on to
    /// [Differentiable] callees, and constant when [NoDerivative]; checked against closed forms, finite differences,
    /// forward/reverse agreement and Hessians, in double and float.
    /// </summary>
    public sealed class CollectionTests
    {
        private const string Template = @"
using System.Collections.Generic;
using System.Linq;

namespace Everyday.Collections
{
    public static partial class Other_real
    {
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real SquaredNorm(IEnumerable<real> v) => v.Sum(a => a * a);
    }

    public static partial class Fn_real
    {
        // Σ wᵢ xᵢ² + cos xᵢ: indexers and Count.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Energy(IReadOnlyList<real> x, IList<real> w)
        {
            real sum = 0r;
            for (int i = 0; i < x.Count; i++)
            {
                sum += w[i] * x[i] * x[i] + MathR.Cos(x[i]);
            }

            return sum;
        }

        // log Σ exp xᵢ, stabilised by the largest: foreach and LINQ over a sequence.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real LogSumExp(IEnumerable<real> x)
        {
            real top = x.Max();
            real sum = 0r;
            foreach (var xi in x)
            {
                sum += MathR.Exp(xi - top);
            }

            return top + MathR.Log(sum);
        }

        // (Σ xᵢ wᵢ) / n + Σ xᵢ² / 2: Zip of a List and a collection.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Weighted(List<real> x, ICollection<real> w) =>
            x.Zip(w, (a, b) => a * b).Sum() / w.Count + x.Sum(a => a * a) / 2r;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real SquaredNorm(IReadOnlyList<real> v)
        {
            real sum = 0r;
            foreach (var a in v)
            {
                sum += a * a;
            }

            return sum;
        }

        // |x|² + |(x₀, 2x₁)|² + |x|²: callees given the caller's collection and a local array, inlined (same type) and called.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Calls(IReadOnlyList<real> x) => SquaredNorm(x) + Other_real.SquaredNorm(new[] { x[0], 2r * x[1] }) + Other_real.SquaredNorm(x);

        // s·xᵢ: vector-valued over a read-only collection.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static real[] Scaled(IReadOnlyCollection<real> x, real s) => x.Select(a => a * s * s).ToArray();

        // Σ cᵢ tⁱ by Horner: the coefficients are constants.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Polynomial([NoDerivative] IReadOnlyList<real> c, real t)
        {
            real sum = 0r;
            for (int i = c.Count - 1; i >= 0; i--)
            {
                sum = sum * t + c[i];
            }

            return sum;
        }

        // Σ cᵢ x + Σ_{cᵢ < 0.5} cᵢ x² + Σ xᵢ cᵢ + fold of a·cᵢ + x: LINQ with lambdas over constant collections.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real ConstantQueries([NoDerivative] IReadOnlyList<real> c, [NoDerivative] IEnumerable<real> e, real x, real[] xs) =>
            c.Sum(ci => ci * x)
            + e.Where(ei => ei < 0.5r).Sum(ei => ei * x * x)
            + xs.Zip(c, (a, b) => a * b).Sum()
            + c.Aggregate(x, (a, ci) => a * ci + x);
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Collections_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Collections_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Everyday.Collections.Fn_real", method, precision);

        public static readonly TheoryData<Precision> Precisions = new() { Precision.Double, Precision.Float };

        [Theory]
        [MemberData(nameof(Precisions))]
        public void IndexedAndCounted(Precision precision)
        {
            var points = new[]
            {
                new object?[] { new[] { 0.5, -1.2, 0.8 }, new[] { 0.3, 1.7, -0.4 } },
                new object?[] { new[] { 1.5, 0.25 }, new[] { 2.0, -1.0 } },
            };
            DerivativeCheck.Gradient(Fn(precision, "Energy"), points, a =>
            {
                var (x, w) = ((double[])a[0]!, (double[])a[1]!);
                return x.Select((xi, i) => 2 * w[i] * xi - Math.Sin(xi)).Concat(x.Select(xi => xi * xi)).ToArray();
            });
            DerivativeCheck.Hessian(Fn(precision, "Energy"), points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void EnumeratedAndQueried(Precision precision)
        {
            var points = new[] { new object?[] { new[] { 0.5, -1.2, 0.8, 2.1 } }, new object?[] { new[] { -0.3, 0.9 } } };
            DerivativeCheck.Gradient(Fn(precision, "LogSumExp"), points, a =>
            {
                // Softmax: the derivative does not depend on the shift by the largest element.
                var x = (double[])a[0]!;
                var total = x.Sum(Math.Exp);
                return x.Select(xi => Math.Exp(xi) / total).ToArray();
            });
            DerivativeCheck.Hessian(Fn(precision, "LogSumExp"), points);

            var pairs = new[] { new object?[] { new[] { 0.5, -1.2, 0.8 }, new[] { 0.3, 1.7, -0.4 } } };
            DerivativeCheck.Gradient(Fn(precision, "Weighted"), pairs, a =>
            {
                var (x, w) = ((double[])a[0]!, (double[])a[1]!);
                return x.Select((xi, i) => w[i] / 3 + xi).Concat(x.Select(xi => xi / 3)).ToArray();
            });
            DerivativeCheck.Hessian(Fn(precision, "Weighted"), pairs);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void PassedToCallees(Precision precision)
        {
            var points = new[] { new object?[] { new[] { 0.5, -1.2, 0.8 } } };
            DerivativeCheck.Gradient(Fn(precision, "Calls"), points, a =>
            {
                var x = (double[])a[0]!;
                return new[] { 6 * x[0], 12 * x[1], 4 * x[2] };
            });
            DerivativeCheck.Hessian(Fn(precision, "Calls"), points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void VectorValued(Precision precision)
        {
            var points = new[] { new object?[] { new[] { 0.5, -1.2, 0.8 }, 1.3 } };
            DerivativeCheck.Jacobian(Fn(precision, "Scaled"), points, a =>
            {
                var (x, s) = ((double[])a[0]!, (double)a[1]!);
                var j = new double[3, 4];
                for (var i = 0; i < 3; i++)
                {
                    j[i, i] = s * s;
                    j[i, 3] = 2 * s * x[i];
                }

                return j;
            });
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void ConstantCollection(Precision precision)
        {
            var points = new[] { new object?[] { new[] { 1.0, -2.0, 0.5, 3.0 }, 0.7 } };
            DerivativeCheck.Gradient(Fn(precision, "Polynomial"), points, a =>
            {
                var t = (double)a[1]!;
                return new[] { -2.0 + 2 * 0.5 * t + 3 * 3.0 * t * t };
            });
            DerivativeCheck.Hessian(Fn(precision, "Polynomial"), points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void LambdasOverConstantCollections(Precision precision)
        {
            var c = new[] { 0.3, -0.8, 1.2 };
            var e = new[] { 0.9, 0.1, -0.4, 0.25 };
            var points = new[] { new object?[] { c, e, 0.7, new[] { 0.2, -0.5, 1.1 } }, new object?[] { c, e, -1.3, new[] { 0.6, 0.4, -0.9 } } };
            DerivativeCheck.Gradient(Fn(precision, "ConstantQueries"), points, a =>
            {
                var x = (double)a[2]!;
                var low = e.Where(v => v < 0.5).Sum();
                // fold: a₀ = x, aᵢ₊₁ = aᵢ cᵢ + x, so ∂aᵢ₊₁/∂x = cᵢ ∂aᵢ/∂x + 1.
                double fold = 1;
                foreach (var ci in c)
                {
                    fold = fold * ci + 1;
                }

                return new[] { c.Sum() + 2 * x * low + fold }.Concat(c).ToArray();
            });
            DerivativeCheck.Hessian(Fn(precision, "ConstantQueries"), points);
        }

        [Fact]
        public void AnEnumerableIsEnumeratedOnceByEveryGeneratedMethodAndADerivativeOfTheWrongLengthIsRefused()
        {
            var f = Fn(Precision.Double, "LogSumExp");
            var x = new Counted(new[] { 0.5, -1.2, 0.8 });
            var gradient = new double[3];
            f.Invoke("Gradient", new object?[] { x, gradient });
            Assert.Equal(1, x.Enumerations);
            Assert.Equal(1.0, gradient.Sum(), 12);

            // Also the methods that call the method's other generated methods (once per column, or twice).
            var hessian = new double[3, 3];
            var once = new Counted(new[] { 0.5, -1.2, 0.8 });
            f.Invoke("Hessian", new object?[] { once, hessian });
            Assert.Equal(1, once.Enumerations);
            once = new Counted(new[] { 0.5, -1.2, 0.8 });
            var product = new double[3];
            f.Invoke("HessianVectorProduct", new object?[] { once, new[] { 1.0, 0.0, 0.0 }, product });
            Assert.Equal(1, once.Enumerations);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(hessian[i, 0], product[i], 12);
            }

            Assert.Equal(0.0, Enumerable.Range(0, 3).Sum(j => hessian[0, j]), 12);

            var error = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Gradient", new object?[] { x, new double[2] }));
            Assert.Equal("dX", error.ParamName);
        }

        [Theory]
        [InlineData("{ v[0] = 2; return v[0]; }", "IList<double>", "GG0004", "an element of 'v'")]
        [InlineData("=> v.Contains(1.0) ? v[0] : 0;", "List<double>", "GG0005", "the collection 'v' other than indexed")]
        [InlineData("{ var a = v; return a[0]; }", "IReadOnlyList<double>", "GG0005", "the collection 'v' other than indexed")]
        [InlineData("=> Plain(v);", "IReadOnlyList<double>", "GG0005", "the collection 'v' other than indexed")]
        [InlineData("=> Listed(new List<double>(v));", "IReadOnlyList<double>", "GG0005", "given as the System.Collections.Generic.List<double>")]
        public void WhatIsNotFollowedIsAnError(string body, string type, string id, string message)
        {
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.Header + @"
using System.Collections.Generic;

public static partial class Bad
{
    [Differentiable]
    public static double F(" + type + @" v) " + body + @"

    private static double Plain(IReadOnlyList<double> v) => v[0];

    [Differentiable]
    public static double Listed(List<double> v) => v[0];
}");
            Assert.Contains(diagnostics, d => d.Id == id && d.GetMessage().Contains(message));
        }

        /// <summary>A sequence that counts how often it is enumerated.</summary>
        private sealed class Counted : IEnumerable<double>
        {
            private readonly double[] items;

            public Counted(double[] items) => this.items = items;

            public int Enumerations { get; private set; }

            public IEnumerator<double> GetEnumerator()
            {
                Enumerations++;
                return ((IEnumerable<double>)items).GetEnumerator();
            }

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
