using System;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.GenericMath
{
    /// <summary>
    /// Generic math: [Differentiable] methods over <c>T : IFloatingPointIeee754&lt;T&gt;</c> (and narrower constraints)
    /// get generic derivatives. The double instantiation is checked against central finite differences and closed forms;
    /// float and Half against it, to their precision.
    /// </summary>
    public class GenericMathTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Generic
{
    public struct Vec2<T> where T : IFloatingPointIeee754<T>
    {
        public T X;
        public T Y;
    }

    public static partial class M
    {
        // Loops, a branch on a value, constants and functions through T.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static T Soft<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            var s = T.Zero;
            for (int i = 0; i < 3; i++)
            {
                s += T.Sin(x * y) + T.CreateChecked(0.5) * x * x;
                if (s > T.One)
                {
                    s = s / (T.One + T.Exp(y));
                }
            }

            return s + T.Sqrt(x * x + T.One) + T.Pi * T.Atan2(y, x);
        }

        // An array and a span of T, a local array overwritten in loops (recorded element by element), Pow and Abs.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static T Smooth<T>(T[] xs, ReadOnlySpan<T> ws, T a) where T : IFloatingPointIeee754<T>
        {
            var buf = new T[xs.Length];
            for (int k = 0; k < xs.Length; k++)
            {
                buf[k] = xs[k] * ws[k];
            }

            for (int it = 0; it < 3; it++)
            {
                for (int k = 1; k < buf.Length; k++)
                {
                    buf[k] = buf[k] * a + T.Tanh(buf[k - 1]) * T.CreateChecked(0.3);
                }

                for (int k = 0; k < buf.Length; k++)
                {
                    buf[k] = T.Sin(buf[k]) + a;
                }
            }

            var r = T.Zero;
            foreach (var b in buf)
            {
                r += T.Pow(T.Abs(b) + T.One, a);
            }

            return r;
        }

        // double code inside generic code: conversions both ways carry the derivative.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static T Mixed<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            var d = double.CreateChecked(x) * 2.0;
            var e = Math.Sin(d) + double.CreateChecked(y * x);
            return T.CreateChecked(e * e) * y + T.CreateChecked(3);
        }

        // A narrower constraint; a tuple result.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static (T A, T B) Polar<T>(T r, T theta) where T : ITrigonometricFunctions<T>
            => (r * T.Cos(theta), r * T.Sin(theta));

        // A generic struct.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static T Length<T>(Vec2<T> v) where T : IFloatingPointIeee754<T> => T.Sqrt(v.X * v.X + v.Y * v.Y);

        // Generic callees (called, not inlined), from generic and from double code. (No Hessian: Polar is vector-valued.)
        [Differentiable]
        public static T Outer<T>(T x) where T : IFloatingPointIeee754<T> => Soft(x, x * x) * Polar(x, T.CreateChecked(2) * x).B;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double UseIt(double a, double b) => Soft(a, b) + Soft<double>(b, a) * Length(new Vec2<double> { X = a, Y = 2 * b });
    }
}";

        private static readonly Lazy<Type> Type = new(() => GeneratorHarness.CompileAndLoad(Source, "Generic").Assembly.GetType("Generic.M")!);

        public static readonly TheoryData<Type, double> RealTypes = new() { { typeof(double), 1e-12 }, { typeof(float), 1e-5 }, { typeof(Half), 1e-2 } };

        private static MethodInfo Closed(string name, int arity, Type real)
        {
            var method = Reflect.FindMethod(Type.Value, name, arity);
            return method.IsGenericMethodDefinition ? method.MakeGenericMethod(real) : method;
        }

        private static object Real(Type type, double value) =>
            type == typeof(Half) ? (Half)value : type == typeof(float) ? (object)(float)value : value;

        private static object Reals(Type type, double[] values)
        {
            var array = Array.CreateInstance(type, values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                array.SetValue(Real(type, values[i]), i);
            }

            return array;
        }

        private static double D(object? value) => value is Half h ? (double)h : Reflect.ToDouble(value);

        private static double[] Ds(object? value) => value is Array array ? array.Cast<object>().Select(D).ToArray() : new[] { D(value) };

        /// <summary>The scalar arguments at <paramref name="x"/> as <paramref name="type"/> (arrays where <paramref name="shape"/> has a length).</summary>
        private static object[] Arguments(Type type, int[] shape, double[] x)
        {
            var args = new object[shape.Length];
            var at = 0;
            for (var i = 0; i < shape.Length; i++)
            {
                args[i] = shape[i] == 0 ? Real(type, x[at++]) : Reals(type, x.Skip(at).Take(shape[i]).ToArray());
                at += shape[i];
            }

            return args;
        }

        private static object? Derivative(Type type, int length) => length == 0 ? null : Array.CreateInstance(type, length);

        private static double[] Gradient(string name, Type type, int[] shape, double[] x)
        {
            var (_, outs) = Reflect.Call(Closed(name + "Gradient", 2 * shape.Length, type), null, Arguments(type, shape, x).Concat(shape.Select(n => Derivative(type, n))).ToArray());
            return outs.Skip(shape.Length).SelectMany(Ds).ToArray();
        }

        private static double Value(string name, Type type, int[] shape, double[] x) =>
            D(Reflect.Call(Closed(name, shape.Length, type), null, Arguments(type, shape, x)).Result);

        private static double[] FiniteGradient(string name, int[] shape, double[] x) =>
            Enumerable.Range(0, x.Length).Select(j =>
            {
                var (plus, minus) = ((double[])x.Clone(), (double[])x.Clone());
                plus[j] += 1e-6;
                minus[j] -= 1e-6;
                return (Value(name, typeof(double), shape, plus) - Value(name, typeof(double), shape, minus)) / 2e-6;
            }).ToArray();

        private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
            }
        }

        [Theory]
        [InlineData("Soft", new[] { 0, 0 }, new[] { 0.7, 1.3 })]
        [InlineData("Smooth", new[] { 3, 3, 0 }, new[] { 0.5, -0.3, 1.2, 0.9, 1.1, 0.4, 0.6 })]
        [InlineData("Outer", new[] { 0 }, new[] { 0.8 })]
        [InlineData("Mixed", new[] { 0, 0 }, new[] { 0.7, 1.3 })]
        public void DoubleGradient_AgreesWithFiniteDifferences_AndForwardAndReverseAgree(string name, int[] shape, double[] x)
        {
            var gradient = Gradient(name, typeof(double), shape, x);
            AssertClose(FiniteGradient(name, shape, x), gradient, 1e-6, "gradient");

            // Forward along a direction: the gradient's dot product with it.
            var direction = x.Select((_, k) => 0.5 - 0.25 * k).ToArray();
            var (forward, _) = Reflect.Call(Closed(name + "Forward", 2 * shape.Length, typeof(double)), null, Arguments(typeof(double), shape, x).Concat(Arguments(typeof(double), shape, direction)).ToArray());
            Assert.Equal(gradient.Zip(direction, (g, d) => g * d).Sum(), Reflect.ReadPair(forward).Tangent, 10);

            // Reverse adds seed × gradient into what its derivative arguments hold.
            var start = x.Select((_, k) => 0.1 * (k + 1)).ToArray();
            var (_, refs) = Reflect.Call(Closed(name + "Reverse", 2 * shape.Length + 1, typeof(double)), null, Arguments(typeof(double), shape, x).Append(2.0).Concat(Arguments(typeof(double), shape, start)).ToArray());
            AssertClose(start.Zip(gradient, (s, g) => s + 2 * g).ToArray(), refs.Skip(shape.Length + 1).SelectMany(Ds).ToArray(), 1e-12, "reverse");
        }

        [Theory]
        [InlineData("Soft", new[] { 0, 0 }, new[] { 0.7, 1.3 })]
        [InlineData("Smooth", new[] { 3, 3, 0 }, new[] { 0.5, -0.3, 1.2, 0.9, 1.1, 0.4, 0.6 })]
        [InlineData("UseIt", new[] { 0, 0 }, new[] { 0.7, 1.3 })]
        [InlineData("Mixed", new[] { 0, 0 }, new[] { 0.7, 1.3 })]
        public void DoubleHessian_AgreesWithFiniteDifferencesOfTheGradient(string name, int[] shape, double[] x)
        {
            var n = x.Length;
            var hessian = new double[n, n];
            Reflect.Call(Closed(name + "Hessian", shape.Length + 1, typeof(double)), null, Arguments(typeof(double), shape, x).Append(hessian).ToArray());
            for (var j = 0; j < n; j++)
            {
                var (plus, minus) = ((double[])x.Clone(), (double[])x.Clone());
                plus[j] += 1e-6;
                minus[j] -= 1e-6;
                var column = Gradient(name, typeof(double), shape, plus).Zip(Gradient(name, typeof(double), shape, minus), (u, d) => (u - d) / 2e-6).ToArray();
                AssertClose(column, Enumerable.Range(0, n).Select(i => hessian[i, j]).ToArray(), 1e-5, $"Hessian column {j}");
            }
        }

        [Theory]
        [MemberData(nameof(RealTypes))]
        public void FloatAndHalf_AgreeWithDouble_ToTheirPrecision(Type type, double tolerance)
        {
            foreach (var (name, shape, x) in new[] { ("Soft", new[] { 0, 0 }, new[] { 0.7, 1.3 }), ("Outer", new[] { 0 }, new[] { 0.8 }), ("Smooth", new[] { 3, 3, 0 }, new[] { 0.5, -0.3, 1.2, 0.9, 1.1, 0.4, 0.6 }) })
            {
                // Half carries 3 digits: its values, not only its arithmetic, differ from double's.
                var loose = type == typeof(Half) ? 5e-2 : tolerance * 10;
                AssertClose(Gradient(name, typeof(double), shape, x), Gradient(name, type, shape, x), loose, $"{name}<{type.Name}> gradient");
                Assert.Equal(Value(name, typeof(double), shape, x), Value(name, type, shape, x), type == typeof(double) ? 12 : type == typeof(float) ? 4 : 1);
            }
        }

        [Theory]
        [InlineData(typeof(double), 1e-12)]
        [InlineData(typeof(float), 1e-6)]
        public void ATupleResult_HasTheClosedFormJacobian(Type type, double tolerance)
        {
            var (r, theta) = (2.0, 0.5);
            var jacobian = Array.CreateInstance(type, 2, 2);
            Reflect.Call(Closed("PolarJacobian", 3, type), null, new[] { Real(type, r), Real(type, theta), jacobian });
            var expected = new[] { Math.Cos(theta), -r * Math.Sin(theta), Math.Sin(theta), r * Math.Cos(theta) };
            AssertClose(expected, jacobian.Cast<object>().Select(D).ToArray(), tolerance, "jacobian");
        }

        [Fact]
        public void AGenericStruct_IsItsOwnDerivative()
        {
            var vec = Type.Value.Assembly.GetType("Generic.Vec2`1")!.MakeGenericType(typeof(double));
            var v = Activator.CreateInstance(vec)!;
            vec.GetField("X")!.SetValue(v, 3.0);
            vec.GetField("Y")!.SetValue(v, 4.0);
            var (value, outs) = Reflect.Call(Closed("LengthGradient", 2, typeof(double)), null, new[] { v, null });
            Assert.Equal(5.0, D(value), 12);
            Assert.Equal(0.6, D(vec.GetField("X")!.GetValue(outs[1])), 12);
            Assert.Equal(0.8, D(vec.GetField("Y")!.GetValue(outs[1])), 12);
        }

        [Fact]
        public void DoubleCodeCallingGenericMethods_AgreesWithFiniteDifferences()
        {
            var x = new[] { 0.7, 1.3 };
            var shape = new[] { 0, 0 };
            AssertClose(FiniteGradient("UseIt", shape, x), Gradient("UseIt", typeof(double), shape, x), 1e-6, "gradient");
        }

        [Theory]
        [InlineData("T Bad<T>(T x) where T : System.Numerics.ITrigonometricFunctions<T> => {|GG0005:T.Asin(x)|};", "GG0005", "IRootFunctions<T>")]
        [InlineData("T Bad<T>(T x) where T : System.Numerics.IPowerFunctions<T>, System.Numerics.IExponentialFunctions<T> => {|GG0005:T.Pow(x, x)|};", "GG0005", "ILogarithmicFunctions<T>")]
        [InlineData("T Bad{|GG0002:<T>|}(T x) where T : System.Numerics.INumber<T> => x * x;", "GG0002", "not a floating-point number")]
        [InlineData("T Bad{|GG0002:<T>|}(T x) => x;", "GG0002", "IFloatingPointIeee754<T>")]
        [InlineData("T Bad<T>(T x) where T : System.Numerics.IFloatingPointIeee754<T> => {|GG0003:T.SinPi(x)|};", "GG0003", "SinPi")]
        [InlineData("T Bad<T>(T x, T y) where T : System.Numerics.IBinaryFloatingPointIeee754<T> => ({|GG0005:x & y|}) * x;", "GG0005", "IBitwiseOperators")]
        [InlineData("double Bad(W2<double> p, W2<double> o) => {|GG0005:p|}.Dot({|GG0005:p|});", "GG0005", "as a whole")]
        [InlineData("double Bad(W2<double> p) => {|GG0005:p.Len|};", "GG0005", "Len")]
        public async Task WhatGenericMathCannotDo_IsAnErrorWhereItIsWritten(string method, string id, string message)
        {
            // Members of a generic struct are written in its type parameter: not read in place (they once read the caller's o).
            const string types = @"
    public struct W2<T> where T : System.Numerics.IFloatingPointIeee754<T>
    {
        public T X, Y;
        public T Dot(W2<T> o) => X * o.X + Y * o.Y;
        public T Len => T.Sqrt(X * X + Y * Y);
    }";
            var v = await MarkupVerifier.VerifyAsync(Source("        [Differentiable] public static " + method, extraTypes: types));
            v.AssertMessage(id, message);
        }
    }
}
