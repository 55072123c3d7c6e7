using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Compiles a test source with the generator, like <see cref="ArrayHarness"/>, and adds drivers (spans taken as
    /// arrays) for every generated method of a static [Differentiable] method <c>F</c>: the primal, <c>FForward</c>,
    /// <c>FGradient</c>, <c>FReverse</c>, <c>FJacobian</c>, <c>FHessian</c>, <c>FHessianVectorProduct</c> and
    /// <c>FReverseTangent</c>. Drivers are named as in <see cref="ArrayHarness.DriverName"/>, in class <see cref="DriverClass"/>.
    /// </summary>
    public static class VectorHarness
    {
        public const string DriverClass = "GradGenVectorDrivers";

        public static readonly string[] Suffixes =
            { string.Empty, "Forward", "Gradient", "Reverse", "Jacobian", "Hessian", "HessianVectorProduct", "ReverseTangent" };

        public static LoadedSource Load(string source, string name) =>
            ArrayHarness.CompileAndLoadWithDrivers(source, name, DriverClass, Suffixes);
    }

    /// <summary>What a differentiable method returns.</summary>
    public enum OutputKind
    {
        Scalar,
        Tuple,
        Array,
    }

    /// <summary>
    /// A static [Differentiable] method whose result is a real, a tuple of reals or a real array, and every generated
    /// method of it, called through the drivers of <see cref="VectorHarness"/>. Inputs are given as double, double[] and
    /// double[,] (converted to each parameter's precision); outputs and derivatives are read as flat double vectors: the
    /// outputs in order (tuple elements, array elements), the inputs in the contract's flat index order.
    /// </summary>
    public sealed class VectorFunction
    {
        public const double Garbage = 12345.0;

        private readonly Type _drivers;

        public VectorFunction(LoadedSource source, Type type, string name, VectorFunction? twin = null)
        {
            Source = source;
            Type = type;
            Name = name;
            Twin = twin;
            _drivers = source.GetType(VectorHarness.DriverClass);
            Primal = ArrayFunction.FindPrimal(type, name);
            Parameters = Primal.GetParameters();
            Kinds = Parameters.Select(ArrayFunction.KindOf).ToArray();
            Active = ArrayFunction.ActiveIndices(Kinds);
            var r = Primal.ReturnType;
            if (r == typeof(double) || r == typeof(float))
            {
                Output = OutputKind.Scalar;
                OutputTypes = new[] { r };
            }
            else if (r == typeof(double[]) || r == typeof(float[]))
            {
                Output = OutputKind.Array;
                OutputTypes = new[] { r.GetElementType()! };
            }
            else if (r.IsGenericType && r.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
            {
                Output = OutputKind.Tuple;
                OutputTypes = r.GetGenericArguments();
            }
            else
            {
                throw new InvalidOperationException($"TEST BUG: {type.FullName}.{name} returns {r}.");
            }

            _anyFloat = OutputTypes.Any(t => t == typeof(float)) || Active.Any(i => ElementType(i) == typeof(float));
            AllFloat = OutputTypes.All(t => t == typeof(float)) && Active.All(i => ElementType(i) == typeof(float));
        }

        public LoadedSource Source { get; }

        public Type Type { get; }

        public string Name { get; }

        /// <summary>For a float method: the same method in double, whose finite differences are the truth.</summary>
        public VectorFunction? Twin { get; }

        public MethodInfo Primal { get; }

        public ParameterInfo[] Parameters { get; }

        public ParameterKind[] Kinds { get; }

        public int[] Active { get; }

        public OutputKind Output { get; }

        /// <summary>Element types of the result (one for a scalar or an array, one per element for a tuple).</summary>
        public Type[] OutputTypes { get; }

        private readonly bool _anyFloat;

        /// <summary>Float arithmetic involved somewhere (float tolerances).</summary>
        public bool AnyFloat => _anyFloat || FloatArithmetic;

        /// <summary>Every output and input is float (the Jacobian is then a float[,]).</summary>
        public bool AllFloat { get; }

        public string Label => Type.Name + "." + Name;

        /// <summary>
        /// Float arithmetic inside, though the signature may be all double: finite differences take float steps (1e-3)
        /// for every input, and tolerances are float tolerances.
        /// </summary>
        public bool FloatArithmetic { get; set; }

        /// <summary>float or double: the real type of parameter <paramref name="i"/> (or of its elements).</summary>
        public Type ElementType(int i)
        {
            var t = Parameters[i].ParameterType;
            return t == typeof(float) || t == typeof(float[]) || t == typeof(float[,]) || t == typeof(ReadOnlySpan<float>)
                ? typeof(float) : typeof(double);
        }

        // ----- drivers --------------------------------------------------------------------------------------------

        public bool Has(string suffix) =>
            _drivers.GetMethod(ArrayHarness.DriverName(Type.FullName!, Name + suffix), BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) != null;

        public MethodInfo Driver(string suffix)
        {
            var name = ArrayHarness.DriverName(Type.FullName!, Name + suffix);
            var method = _drivers.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
            if (method == null)
            {
                Assert.Fail($"{Label}: {Name + suffix} was not generated (no driver {name}).\n\n" + Source.Describe(Type.Name + "." + Name));
            }

            return method!;
        }

        /// <summary>Calls a driver with exactly these objects (out/ref results land in <paramref name="all"/>); rethrows what it threw.</summary>
        public object? InvokeRaw(string suffix, object?[] all)
        {
            try
            {
                return Driver(suffix).Invoke(null, all);
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        /// <summary>A result (real, tuple or array) as a flat vector.</summary>
        public static double[] Outputs(object? result) => result switch
        {
            null => throw new ArgumentNullException(nameof(result)),
            double d => new[] { d },
            float f => new[] { (double)f },
            double[] v => v.ToArray(),
            float[] v => v.Select(e => (double)e).ToArray(),
            ITuple t => Enumerable.Range(0, t.Length).Select(i => Reflect.ToDouble(t[i])).ToArray(),
            _ => throw new InvalidOperationException("Unexpected result " + result.GetType()),
        };

        public double[] Value(object?[] args) => Outputs(InvokeRaw(string.Empty, Copy(args)));

        /// <summary>FForward with the tangent as a flat vector: (value, J·v), both flat.</summary>
        public (double[] Value, double[] Tangent) Forward(object?[] args, double[] v)
        {
            var result = InvokeRaw("Forward", Copy(args).Concat(Unflatten(args, v)).ToArray());
            var pair = Assert.IsAssignableFrom<ITuple>(result);
            Assert.Equal(2, pair.Length);
            return (Outputs(pair[0]), Outputs(pair[1]));
        }

        /// <summary>The seed argument of FReverse for the flat output weights <paramref name="w"/>.</summary>
        public object Seed(double[] w)
        {
            switch (Output)
            {
                case OutputKind.Scalar:
                    return Reflect.ConvertArgument(w.Single(), OutputTypes[0])!;
                case OutputKind.Array:
                {
                    var a = Array.CreateInstance(OutputTypes[0], w.Length);
                    for (int i = 0; i < w.Length; i++)
                    {
                        a.SetValue(Reflect.ConvertArgument(w[i], OutputTypes[0]), i);
                    }

                    return a;
                }

                default:
                    if (w.Length != OutputTypes.Length)
                    {
                        throw new ArgumentException($"TEST BUG: {Label} has {OutputTypes.Length} outputs, {w.Length} seeds given.");
                    }

                    return Activator.CreateInstance(Primal.ReturnType, w.Select((x, i) => Reflect.ConvertArgument(x, OutputTypes[i])).ToArray())!;
            }
        }

        /// <summary>FReverse called <paramref name="times"/> times with seed <paramref name="w"/> on the same derivative buffers, which start as <paramref name="initial"/>.</summary>
        public (double[] Value, double[] Adjoint) Reverse(object?[] args, double[] w, double[] initial, int times = 1)
        {
            var all = Copy(args).Append(Seed(w)).Concat(Unflatten(args, initial)).ToArray();
            double[] value = Array.Empty<double>();
            for (int t = 0; t < times; t++)
            {
                value = Outputs(InvokeRaw("Reverse", all));
            }

            return (value, ArrayFunction.Flatten(all.Skip(args.Length + 1)));
        }

        /// <summary>FGradient (scalar results); buffers pre-filled with <see cref="Garbage"/>.</summary>
        public (double Value, double[] Gradient) Gradient(object?[] args)
        {
            var buffers = Unflatten(args, Enumerable.Repeat(Garbage, FlatLength(args)).ToArray());
            var all = Copy(args).Concat(buffers).ToArray();
            var value = Reflect.ToDouble(InvokeRaw("Gradient", all));
            return (value, ArrayFunction.Flatten(all.Skip(args.Length)));
        }

        /// <summary>Type of the matrix parameter (jacobian, hessian) that ends the driver of <paramref name="suffix"/>.</summary>
        public Type MatrixParameterType(string suffix) => Driver(suffix).GetParameters().Last().ParameterType;

        /// <summary>A matrix of the element type <paramref name="suffix"/>'s last parameter wants, filled with <see cref="Garbage"/>.</summary>
        public Array NewMatrix(string suffix, int rows, int cols)
        {
            var element = MatrixParameterType(suffix).GetElementType()!;
            var m = Array.CreateInstance(element, rows, cols);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    m.SetValue(Reflect.ConvertArgument(Garbage, element), i, j);
                }
            }

            return m;
        }

        /// <summary>FJacobian into an m × n matrix pre-filled with garbage.</summary>
        public (double[] Value, double[,] Jacobian) Jacobian(object?[] args, int m)
        {
            int n = FlatLength(args);
            var matrix = NewMatrix("Jacobian", m, n);
            var value = Outputs(InvokeRaw("Jacobian", Copy(args).Append(matrix).ToArray()));
            return (value, ToDoubleMatrix(matrix));
        }

        /// <summary>FJacobian with exactly this matrix argument (shape tests).</summary>
        public object? JacobianRaw(object?[] args, object? matrix) => InvokeRaw("Jacobian", Copy(args).Append(matrix).ToArray());

        /// <summary>FHessian into an n × n matrix pre-filled with garbage.</summary>
        public (double Value, double[,] Hessian) Hessian(object?[] args)
        {
            int n = FlatLength(args);
            var matrix = NewMatrix("Hessian", n, n);
            var value = Reflect.ToDouble(InvokeRaw("Hessian", Copy(args).Append(matrix).ToArray()));
            return (value, ToDoubleMatrix(matrix));
        }

        public object? HessianRaw(object?[] args, object? matrix) => InvokeRaw("Hessian", Copy(args).Append(matrix).ToArray());

        /// <summary>FHessianVectorProduct along the flat <paramref name="v"/>; hv buffers pre-filled with garbage.</summary>
        public (double Value, double[] Hv) HessianVectorProduct(object?[] args, double[] v)
        {
            var hv = Unflatten(args, Enumerable.Repeat(Garbage, FlatLength(args)).ToArray());
            var all = Copy(args).Concat(Unflatten(args, v)).Concat(hv).ToArray();
            var value = Reflect.ToDouble(InvokeRaw("HessianVectorProduct", all));
            return (value, ArrayFunction.Flatten(all.Skip(args.Length + Active.Length)));
        }

        public static double[,] ToDoubleMatrix(Array m)
        {
            var r = new double[m.GetLength(0), m.GetLength(1)];
            for (int i = 0; i < r.GetLength(0); i++)
            {
                for (int j = 0; j < r.GetLength(1); j++)
                {
                    r[i, j] = Reflect.ToDouble(m.GetValue(i, j));
                }
            }

            return r;
        }

        // ----- arguments and flat vectors ------------------------------------------------------------------------

        /// <summary>The arguments converted to each parameter's precision; arrays copied.</summary>
        public object?[] Arguments(object?[] raw)
        {
            if (raw.Length != Parameters.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label} takes {Parameters.Length} arguments, {raw.Length} given.");
            }

            return raw.Select((a, i) => Convert(a, i)).ToArray();
        }

        private object? Convert(object? a, int i)
        {
            var target = Parameters[i].ParameterType;
            bool toFloat = ElementType(i) == typeof(float) && (target == typeof(float) || target.IsArray || target == typeof(ReadOnlySpan<float>));
            return a switch
            {
                double d => toFloat ? (object)(float)d : Reflect.ConvertArgument(d, target),
                float f => toFloat ? (object)f : (double)f,
                double[] v => toFloat ? v.Select(e => (float)e).ToArray() : (double[])v.Clone(),
                float[] v => toFloat ? (float[])v.Clone() : v.Select(e => (double)e).ToArray(),
                double[,] m => toFloat ? ArrayFunction.MapMatrix(m, e => (float)e) : (double[,])m.Clone(),
                float[,] m => toFloat ? (float[,])m.Clone() : ArrayFunction.MapMatrix(m, e => (double)e),
                int[] ix => (int[])ix.Clone(),
                _ => Reflect.ConvertArgument(a, target),
            };
        }

        /// <summary>A new argument list holding the same objects (arrays are shared, so that the checks see any change made to an input).</summary>
        private static object?[] Copy(object?[] args) => args.ToArray();

        public int FlatLength(object?[] args) => Active.Sum(i => args[i] is Array a ? a.Length : 1);

        public string FlatName(object?[] args, int k)
        {
            foreach (int i in Active)
            {
                int size = args[i] is Array a ? a.Length : 1;
                if (k < size)
                {
                    return args[i] switch
                    {
                        Array m when m.Rank == 2 => $"{Parameters[i].Name}[{k / m.GetLength(1)},{k % m.GetLength(1)}]",
                        Array => $"{Parameters[i].Name}[{k}]",
                        _ => Parameters[i].Name!,
                    };
                }

                k -= size;
            }

            throw new ArgumentOutOfRangeException(nameof(k));
        }

        /// <summary>One derivative argument per differentiable parameter (scalar, array or matrix of its precision) holding <paramref name="flat"/>.</summary>
        public object?[] Unflatten(object?[] args, double[] flat)
        {
            var result = new object?[Active.Length];
            int offset = 0;
            for (int k = 0; k < Active.Length; k++)
            {
                var real = ElementType(Active[k]);
                var a = args[Active[k]];
                if (a is Array m && m.Rank == 2)
                {
                    var buffer = Array.CreateInstance(real, m.GetLength(0), m.GetLength(1));
                    for (int r = 0; r < m.GetLength(0); r++)
                    {
                        for (int c = 0; c < m.GetLength(1); c++)
                        {
                            buffer.SetValue(Reflect.ConvertArgument(flat[offset++], real), r, c);
                        }
                    }

                    result[k] = buffer;
                }
                else if (a is Array v)
                {
                    var buffer = Array.CreateInstance(real, v.Length);
                    for (int j = 0; j < v.Length; j++)
                    {
                        buffer.SetValue(Reflect.ConvertArgument(flat[offset++], real), j);
                    }

                    result[k] = buffer;
                }
                else
                {
                    result[k] = Reflect.ConvertArgument(flat[offset++], real);
                }
            }

            if (offset != flat.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label}: flat vector of length {flat.Length}, {offset} expected.");
            }

            return result;
        }

        /// <summary>A copy of <paramref name="args"/> with flat scalar <paramref name="k"/> replaced by f(old); returns the value actually stored.</summary>
        public (object?[] Args, double Stored) WithFlat(object?[] args, int k, Func<double, double> f)
        {
            var copy = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
            foreach (int i in Active)
            {
                var real = ElementType(i);
                int size = copy[i] is Array a ? a.Length : 1;
                if (k < size)
                {
                    switch (copy[i])
                    {
                        case Array m when m.Rank == 2:
                        {
                            int r = k / m.GetLength(1), c = k % m.GetLength(1);
                            m.SetValue(Reflect.ConvertArgument(f(Reflect.ToDouble(m.GetValue(r, c))), real), r, c);
                            return (copy, Reflect.ToDouble(m.GetValue(r, c)));
                        }

                        case Array v:
                            v.SetValue(Reflect.ConvertArgument(f(Reflect.ToDouble(v.GetValue(k))), real), k);
                            return (copy, Reflect.ToDouble(v.GetValue(k)));
                        default:
                            copy[i] = Reflect.ConvertArgument(f(Reflect.ToDouble(copy[i])), real);
                            return (copy, Reflect.ToDouble(copy[i]));
                    }
                }

                k -= size;
            }

            throw new ArgumentOutOfRangeException(nameof(k));
        }

        /// <summary>True when flat input <paramref name="k"/> is a float.</summary>
        public bool IsFloatInput(object?[] args, int k)
        {
            foreach (int i in Active)
            {
                int size = args[i] is Array a ? a.Length : 1;
                if (k < size)
                {
                    return ElementType(i) == typeof(float);
                }

                k -= size;
            }

            throw new ArgumentOutOfRangeException(nameof(k));
        }

        /// <summary>Central differences of <paramref name="g"/> (a vector function of the arguments) over every flat input: column k is ∂g/∂(flat k).</summary>
        public double[,] FiniteDifferences(object?[] args, Func<object?[], double[]> g)
        {
            int n = FlatLength(args);
            double[,]? result = null;
            for (int k = 0; k < n; k++)
            {
                double x = double.NaN;
                WithFlat(args, k, v => x = v);
                double h = FloatArithmetic || IsFloatInput(args, k) ? FiniteDifference.FloatStep(x) : FiniteDifference.Step(x);
                var (plus, xp) = WithFlat(args, k, v => v + h);
                var (minus, xm) = WithFlat(args, k, v => v - h);
                var gp = g(plus);
                var gm = g(minus);
                result ??= new double[gp.Length, n];
                for (int i = 0; i < gp.Length; i++)
                {
                    result[i, k] = (gp[i] - gm[i]) / (xp - xm);
                }
            }

            return result ?? new double[0, 0];
        }

        public string Describe(object?[] args) =>
            Label + "(" + string.Join(", ", args.Select((a, i) => Parameters[i].Name + "=" + ArrayFunction.Format(a))) + ")";
    }

    /// <summary>Small helpers shared by the vector-valued tests.</summary>
    public static class V
    {
        public static object?[] P(params object?[] args) => args;

        public static object?[][] Points(params object?[][] points) => points;

        /// <summary>Seeded values rounded to 1/64, so that float holds them exactly.</summary>
        public static double[] Vec(int seed, int n, double range = 1.5)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 2 - 1) * range * 64) / 64).ToArray();
        }

        public static double[,] Mat(int seed, int rows, int cols, double range = 1.5)
        {
            var v = Vec(seed, rows * cols, range);
            return Build(rows, cols, (i, j) => v[i * cols + j]);
        }

        public static double[,] Build(int rows, int cols, Func<int, int, double> f)
        {
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    m[i, j] = f(i, j);
                }
            }

            return m;
        }

        /// <summary>A matrix from its rows.</summary>
        public static double[,] M(params double[][] rows) => Build(rows.Length, rows.Length == 0 ? 0 : rows[0].Length, (i, j) => rows[i][j]);

        public static double[,] MatMul(double[,] a, double[,] b) =>
            Build(a.GetLength(0), b.GetLength(1), (i, j) => Enumerable.Range(0, a.GetLength(1)).Sum(k => a[i, k] * b[k, j]));

        public static double[,] Transpose(double[,] a) => Build(a.GetLength(1), a.GetLength(0), (i, j) => a[j, i]);

        public static double[,] Add(double[,] a, double[,] b) => Build(a.GetLength(0), a.GetLength(1), (i, j) => a[i, j] + b[i, j]);

        public static double[,] Scale(double s, double[,] a) => Build(a.GetLength(0), a.GetLength(1), (i, j) => s * a[i, j]);

        public static double[] MatVec(double[,] a, double[] x) =>
            Enumerable.Range(0, a.GetLength(0)).Select(i => Enumerable.Range(0, x.Length).Sum(j => a[i, j] * x[j])).ToArray();

        public static double[] Row(double[,] a, int i) => Enumerable.Range(0, a.GetLength(1)).Select(j => a[i, j]).ToArray();

        public static double[] Column(double[,] a, int j) => Enumerable.Range(0, a.GetLength(0)).Select(i => a[i, j]).ToArray();

        public static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

        public static double MaxAbs(double[,] a) => a.Cast<double>().Select(Math.Abs).DefaultIfEmpty(0).Max();

        public static double MaxAbs(double[] a) => a.Select(Math.Abs).DefaultIfEmpty(0).Max();

        public static string F(double x) => x.ToString("G10", CultureInfo.InvariantCulture);

        public static string Show(double[,] a) =>
            "[" + string.Join("; ", Enumerable.Range(0, a.GetLength(0)).Select(i => string.Join(" ", Row(a, i).Select(F)))) + "]";

        public static string Show(double[] a) => "[" + string.Join(", ", a.Select(F)) + "]";
    }
}
