using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>What a differentiable method returns.</summary>
    public enum ResultKind
    {
        Scalar,
        Tuple,
        Array,
    }

    /// <summary>
    /// A [Differentiable] method of a loaded test source (static, or an instance method called on a given target)
    /// and the methods generated for it (FForward, FGradient, FReverse, FJacobian, FHessian, FHessianVectorProduct,
    /// FReverseTangent), called through <see cref="Reflect.CallInPlace"/> (a span parameter takes an array). Its result
    /// is a real, a tuple of reals or a real array; its parameters are scalars, arrays, spans, matrices or passive.
    /// <para>
    /// Arguments are given with double, double[] and double[,] for the real parameters (converted to each parameter's
    /// precision). Outputs and derivatives are read and written as flat double vectors: the outputs in order (tuple
    /// elements, array elements); the inputs in the contract's flat index order: differentiable parameters in
    /// declaration order, arrays and spans by index, matrices row-major.
    /// </para>
    /// </summary>
    public sealed class DiffFunction
    {
        /// <summary>What every derivative buffer holds before a call that must overwrite it.</summary>
        public const double Garbage = 12345.0;

        /// <summary>The parameter types that have a derivative.</summary>
        private static readonly Type[] RealTypes =
        {
            typeof(double), typeof(double[]), typeof(ReadOnlySpan<double>), typeof(double[,]),
            typeof(float), typeof(float[]), typeof(ReadOnlySpan<float>), typeof(float[,]),
        };

        public DiffFunction(LoadedSource source, Type type, string name, object? target = null, DiffFunction? twin = null)
        {
            Source = source;
            Type = type;
            Name = name;
            Twin = twin;
            Primal = Reflect.TryFindMethod(type, name)
                ?? throw new InvalidOperationException($"TEST BUG: {type.FullName}.{name} does not exist (or is overloaded).");
            Target = Primal.IsStatic ? null : target ?? Activator.CreateInstance(type);
            Parameters = Primal.GetParameters();
            Active = Enumerable.Range(0, Parameters.Length).Where(i => IsDifferentiable(Parameters[i])).ToArray();
            var r = Primal.ReturnType;
            (Result, ResultTypes) = r == typeof(double) || r == typeof(float) ? (ResultKind.Scalar, new[] { r })
                : r == typeof(double[]) || r == typeof(float[]) ? (ResultKind.Array, new[] { r.GetElementType()! })
                : r.IsGenericType && r.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) ? (ResultKind.Tuple, r.GetGenericArguments())
                : throw new InvalidOperationException($"TEST BUG: {type.FullName}.{name} returns {r}.");
        }

        /// <summary>
        /// <paramref name="method"/> of the template type <paramref name="templateType"/> (see <see cref="SourceTemplate"/>)
        /// compiled for <paramref name="precision"/>; for float, the same method in double is its finite-difference truth.
        /// </summary>
        public static DiffFunction Of(Func<Precision, Lazy<LoadedSource>> sources, string templateType, string method, Precision precision, Func<Type, object?>? target = null)
        {
            var source = sources(precision).Value;
            var type = source.GetType(SourceTemplate.Instantiate(templateType, precision));
            var twin = precision == Precision.Float ? Of(sources, templateType, method, Precision.Double, target) : null;
            return new DiffFunction(source, type, method, target?.Invoke(type), twin);
        }

        public LoadedSource Source { get; }

        public Type Type { get; }

        public string Name { get; }

        private object? Target { get; }

        /// <summary>For a float method: the same method in double, whose finite differences are the truth.</summary>
        public DiffFunction? Twin { get; }

        private MethodInfo Primal { get; }

        public ParameterInfo[] Parameters { get; }

        /// <summary>Positions of the differentiable parameters, in declaration order.</summary>
        private int[] Active { get; }

        public ResultKind Result { get; }

        /// <summary>Element types of the result (one for a scalar or an array, one per element for a tuple).</summary>
        private Type[] ResultTypes { get; }

        /// <summary>
        /// Float arithmetic inside, though the signature may be all double: finite differences take float steps and
        /// tolerances are float tolerances.
        /// </summary>
        public bool FloatArithmetic { get; init; }

        /// <summary>Float arithmetic is involved (a float result or input, or <see cref="FloatArithmetic"/>): float steps and tolerances.</summary>
        public bool IsFloat => FloatArithmetic || ResultTypes.Contains(typeof(float)) || Active.Any(i => ElementType(i) == typeof(float));

        /// <summary>Every output and input is float (the Jacobian is then a float[,]).</summary>
        public bool AllFloat => ResultTypes.All(t => t == typeof(float)) && Active.All(i => ElementType(i) == typeof(float));

        public string Label => Type.Name + "." + Name;

        /// <summary>A real scalar, array, read-only span or matrix not marked [NoDerivative]; everything else passes through.</summary>
        public static bool IsDifferentiable(ParameterInfo p) =>
            (RealTypes.Contains(Plain(p.ParameterType)) || CollectionItem(p.ParameterType) is not null)
            && !p.CustomAttributes.Any(a => a.AttributeType.FullName == "GradGen.NoDerivativeAttribute");

        /// <summary>
        /// The real element of a collection parameter (<c>IReadOnlyList&lt;double&gt;</c>, <c>List&lt;float&gt;</c>, ...),
        /// which tests hold as an array (a <c>List</c> made from it at the call); null for any other type.
        /// </summary>
        private static Type? CollectionItem(Type t) =>
            t.IsGenericType && t.Namespace == "System.Collections.Generic" && t.GetGenericArguments() is [var item] && (item == typeof(double) || item == typeof(float))
                ? item
                : null;

        /// <summary>The type an <c>in</c> parameter (by reference, read only) is passed as.</summary>
        private static Type Plain(Type t) => t.IsByRef ? t.GetElementType()! : t;

        /// <summary>float or double: the real type of parameter <paramref name="i"/> (or of its elements).</summary>
        private Type ElementType(int i)
        {
            var t = Plain(Parameters[i].ParameterType);
            return t == typeof(float) || t == typeof(float[]) || t == typeof(float[,]) || t == typeof(ReadOnlySpan<float>) || CollectionItem(t) == typeof(float)
                ? typeof(float) : typeof(double);
        }

        // ----- calls ----------------------------------------------------------------------------------------------

        /// <summary>True when the generated method F + <paramref name="suffix"/> exists.</summary>
        public bool Has(string suffix) => Reflect.TryFindMethod(Type, Name + suffix) != null;

        /// <summary>The generated method F + <paramref name="suffix"/> ("" for the primal), or a failed test showing the generated code.</summary>
        public MethodInfo Method(string suffix)
        {
            var method = Reflect.TryFindMethod(Type, Name + suffix);
            if (method == null)
            {
                Assert.Fail($"{Label}: {Name + suffix} was not generated (or is overloaded).\n\n" + Source.Describe(Type.Name + "." + Name));
            }

            return method!;
        }

        /// <summary>Calls F + <paramref name="suffix"/> with exactly these arguments (spans as arrays); out and ref values land in <paramref name="all"/>.</summary>
        public object? Invoke(string suffix, object?[] all)
        {
            // A List parameter is given a List of the array's elements; interfaces take the array itself.
            var lists = Parameters.Select((p, i) => (p, i)).Where(x => x.p.ParameterType.IsGenericType && x.p.ParameterType.GetGenericTypeDefinition() == typeof(List<>) && all[x.i] is Array).ToList();
            if (lists.Count == 0)
            {
                return Reflect.CallInPlace(Method(suffix), Target, all);
            }

            var converted = all.ToArray();
            lists.ForEach(x => converted[x.i] = Activator.CreateInstance(x.p.ParameterType, all[x.i]));
            var result = Reflect.CallInPlace(Method(suffix), Target, converted);
            for (var i = 0; i < all.Length; i++)
            {
                if (lists.All(x => x.i != i))
                {
                    all[i] = converted[i];
                }
            }

            return result;
        }

        /// <summary>A result (real, tuple or array) as a flat vector.</summary>
        public static double[] Outputs(object? result) => result switch
        {
            null => throw new ArgumentNullException(nameof(result)),
            double[] v => v.ToArray(),
            float[] v => v.Select(e => (double)e).ToArray(),
            ITuple t => Enumerable.Range(0, t.Length).Select(i => Reflect.ToDouble(t[i])).ToArray(),
            _ => new[] { Reflect.ToDouble(result) },
        };

        public double[] Value(object?[] args) => Outputs(Invoke(string.Empty, args.ToArray()));

        /// <summary>FForward along the flat direction <paramref name="v"/>: (value, J·v), both flat.</summary>
        public (double[] Value, double[] Tangent) Forward(object?[] args, double[] v)
        {
            var pair = Assert.IsAssignableFrom<ITuple>(Invoke("Forward", args.Concat(Unflatten(args, v)).ToArray()));
            Assert.Equal(2, pair.Length);
            return (Outputs(pair[0]), Outputs(pair[1]));
        }

        /// <summary>The seed argument of FReverse for the flat output weights <paramref name="w"/>.</summary>
        public object Seed(double[] w)
        {
            switch (Result)
            {
                case ResultKind.Scalar:
                    return Reflect.ConvertArgument(w.Single(), ResultTypes[0])!;
                case ResultKind.Array:
                {
                    var seed = Array.CreateInstance(ResultTypes[0], w.Length);
                    for (int i = 0; i < w.Length; i++)
                    {
                        seed.SetValue(Reflect.ConvertArgument(w[i], ResultTypes[0]), i);
                    }

                    return seed;
                }

                default:
                    if (w.Length != ResultTypes.Length)
                    {
                        throw new ArgumentException($"TEST BUG: {Label} has {ResultTypes.Length} outputs, {w.Length} seeds given.");
                    }

                    return Activator.CreateInstance(Primal.ReturnType, w.Select((x, i) => Reflect.ConvertArgument(x, ResultTypes[i])).ToArray())!;
            }
        }

        /// <summary>FReverse called <paramref name="times"/> times with seed <paramref name="w"/> on the same derivative buffers, which start as <paramref name="initial"/>.</summary>
        public (double[] Value, double[] Adjoint) Reverse(object?[] args, double[] w, double[] initial, int times = 1)
        {
            var all = args.Append(Seed(w)).Concat(Unflatten(args, initial)).ToArray();
            double[] value = Array.Empty<double>();
            for (int t = 0; t < times; t++)
            {
                value = Outputs(Invoke("Reverse", all));
            }

            return (value, Flatten(all.Skip(args.Length + 1)));
        }

        /// <summary>FGradient of a scalar result; its derivative buffers (and out slots) hold <see cref="Garbage"/> before the call.</summary>
        public (double Value, double[] Gradient) Gradient(object?[] args)
        {
            var all = args.Concat(Unflatten(args, Filled(FlatLength(args)))).ToArray();
            var value = Reflect.ToDouble(Invoke("Gradient", all));
            return (value, Flatten(all.Skip(args.Length)));
        }

        /// <summary>FJacobian into an <paramref name="m"/> × n matrix filled with <see cref="Garbage"/>.</summary>
        public (double[] Value, double[,] Jacobian) Jacobian(object?[] args, int m)
        {
            var matrix = NewMatrix("Jacobian", m, FlatLength(args));
            var value = Outputs(Invoke("Jacobian", args.Append(matrix).ToArray()));
            return (value, ToDoubleMatrix(matrix));
        }

        /// <summary>FHessian into an n × n matrix filled with <see cref="Garbage"/>.</summary>
        public (double Value, double[,] Hessian) Hessian(object?[] args)
        {
            int n = FlatLength(args);
            var matrix = NewMatrix("Hessian", n, n);
            var value = Reflect.ToDouble(Invoke("Hessian", args.Append(matrix).ToArray()));
            return (value, ToDoubleMatrix(matrix));
        }

        /// <summary>FHessianVectorProduct along the flat <paramref name="v"/>; the hv buffers hold <see cref="Garbage"/> before the call.</summary>
        public (double Value, double[] Hv) HessianVectorProduct(object?[] args, double[] v)
        {
            var all = args.Concat(Unflatten(args, v)).Concat(Unflatten(args, Filled(FlatLength(args)))).ToArray();
            var value = Reflect.ToDouble(Invoke("HessianVectorProduct", all));
            return (value, Flatten(all.Skip(args.Length + Active.Length)));
        }

        /// <summary>Type of the matrix parameter (jacobian, hessian) that ends F + <paramref name="suffix"/>.</summary>
        public Type MatrixParameterType(string suffix) => Method(suffix).GetParameters().Last().ParameterType;

        /// <summary>A matrix of the element type F + <paramref name="suffix"/>'s last parameter wants, filled with <see cref="Garbage"/>.</summary>
        public Array NewMatrix(string suffix, int rows, int cols)
        {
            var element = MatrixParameterType(suffix).GetElementType()!;
            var matrix = Array.CreateInstance(element, rows, cols);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    matrix.SetValue(Reflect.ConvertArgument(Garbage, element), i, j);
                }
            }

            return matrix;
        }

        private static double[] Filled(int n) => Enumerable.Repeat(Garbage, n).ToArray();

        // ----- arguments and the flat index -----------------------------------------------------------------------

        /// <summary>The arguments converted to each parameter's precision (double[] to float[] ...); arrays copied.</summary>
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
            bool toFloat = ElementType(i) == typeof(float);
            return a switch
            {
                double d => toFloat ? (float)d : Reflect.ConvertArgument(d, Plain(Parameters[i].ParameterType)),
                float f => toFloat ? f : (double)f,
                double[] v => toFloat ? v.Select(e => (float)e).ToArray() : v.Clone(),
                float[] v => toFloat ? v.Clone() : v.Select(e => (double)e).ToArray(),
                double[,] m => toFloat ? MapMatrix(m, e => (float)e) : m.Clone(),
                float[,] m => toFloat ? m.Clone() : MapMatrix(m, e => (double)e),
                int[] ix => ix.Clone(),
                _ => Reflect.ConvertArgument(a, Plain(Parameters[i].ParameterType)),
            };
        }

        /// <summary>All real arguments as doubles (float values widened exactly); arrays copied.</summary>
        public static object?[] ToDoubles(object?[] args) => args.Select(a => a switch
        {
            float f => (double)f,
            float[] v => v.Select(e => (double)e).ToArray(),
            float[,] m => MapMatrix(m, e => (double)e),
            Array v => v.Clone(),
            _ => a,
        }).ToArray();

        public static TOut[,] MapMatrix<TIn, TOut>(TIn[,] m, Func<TIn, TOut> f)
        {
            var r = new TOut[m.GetLength(0), m.GetLength(1)];
            for (int i = 0; i < m.GetLength(0); i++)
            {
                for (int j = 0; j < m.GetLength(1); j++)
                {
                    r[i, j] = f(m[i, j]);
                }
            }

            return r;
        }

        private static double[,] ToDoubleMatrix(Array m)
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

        /// <summary>Number of differentiable scalars at these arguments.</summary>
        public int FlatLength(object?[] args) => Active.Sum(i => Size(args[i]));

        private static int Size(object? a) => a is Array array ? array.Length : 1;

        /// <summary>The parameter that holds flat index <paramref name="k"/>, and the index within it.</summary>
        private (int Parameter, int Offset) Locate(object?[] args, int k)
        {
            foreach (int i in Active)
            {
                if (k < Size(args[i]))
                {
                    return (i, k);
                }

                k -= Size(args[i]);
            }

            throw new ArgumentOutOfRangeException(nameof(k));
        }

        /// <summary>Name of flat index <paramref name="k"/>, e.g. "A[1,2]".</summary>
        public string FlatName(object?[] args, int k)
        {
            var (i, offset) = Locate(args, k);
            return args[i] switch
            {
                Array m when m.Rank == 2 => $"{Parameters[i].Name}[{offset / m.GetLength(1)},{offset % m.GetLength(1)}]",
                Array => $"{Parameters[i].Name}[{offset}]",
                _ => Parameters[i].Name!,
            };
        }

        /// <summary>One derivative argument per differentiable parameter (scalar, array or matrix of its precision, shaped like the argument) holding <paramref name="flat"/>.</summary>
        public object?[] Unflatten(object?[] args, double[] flat)
        {
            var result = new object?[Active.Length];
            int offset = 0;
            for (int k = 0; k < Active.Length; k++)
            {
                var real = ElementType(Active[k]);
                object? Next() => Reflect.ConvertArgument(flat[offset++], real);
                switch (args[Active[k]])
                {
                    case Array m when m.Rank == 2:
                    {
                        var buffer = Array.CreateInstance(real, m.GetLength(0), m.GetLength(1));
                        for (int r = 0; r < m.GetLength(0); r++)
                        {
                            for (int c = 0; c < m.GetLength(1); c++)
                            {
                                buffer.SetValue(Next(), r, c);
                            }
                        }

                        result[k] = buffer;
                        break;
                    }

                    case Array v:
                    {
                        var buffer = Array.CreateInstance(real, v.Length);
                        for (int j = 0; j < v.Length; j++)
                        {
                            buffer.SetValue(Next(), j);
                        }

                        result[k] = buffer;
                        break;
                    }

                    default:
                        result[k] = Next();
                        break;
                }
            }

            if (offset != flat.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label}: flat vector of length {flat.Length}, {offset} expected.");
            }

            return result;
        }

        /// <summary>Derivative arguments (scalars, arrays, matrices) read as one flat vector (matrices row-major).</summary>
        public static double[] Flatten(IEnumerable<object?> derivatives) =>
            derivatives.SelectMany(d => d is Array a ? a.Cast<object?>() : new[] { d }).Select(Reflect.ToDouble).ToArray();

        /// <summary>A copy of <paramref name="args"/> whose flat differentiable scalar <paramref name="k"/> is replaced by f(old); returns the value actually stored.</summary>
        public (object?[] Args, double Stored) WithFlat(object?[] args, int k, Func<double, double> f)
        {
            var copy = args.Select(a => a is Array array ? array.Clone() : a).ToArray();
            var (i, offset) = Locate(copy, k);
            var real = ElementType(i);
            switch (copy[i])
            {
                case Array m when m.Rank == 2:
                {
                    int r = offset / m.GetLength(1), c = offset % m.GetLength(1);
                    m.SetValue(Reflect.ConvertArgument(f(Reflect.ToDouble(m.GetValue(r, c))), real), r, c);
                    return (copy, Reflect.ToDouble(m.GetValue(r, c)));
                }

                case Array v:
                    v.SetValue(Reflect.ConvertArgument(f(Reflect.ToDouble(v.GetValue(offset))), real), offset);
                    return (copy, Reflect.ToDouble(v.GetValue(offset)));
                default:
                    copy[i] = Reflect.ConvertArgument(f(Reflect.ToDouble(copy[i])), real);
                    return (copy, Reflect.ToDouble(copy[i]));
            }
        }

        public double ReadFlat(object?[] args, int k)
        {
            double value = double.NaN;
            WithFlat(args, k, x => value = x);
            return value;
        }

        /// <summary>
        /// Central differences of <paramref name="g"/> (a vector function of the arguments) over every flat input:
        /// column k is ∂g/∂(flat k). Double steps (1e-6) normally; float steps (1e-3, with the rounded step as
        /// denominator) when float arithmetic is involved.
        /// </summary>
        public double[,] FiniteDifferences(object?[] args, Func<object?[], double[]> g)
        {
            int n = FlatLength(args);
            double[,]? result = null;
            for (int k = 0; k < n; k++)
            {
                double x = ReadFlat(args, k);
                double h = IsFloat ? FiniteDifference.FloatStep(x) : FiniteDifference.Step(x);
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
            Label + "(" + string.Join(", ", args.Select((a, i) => Parameters[i].Name + "=" + Format(a))) + ")";

        public static string Format(object? a) => a switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
            Array m when m.Rank == 2 => "[" + string.Join("; ", Enumerable.Range(0, m.GetLength(0)).Select(r =>
                string.Join(" ", Enumerable.Range(0, m.GetLength(1)).Select(c => Format(m.GetValue(r, c)))))) + "]",
            Array v => "[" + string.Join(", ", v.Cast<object?>().Select(Format)) + "]",
            null => "null",
            _ => System.Convert.ToString(a, CultureInfo.InvariantCulture) ?? string.Empty,
        };

        /// <summary>True when both are equal element by element (arrays and matrices compared by content, exactly).</summary>
        public static bool SameContent(object? a, object? b) =>
            a is Array x && b is Array y
                ? x.Rank == y.Rank && x.GetType() == y.GetType() && x.Cast<object?>().SequenceEqual(y.Cast<object?>())
                : Equals(a, b);
    }
}
