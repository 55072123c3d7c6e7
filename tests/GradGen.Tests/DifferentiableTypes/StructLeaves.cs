using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// Checks the derivatives of methods over structs of reals through reflection, independently of GradGen: a value's
    /// reals are its instance fields in declaration order (a nested struct's in place), read and written by
    /// <see cref="FieldInfo"/>, and every derivative is compared with central finite differences of the primal over them.
    /// </summary>
    internal static class StructLeaves
    {
        /// <summary>The relative step of the differences: larger where a float carries only 7 digits.</summary>
        private static double Step(Type[] types) => types.Any(HasFloat) ? 1e-3 : 1e-6;

        private static bool HasFloat(Type type) =>
            type == typeof(float)
            || (type.IsArray ? HasFloat(type.GetElementType()!)
                : type.IsGenericType ? type.GetGenericArguments().Any(HasFloat)
                : !type.IsPrimitive && Fields(type).Any(f => HasFloat(f.FieldType)));

        /// <summary>The reals of a double, float or struct value, in declaration order; of an array of them, element by element.</summary>
        public static double[] Of(object value) => value switch
        {
            double d => new[] { d },
            float f => new double[] { f },
            Array array => array.Cast<object>().SelectMany(Of).ToArray(),
            _ => Fields(value.GetType()).SelectMany(f => Of(f.GetValue(value)!)).ToArray(),
        };

        /// <summary>A value shaped as <paramref name="template"/> (an array of its length) made from <paramref name="leaves"/>, taken in order.</summary>
        public static object Like(object template, Queue<double> leaves)
        {
            if (template is not Array array)
            {
                return Make(template.GetType(), leaves);
            }

            var made = Array.CreateInstance(array.GetType().GetElementType()!, array.Length);
            for (var i = 0; i < array.Length; i++)
            {
                made.SetValue(Like(array.GetValue(i)!, leaves), i);
            }

            return made;
        }

        private static object Like(object template, IEnumerable<double> leaves) => Like(template, new Queue<double>(leaves));

        /// <summary>Where a derivative method writes the derivative of <paramref name="argument"/>: an array of its length for an array (passed as a span), else an out slot.</summary>
        private static object? OutSlot(object argument) => argument is Array array ? Array.CreateInstance(array.GetType().GetElementType()!, array.Length) : null;

        /// <summary>A value of <paramref name="type"/> made from <paramref name="leaves"/>, taken in order.</summary>
        public static object Make(Type type, Queue<double> leaves)
        {
            if (type == typeof(double))
            {
                return leaves.Dequeue();
            }

            if (type == typeof(float))
            {
                return (float)leaves.Dequeue();
            }

            var boxed = Activator.CreateInstance(type)!;
            foreach (var field in Fields(type))
            {
                field.SetValue(boxed, Make(field.FieldType, leaves));
            }

            return boxed;
        }

        public static object Make(Type type, params double[] leaves) => Make(type, new Queue<double>(leaves));

        private static IEnumerable<FieldInfo> Fields(Type type) =>
            type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken);

        /// <summary>The primal's outputs at flat input <paramref name="x"/>, arguments shaped as <paramref name="args"/>.</summary>
        private static double[] Outputs(Type owner, string name, object[] args, double[] x)
        {
            var queue = new Queue<double>(x);
            return Of(Reflect.Invoke(owner, name, args.Select(a => Like(a, queue)).ToArray()).Result!);
        }

        /// <summary>The Jacobian of <paramref name="name"/> at <paramref name="args"/> by central differences: outputs × flat inputs.</summary>
        public static double[,] FiniteJacobian(Type owner, string name, object[] args)
        {
            var primal = Reflect.FindMethod(owner, name, args.Length);
            var types = primal.GetParameters().Select(p => p.ParameterType).ToArray();
            var x = args.SelectMany(Of).ToArray();
            var m = Outputs(owner, name, args, x).Length;
            var jacobian = new double[m, x.Length];
            for (var j = 0; j < x.Length; j++)
            {
                var h = Step(types) * Math.Max(1, Math.Abs(x[j]));
                var plus = (double[])x.Clone();
                var minus = (double[])x.Clone();
                plus[j] += h;
                minus[j] -= h;
                var (up, down) = (Outputs(owner, name, args, plus), Outputs(owner, name, args, minus));
                for (var i = 0; i < m; i++)
                {
                    jacobian[i, j] = (up[i] - down[i]) / (2 * h);
                }
            }

            return jacobian;
        }

        /// <summary>
        /// For a scalar-valued <paramref name="name"/>: Gradient against finite differences, Reverse adding seed ×
        /// gradient into what its ref arguments hold, and Forward's tangent against gradient · direction.
        /// </summary>
        /// <param name="valueDigits">Decimal places the generated value agrees with the primal's to (fewer where the generated code computes a float member by another formula).</param>
        public static void CheckScalar(Type owner, string name, object[] args, double tolerance = 1e-6, int valueDigits = 10)
        {
            var gradient = Row(FiniteJacobian(owner, name, args), 0);
            var n = args.Length;
            var primalValue = Reflect.ToDouble(Reflect.Invoke(owner, name, args).Result);

            var (value, outs) = Reflect.Invoke(owner, name + "Gradient", args.Concat(args.Select(OutSlot)).ToArray());
            Assert.Equal(primalValue, Reflect.ToDouble(value), valueDigits);
            AssertClose(gradient, outs.Skip(n).SelectMany(o => Of(o!)).ToArray(), tolerance, "Gradient");

            var start = args.Select((a, i) => Like(a, args[i] is double or float ? new[] { 0.25 * (i + 1) } : Of(a).Select((_, k) => 0.1 * (k + 1)))).ToArray();
            // Read before the call: an array's derivative is added into in place.
            var expected = start.SelectMany(Of).Zip(gradient, (s, g) => s + 2 * g).ToArray();
            var (_, refs) = Reflect.Invoke(owner, name + "Reverse", args.Append(2.0).Concat(start).ToArray());
            AssertClose(expected, refs.Skip(n + 1).SelectMany(o => Of(o!)).ToArray(), tolerance, "Reverse");

            var direction = expected.Select((s, k) => s - 0.3 * k).ToArray();
            var queue = new Queue<double>(direction);
            var tangents = args.Select(a => Like(a, queue)).ToArray();
            var (forward, _) = Reflect.Invoke(owner, name + "Forward", args.Concat(tangents).ToArray());
            var (forwardValue, tangent) = Reflect.ReadPair(forward);
            Assert.Equal(primalValue, forwardValue, valueDigits);
            Assert.Equal(gradient.Zip(direction, (g, d) => g * d).Sum(), tangent, tolerance * 10);
        }

        /// <summary>
        /// For a scalar-valued method generated with Hessians: FHessian against central differences of FGradient, and
        /// FHessianVectorProduct against FHessian times a direction.
        /// </summary>
        public static void CheckHessian(Type owner, string name, object[] args, double tolerance = 1e-6)
        {
            var x = args.SelectMany(Of).ToArray();
            var n = x.Length;
            var hessianType = Reflect.FindMethod(owner, name + "Hessian", args.Length + 1).GetParameters().Last().ParameterType;
            var hessian = (Array)Activator.CreateInstance(hessianType, n, n)!;
            Reflect.Invoke(owner, name + "Hessian", args.Append(hessian).ToArray());

            double[] GradientAt(double[] point)
            {
                var leaves = new Queue<double>(point);
                var (_, outs) = Reflect.Invoke(owner, name + "Gradient", args.Select(a => Like(a, leaves)).Concat(args.Select(OutSlot)).ToArray());
                return outs.Skip(args.Length).SelectMany(o => Of(o!)).ToArray();
            }

            for (var j = 0; j < n; j++)
            {
                var h = Step(args.Select(a => a.GetType()).ToArray()) * Math.Max(1, Math.Abs(x[j]));
                var (plus, minus) = ((double[])x.Clone(), (double[])x.Clone());
                plus[j] += h;
                minus[j] -= h;
                var (up, down) = (GradientAt(plus), GradientAt(minus));
                AssertClose(up.Zip(down, (u, d) => (u - d) / (2 * h)).ToArray(), Enumerable.Range(0, n).Select(i => Convert.ToDouble(hessian.GetValue(i, j))).ToArray(), tolerance, $"Hessian column {j}");
            }

            var direction = Enumerable.Range(0, n).Select(k => 0.5 - 0.25 * k).ToArray();
            var queue = new Queue<double>(direction);
            var (_, products) = Reflect.Invoke(owner, name + "HessianVectorProduct", args.Concat(args.Select(a => Like(a, queue))).Concat(args.Select(OutSlot)).ToArray());
            var expected = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Sum(j => Convert.ToDouble(hessian.GetValue(i, j)) * direction[j])).ToArray();
            AssertClose(expected, products.Skip(2 * args.Length).SelectMany(o => Of(o!)).ToArray(), args.Any(a => HasFloat(a.GetType())) ? 1e-5 : 1e-9, "Hessian-vector product");
        }

        /// <summary>
        /// For a method returning a struct or tuple: FJacobian's value against the primal's (to 1e-5, relative: a float
        /// member may be written out by another formula) and its Jacobian against central differences, FReverse with a
        /// seed of the result's type against seedᵀ·J, and FForward's tangent against J·v.
        /// </summary>
        public static void CheckVectorValued(Type owner, string name, object[] args, double tolerance)
        {
            var expected = FiniteJacobian(owner, name, args);
            var (m, n) = (expected.GetLength(0), expected.GetLength(1));
            var jacobianType = Reflect.FindMethod(owner, name + "Jacobian", args.Length + 1).GetParameters().Last().ParameterType;
            var jacobian = (Array)Activator.CreateInstance(jacobianType, m, n)!;
            var (value, _) = Reflect.Invoke(owner, name + "Jacobian", args.Append(jacobian).ToArray());
            AssertClose(Of(Reflect.Invoke(owner, name, args).Result!), Of(value!), 1e-5, "value");
            for (var i = 0; i < m; i++)
            {
                AssertClose(Row(expected, i), Enumerable.Range(0, n).Select(j => Convert.ToDouble(jacobian.GetValue(i, j))).ToArray(), tolerance, $"Jacobian row {i}");
            }

            var resultType = Reflect.FindMethod(owner, name, args.Length).ReturnType;
            var seed = Make(resultType, Enumerable.Range(0, m).Select(i => 1.0 - 0.5 * i).ToArray());
            var starts = args.Select(a => Like(a, new double[Of(a).Length])).ToArray();
            var (_, refs) = Reflect.Invoke(owner, name + "Reverse", args.Append(seed).Concat(starts).ToArray());
            var seedLeaves = Of(seed);
            AssertClose(Enumerable.Range(0, n).Select(j => Enumerable.Range(0, m).Sum(i => seedLeaves[i] * expected[i, j])).ToArray(), refs.Skip(args.Length + 1).SelectMany(o => Of(o!)).ToArray(), tolerance, "Reverse");

            var direction = Enumerable.Range(0, n).Select(j => 0.2 + 0.3 * j).ToArray();
            var queue = new Queue<double>(direction);
            var (forward, _) = Reflect.Invoke(owner, name + "Forward", args.Concat(args.Select(a => Like(a, queue))).ToArray());
            var tangent = Of(forward!.GetType().GetField("Item2")!.GetValue(forward)!);
            AssertClose(Enumerable.Range(0, m).Select(i => Enumerable.Range(0, n).Sum(j => expected[i, j] * direction[j])).ToArray(), tangent, tolerance, "Forward");
        }

        public static double[] Row(double[,] matrix, int i) => Enumerable.Range(0, matrix.GetLength(1)).Select(j => matrix[i, j]).ToArray();

        public static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
            }
        }
    }
}
