using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Sdk;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// Compiles a test source with the generator and adds "driver" methods, so that methods taking
    /// <c>Span&lt;T&gt;</c> / <c>ReadOnlySpan&lt;T&gt;</c> (ref structs, which <see cref="MethodInfo.Invoke(object, object[])"/>
    /// cannot pass) can be called by reflection.
    /// <para>
    /// After the generator has run, every static [Differentiable] method <c>F</c> of the source and each of its generated
    /// <c>FForward</c> / <c>FGradient</c> / <c>FReverse</c> that exists gets a driver in the static class
    /// <see cref="DriverClass"/>, named <c>&lt;type&gt;__&lt;method&gt;</c> (type = full name with '.' and '+' as '_'): the same
    /// parameters (ref kinds kept), except that <c>Span&lt;T&gt;</c> and <c>ReadOnlySpan&lt;T&gt;</c> become <c>T[]</c>.
    /// Drivers are written from the generated signatures and only for methods that were generated, so a missing
    /// method fails only the tests that use it.
    /// </para>
    /// </summary>
    public static class ArrayHarness
    {
        public const string DriverClass = "GradGenTestDrivers";

        /// <summary>The generated methods that get drivers by default: <c>F</c>, <c>FForward</c>, <c>FGradient</c>, <c>FReverse</c>.</summary>
        public static readonly string[] Suffixes = { string.Empty, "Forward", "Gradient", "Reverse" };

        /// <summary>Compiles and loads <paramref name="source"/> with drivers in <paramref name="driverClass"/> for the generated methods named F + one of <paramref name="suffixes"/>.</summary>
        public static LoadedSource CompileAndLoadWithDrivers(string source, string name, string driverClass = DriverClass, IReadOnlyList<string>? suffixes = null, string? disabledOptimizations = null)
        {
            var input = GeneratorHarness.CreateCompilation(new[] { (name + ".cs", source) }, name + "_" + Guid.NewGuid().ToString("N"));
            var inputErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (inputErrors.Count > 0)
            {
                Assert.Fail("TEST BUG: the test source '" + name + "' does not compile even without the generator:\n"
                    + string.Join("\n", inputErrors.Select(d => "  " + d)) + "\n\n" + GeneratorHarness.WithLineNumbers(source));
            }

            var run = GeneratorHarness.Run(input, disabledOptimizations);
            var drivers = DriverSource(run.OutputCompilation, driverClass, suffixes ?? Suffixes);
            var output = run.OutputCompilation.AddSyntaxTrees(
                CSharpSyntaxTree.ParseText(drivers, GeneratorHarness.ParseOptions, "Drivers.cs", Encoding.UTF8));
            var withDrivers = new GeneratorRun(input, output, run.GeneratorDiagnostics, run.Driver, run.RunResult);
            var driverErrors = output.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath == "Drivers.cs")
                .ToList();
            if (driverErrors.Count > 0)
            {
                Assert.Fail("TEST BUG (or unexpected generated signatures): the drivers do not compile:\n"
                    + string.Join("\n", driverErrors.Select(d => "  " + d)) + "\n\n" + GeneratorHarness.WithLineNumbers(drivers));
            }

            return new LoadedSource(name, source, withDrivers, withDrivers.Load());
        }

        /// <summary>Driver name for <paramref name="method"/> of the type with full (reflection) name <paramref name="typeFullName"/>.</summary>
        public static string DriverName(string typeFullName, string method) =>
            typeFullName.Replace('.', '_').Replace('+', '_') + "__" + method;

        public static string DriverSource(Compilation compilation, string driverClass, IReadOnlyList<string> suffixes)
        {
            var sb = new StringBuilder();
            sb.AppendLine("// Drivers written by the test harness (ArrayHarness): spans taken as arrays.");
            sb.AppendLine("internal static class " + driverClass);
            sb.AppendLine("{");
            foreach (var type in AllTypes(compilation.Assembly.GlobalNamespace))
            {
                var members = type.GetMembers().OfType<IMethodSymbol>().ToList();
                foreach (var primal in members.Where(m => m.IsStatic && m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "GradGen.DifferentiableAttribute")))
                {
                    foreach (var suffix in suffixes)
                    {
                        var candidates = members.Where(m => m.Name == primal.Name + suffix && m.IsStatic).ToList();
                        if (candidates.Count == 1 && candidates[0].DeclaredAccessibility != Accessibility.Private)
                        {
                            AppendDriver(sb, type, candidates[0]);
                        }
                    }
                }
            }

            sb.AppendLine("}");
            return sb.ToString();
        }

        private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceOrTypeSymbol container)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    foreach (var t in AllTypes(ns))
                    {
                        yield return t;
                    }
                }
                else if (member is INamedTypeSymbol type)
                {
                    yield return type;
                    foreach (var t in AllTypes(type))
                    {
                        yield return t;
                    }
                }
            }
        }

        private static void AppendDriver(StringBuilder sb, INamedTypeSymbol type, IMethodSymbol method)
        {
            if (method.ReturnType.IsRefLikeType)
            {
                return;
            }

            var fq = SymbolDisplayFormat.FullyQualifiedFormat;
            var metadataName = ReflectionName(type);
            var parameters = new List<string>();
            var arguments = new List<string>();
            foreach (var p in method.Parameters)
            {
                string typeText = p.Type.ToDisplayString(fq);
                if (p.Type is INamedTypeSymbol named && named.IsRefLikeType && named.TypeArguments.Length == 1
                    && (named.Name == "Span" || named.Name == "ReadOnlySpan"))
                {
                    typeText = named.TypeArguments[0].ToDisplayString(fq) + "[]";
                }

                string kind = p.RefKind switch
                {
                    RefKind.Out => "out ",
                    RefKind.Ref => "ref ",
                    RefKind.In => "in ",
                    _ => string.Empty,
                };
                parameters.Add(kind + typeText + " @" + p.Name);
                arguments.Add((p.RefKind == RefKind.In ? string.Empty : kind) + "@" + p.Name);
            }

            string returnType = method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(fq);
            sb.Append("    public static ").Append(returnType).Append(' ').Append(DriverName(metadataName, method.Name))
                .Append('(').Append(string.Join(", ", parameters)).Append(") => ")
                .Append(type.ToDisplayString(fq)).Append('.').Append(method.Name)
                .Append('(').Append(string.Join(", ", arguments)).AppendLine(");");
        }

        private static string ReflectionName(INamedTypeSymbol type)
        {
            var name = type.MetadataName;
            for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
                type = outer;
            }

            var ns = type.ContainingNamespace;
            return ns == null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
        }
    }

    /// <summary>How a parameter of a differentiable method takes part in differentiation.</summary>
    public enum ParameterKind
    {
        /// <summary>Passed through (int, int[], bool, [NoDerivative] ...).</summary>
        Passive,
        Scalar,
        Array,
        Span,
        Matrix,
    }

    /// <summary>
    /// A scalar-valued static [Differentiable] method with scalar, array, span and matrix parameters, called through the
    /// drivers of <see cref="ArrayHarness"/>. Arguments are given with double, double[] and double[,] for the real
    /// parameters (converted to float for a float method; a span parameter takes an array). Derivatives are read and
    /// written as one flat vector, in the contract's flat index order: differentiable parameters in declaration order,
    /// arrays and spans by index, matrices row-major.
    /// </summary>
    public sealed class ArrayFunction
    {
        public const double Garbage = 12345.0;

        private readonly Type _drivers;

        /// <summary>
        /// <paramref name="method"/> of the template type <paramref name="templateType"/> (see <see cref="SourceTemplate"/>)
        /// compiled for <paramref name="precision"/>; for float, its double twin is the finite-difference truth.
        /// </summary>
        public static ArrayFunction Of(Func<Precision, Lazy<LoadedSource>> sources, string templateType, string method, Precision precision)
        {
            ArrayFunction At(Precision p) => new(sources(p).Value, sources(p).Value.GetType(SourceTemplate.Instantiate(templateType, p)), method, p == Precision.Float ? At(Precision.Double) : null);
            return At(precision);
        }

        public ArrayFunction(LoadedSource source, Type type, string name, ArrayFunction? twin = null)
        {
            Source = source;
            Type = type;
            Name = name;
            Twin = twin;
            _drivers = source.GetType(ArrayHarness.DriverClass);
            Primal = FindPrimal(type, name);
            Parameters = Primal.GetParameters();
            Kinds = Parameters.Select(KindOf).ToArray();
            Active = ActiveIndices(Kinds);
            IsFloat = Primal.ReturnType == typeof(float);
        }

        public LoadedSource Source { get; }

        public Type Type { get; }

        public string Name { get; }

        /// <summary>For a float method: the same method in double, whose finite differences are the truth.</summary>
        public ArrayFunction? Twin { get; }

        public MethodInfo Primal { get; }

        public ParameterInfo[] Parameters { get; }

        public ParameterKind[] Kinds { get; }

        public int[] Active { get; }

        public bool IsFloat { get; }

        public Type Real => IsFloat ? typeof(float) : typeof(double);

        public string Label => Type.Name + "." + Name;

        /// <summary>The one static method <paramref name="name"/> of <paramref name="type"/>: the [Differentiable] primal.</summary>
        public static MethodInfo FindPrimal(Type type, string name)
        {
            var primal = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m.Name == name).ToList();
            return primal.Count == 1 ? primal[0] : throw new InvalidOperationException($"TEST BUG: {type.FullName}.{name}: {primal.Count} methods of that name.");
        }

        /// <summary>The positions of the differentiable parameters.</summary>
        public static int[] ActiveIndices(ParameterKind[] kinds) =>
            Enumerable.Range(0, kinds.Length).Where(i => kinds[i] != ParameterKind.Passive).ToArray();

        public static ParameterKind KindOf(ParameterInfo p)
        {
            if (p.CustomAttributes.Any(a => a.AttributeType.FullName == "GradGen.NoDerivativeAttribute"))
            {
                return ParameterKind.Passive;
            }

            var t = p.ParameterType;
            if (t == typeof(double) || t == typeof(float))
            {
                return ParameterKind.Scalar;
            }

            if (t == typeof(double[]) || t == typeof(float[]))
            {
                return ParameterKind.Array;
            }

            if (t == typeof(ReadOnlySpan<double>) || t == typeof(ReadOnlySpan<float>))
            {
                return ParameterKind.Span;
            }

            if (t == typeof(double[,]) || t == typeof(float[,]))
            {
                return ParameterKind.Matrix;
            }

            return ParameterKind.Passive;
        }

        /// <summary>Contract name of a derivative parameter: prefix + the name with its first letter upper-cased.</summary>
        public static string DerivativeName(string primalName, string prefix = "d") =>
            prefix + char.ToUpperInvariant(primalName[0]) + primalName.Substring(1);

        public string ActiveName(int k) => Parameters[Active[k]].Name!;

        // ----- driver calls --------------------------------------------------------------------------------------

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

        public double Value(object?[] args) => Reflect.ToDouble(InvokeRaw(string.Empty, (object?[])args.Clone()));

        /// <summary>FForward with the tangent given as a flat vector.</summary>
        public (double Value, double Tangent) Forward(object?[] args, double[] v) =>
            Reflect.ReadPair(InvokeRaw("Forward", args.Concat(Unflatten(args, v)).ToArray()));

        /// <summary>FGradient; array and matrix buffers (and out slots) are pre-filled with <see cref="Garbage"/>.</summary>
        public (double Value, double[] Gradient) Gradient(object?[] args)
        {
            var buffers = Unflatten(args, Enumerable.Repeat(Garbage, FlatLength(args)).ToArray());
            var all = args.Concat(buffers).ToArray();
            var value = Reflect.ToDouble(InvokeRaw("Gradient", all));
            return (value, Flatten(all.Skip(args.Length).ToArray()));
        }

        /// <summary>FReverse called <paramref name="times"/> times on the same derivative buffers, which start as <paramref name="initial"/>.</summary>
        public (double Value, double[] Adjoint) Reverse(object?[] args, double seed, double[] initial, int times = 1)
        {
            var all = args.Append(Reflect.ConvertArgument(seed, Real)).Concat(Unflatten(args, initial)).ToArray();
            double value = double.NaN;
            for (int t = 0; t < times; t++)
            {
                value = Reflect.ToDouble(InvokeRaw("Reverse", all));
            }

            return (value, Flatten(all.Skip(args.Length + 1).ToArray()));
        }

        // ----- arguments and flat vectors ------------------------------------------------------------------------

        /// <summary>The arguments converted to this method's precision (double[] to float[] ...); arrays are copied.</summary>
        public object?[] Arguments(object?[] raw)
        {
            if (raw.Length != Parameters.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label} takes {Parameters.Length} arguments, {raw.Length} given.");
            }

            return raw.Select((a, i) => Convert(a, Parameters[i].ParameterType)).ToArray();
        }

        private static object? Convert(object? a, Type target)
        {
            bool toFloat = target == typeof(float) || target == typeof(float[]) || target == typeof(float[,]) || target == typeof(ReadOnlySpan<float>);
            return a switch
            {
                double d => toFloat ? (object)(float)d : d,
                float f => toFloat ? (object)f : (double)f,
                double[] v => toFloat ? v.Select(e => (float)e).ToArray() : (double[])v.Clone(),
                float[] v => toFloat ? (float[])v.Clone() : v.Select(e => (double)e).ToArray(),
                double[,] m => toFloat ? MapMatrix(m, e => (float)e) : (double[,])m.Clone(),
                float[,] m => toFloat ? (float[,])m.Clone() : MapMatrix(m, e => (double)e),
                int[] ix => (int[])ix.Clone(),
                _ => Reflect.ConvertArgument(a, target),
            };
        }

        /// <summary>All real arguments as doubles (float values widened exactly); arrays copied.</summary>
        public static object?[] ToDoubles(object?[] args) => args.Select(a => a switch
        {
            float f => (object)(double)f,
            float[] v => v.Select(e => (double)e).ToArray(),
            float[,] m => MapMatrix(m, e => (double)e),
            double[] v => (double[])v.Clone(),
            double[,] m => (double[,])m.Clone(),
            int[] ix => (int[])ix.Clone(),
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

        /// <summary>Number of differentiable scalars at these arguments.</summary>
        public int FlatLength(object?[] args) => Active.Sum(i => Size(args[i]));

        private static int Size(object? a) => a switch
        {
            Array arr => arr.Length,
            _ => 1,
        };

        /// <summary>Name of flat index <paramref name="k"/>, e.g. "A[1,2]".</summary>
        public string FlatName(object?[] args, int k)
        {
            foreach (int i in Active)
            {
                int size = Size(args[i]);
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

        /// <summary>Derivative arguments (one per differentiable parameter: scalar, array or matrix of this precision, shaped like the argument) holding <paramref name="flat"/>.</summary>
        public object?[] Unflatten(object?[] args, double[] flat)
        {
            var result = new object?[Active.Length];
            int offset = 0;
            for (int k = 0; k < Active.Length; k++)
            {
                var a = args[Active[k]];
                if (a is Array m && m.Rank == 2)
                {
                    int rows = m.GetLength(0), cols = m.GetLength(1);
                    var buffer = Array.CreateInstance(Real, rows, cols);
                    for (int r = 0; r < rows; r++)
                    {
                        for (int c = 0; c < cols; c++)
                        {
                            buffer.SetValue(Reflect.ConvertArgument(flat[offset++], Real), r, c);
                        }
                    }

                    result[k] = buffer;
                }
                else if (a is Array v)
                {
                    var buffer = Array.CreateInstance(Real, v.Length);
                    for (int j = 0; j < v.Length; j++)
                    {
                        buffer.SetValue(Reflect.ConvertArgument(flat[offset++], Real), j);
                    }

                    result[k] = buffer;
                }
                else
                {
                    result[k] = Reflect.ConvertArgument(flat[offset++], Real);
                }
            }

            if (offset != flat.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label}: flat vector of length {flat.Length}, {offset} expected.");
            }

            return result;
        }

        /// <summary>Derivative arguments (scalars, arrays, matrices) read as one flat vector.</summary>
        public static double[] Flatten(IEnumerable<object?> derivatives)
        {
            var flat = new List<double>();
            foreach (var d in derivatives)
            {
                if (d is Array m && m.Rank == 2)
                {
                    for (int r = 0; r < m.GetLength(0); r++)
                    {
                        for (int c = 0; c < m.GetLength(1); c++)
                        {
                            flat.Add(Reflect.ToDouble(m.GetValue(r, c)));
                        }
                    }
                }
                else if (d is Array v)
                {
                    foreach (var e in v)
                    {
                        flat.Add(Reflect.ToDouble(e));
                    }
                }
                else
                {
                    flat.Add(Reflect.ToDouble(d));
                }
            }

            return flat.ToArray();
        }

        /// <summary>A copy of <paramref name="args"/> whose flat differentiable scalar <paramref name="k"/> is replaced by f(old); returns the new value actually stored.</summary>
        public (object?[] Args, double Stored) WithFlat(object?[] args, int k, Func<double, double> f)
        {
            var copy = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
            foreach (int i in Active)
            {
                int size = Size(copy[i]);
                if (k < size)
                {
                    switch (copy[i])
                    {
                        case Array m when m.Rank == 2:
                        {
                            int r = k / m.GetLength(1), c = k % m.GetLength(1);
                            m.SetValue(Reflect.ConvertArgument(f(Reflect.ToDouble(m.GetValue(r, c))), Real), r, c);
                            return (copy, Reflect.ToDouble(m.GetValue(r, c)));
                        }

                        case Array v:
                            v.SetValue(Reflect.ConvertArgument(f(Reflect.ToDouble(v.GetValue(k))), Real), k);
                            return (copy, Reflect.ToDouble(v.GetValue(k)));
                        default:
                            copy[i] = Reflect.ConvertArgument(f(Reflect.ToDouble(copy[i])), Real);
                            return (copy, Reflect.ToDouble(copy[i]));
                    }
                }

                k -= size;
            }

            throw new ArgumentOutOfRangeException(nameof(k));
        }

        public double ReadFlat(object?[] args, int k)
        {
            double value = double.NaN;
            WithFlat(args, k, x => value = x);
            return value;
        }

        /// <summary>Central differences of the primal over the flat differentiable scalars (float steps for a float method).</summary>
        public double[] FiniteDifferenceGradient(object?[] args)
        {
            int n = FlatLength(args);
            var g = new double[n];
            for (int k = 0; k < n; k++)
            {
                double x = ReadFlat(args, k);
                double h = IsFloat ? FiniteDifference.FloatStep(x) : FiniteDifference.Step(x);
                var (plus, xp) = WithFlat(args, k, v => v + h);
                var (minus, xm) = WithFlat(args, k, v => v - h);
                g[k] = (Value(plus) - Value(minus)) / (xp - xm);
            }

            return g;
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
        public static bool SameContent(object? a, object? b)
        {
            if (a is Array x && b is Array y)
            {
                if (x.Rank != y.Rank || x.Length != y.Length || x.GetType() != y.GetType())
                {
                    return false;
                }

                var ex = x.GetEnumerator();
                var ey = y.GetEnumerator();
                while (ex.MoveNext() && ey.MoveNext())
                {
                    if (!Equals(ex.Current, ey.Current))
                    {
                        return false;
                    }
                }

                return true;
            }

            return Equals(a, b);
        }
    }

    /// <summary>
    /// Checks the generated derivatives of a scalar function of arrays, spans and matrices (see <see cref="ArrayFunction"/>)
    /// at given points, collecting all mismatches:
    /// <list type="number">
    /// <item>a closed-form gradient (flat, evaluated in double at the exact inputs) vs FGradient and vs FForward along every
    ///   unit direction;</item>
    /// <item>central finite differences (for a float method: of its double twin) vs FGradient;</item>
    /// <item>&lt;J·v, w&gt; = &lt;v, Jᵀ·w&gt; for seeded random v and w: FForward(v).Tangent·w vs &lt;v, FReverse(seed w)&gt;;</item>
    /// <item>FReverse accumulates (once: r + s∇f, twice on the same buffers: r + 2s∇f), FGradient overwrites garbage;</item>
    /// <item>every generated method returns the primal value, and no input array, span or matrix is modified.</item>
    /// </list>
    /// </summary>
    public static class ArrayGradientCheck
    {
        /// <param name="closedForm">Arguments as doubles (float inputs widened) -> the flat gradient.</param>
        public static void Check(ArrayFunction f, IEnumerable<object?[]> points, Func<object?[], double[]>? closedForm = null,
            bool finiteDifferences = true, Tolerance? closedFormTolerance = null, Tolerance? finiteDifferenceTolerance = null)
        {
            var errors = new List<string>();
            int index = 0;
            foreach (var raw in points)
            {
                try
                {
                    CheckPoint(f, f.Arguments(raw), closedForm, finiteDifferences, closedFormTolerance, finiteDifferenceTolerance, index++, errors);
                }
                catch (Exception ex) when (ex is not XunitException)
                {
                    errors.Add($"{f.Describe(f.Arguments(raw))}: threw {ex}");
                }
            }

            if (errors.Count > 0)
            {
                Assert.Fail($"{f.Label} ({(f.IsFloat ? "float" : "double")}): {errors.Count} mismatches\n  " + string.Join("\n  ", errors.Take(40))
                    + (errors.Count > 40 ? $"\n  ... and {errors.Count - 40} more" : string.Empty)
                    + "\n\n" + f.Source.Describe(f.Type.Name + "." + f.Name));
            }
        }

        private static void CheckPoint(ArrayFunction f, object?[] args, Func<object?[], double[]>? closedForm, bool finiteDifferences,
            Tolerance? closedFormTolerance, Tolerance? finiteDifferenceTolerance, int pointIndex, List<string> errors)
        {
            string at = f.Describe(args);
            var pristine = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
            int n = f.FlatLength(args);
            bool isFloat = f.IsFloat;
            var valueTol = isFloat ? new Tolerance(1e-5, 1e-6) : new Tolerance(1e-12, 1e-14);
            var agreement = isFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble;

            void Compare(string what, double expected, double actual, Tolerance tol)
            {
                if (!tol.Close(expected, actual))
                {
                    errors.Add($"{at}: {what}: expected {F(expected)}, got {F(actual)} (diff {F(actual - expected)}; {tol})");
                }
            }

            string Name(int k) => f.FlatName(args, k);

            double value = f.Value(args);

            // FGradient (buffers pre-filled with garbage: it must overwrite every element).
            var (gv, grad) = f.Gradient(args);
            Compare("FGradient return value vs primal", value, gv, valueTol);
            if (grad.Length != n)
            {
                errors.Add($"{at}: FGradient gave {grad.Length} derivatives, {n} expected");
                return;
            }

            double gradScale = Math.Max(1.0, grad.Select(Math.Abs).DefaultIfEmpty(0).Max());

            // 1. Closed form: reverse mode, and forward mode along every unit direction.
            double[]? expected = null;
            if (closedForm != null)
            {
                expected = closedForm(ArrayFunction.ToDoubles(args));
                if (expected.Length != n)
                {
                    throw new ArgumentException($"TEST BUG: closed form of {f.Label} gives {expected.Length} values for {n} differentiable scalars.");
                }

                var tol = (closedFormTolerance ?? (isFloat ? Tolerance.Float : Tolerance.ExactDouble)).Scaled(gradScale);
                for (int k = 0; k < n; k++)
                {
                    Compare($"∂f/∂{Name(k)} FGradient vs closed form", expected[k], grad[k], tol);
                }
            }

            for (int k = 0; k < n; k++)
            {
                var e = new double[n];
                e[k] = 1;
                var (fv, ft) = f.Forward(args, e);
                Compare($"FForward(e[{Name(k)}]) value vs primal", value, fv, valueTol);
                if (expected != null)
                {
                    var tol = (closedFormTolerance ?? (isFloat ? Tolerance.Float : Tolerance.ExactDouble)).Scaled(gradScale);
                    Compare($"∂f/∂{Name(k)} FForward(e[{Name(k)}]).Tangent vs closed form", expected[k], ft, tol);
                }
                else
                {
                    Compare($"FForward(e[{Name(k)}]).Tangent vs FGradient", grad[k], ft, agreement.Scaled(gradScale));
                }
            }

            // 2. Finite differences.
            if (finiteDifferences)
            {
                double[] fd;
                Tolerance tol;
                if (f.Twin != null)
                {
                    fd = f.Twin.FiniteDifferenceGradient(f.Twin.Arguments(ArrayFunction.ToDoubles(args)));
                    tol = finiteDifferenceTolerance ?? Tolerance.Float;
                }
                else
                {
                    fd = f.FiniteDifferenceGradient(args);
                    tol = finiteDifferenceTolerance ?? (isFloat ? Tolerance.FiniteDifferenceFloat : Tolerance.FiniteDifferenceDouble);
                }

                tol = tol.Scaled(Math.Max(gradScale, Math.Abs(value)));
                for (int k = 0; k < n; k++)
                {
                    Compare($"∂f/∂{Name(k)} FGradient vs finite differences{(f.Twin != null ? " of the double twin" : string.Empty)}", fd[k], grad[k], tol);
                }
            }

            // 3. <J v, w> = <v, Jᵀ w> on seeded random directions.
            var random = new Random(GradientCheck.StableSeed(f.Label + (isFloat ? "f" : "d"), pointIndex));
            double R(double range) => Math.Round((random.NextDouble() * 2 - 1) * range * 64) / 64;
            for (int trial = 0; trial < 3; trial++)
            {
                var v = Enumerable.Range(0, n).Select(_ => R(2)).ToArray();
                double w = R(2) + (trial == 0 ? 3 : 0);
                var (fv, jv) = f.Forward(args, v);
                Compare("FForward(v) value vs primal", value, fv, valueTol);
                var (rv, jtw) = f.Reverse(args, w, new double[n]);
                Compare("FReverse value vs primal", value, rv, valueTol);
                double lhs = jv * w, rhs = 0, scale = 0;
                for (int k = 0; k < n; k++)
                {
                    rhs += v[k] * jtw[k];
                    scale += Math.Abs(v[k] * grad[k] * w);
                    Compare($"FReverse(seed {F(w)}, zero buffers)[{Name(k)}] vs seed·FGradient", w * grad[k], jtw[k], agreement.Scaled(gradScale * Math.Abs(w)));
                }

                Compare($"<J·v, w> (FForward) vs <v, Jᵀ·w> (FReverse), trial {trial}", rhs, lhs, agreement.Scaled(scale));
            }

            // 4. FReverse accumulates into the same buffers.
            {
                double seed = 1.75 + Math.Round(random.NextDouble() * 64) / 64;
                var initial = Enumerable.Range(0, n).Select(_ => R(1)).ToArray();
                var (_, once) = f.Reverse(args, seed, initial, times: 1);
                var (_, twice) = f.Reverse(args, seed, initial, times: 2);
                var tol = agreement.Scaled(Math.Max(gradScale * seed, 1));
                for (int k = 0; k < n; k++)
                {
                    Compare($"FReverse once: d[{Name(k)}] = {F(initial[k])} + seed·∂f", initial[k] + seed * grad[k], once[k], tol);
                    Compare($"FReverse twice on the same buffers: d[{Name(k)}] = {F(initial[k])} + 2·seed·∂f", initial[k] + 2 * seed * grad[k], twice[k], tol);
                }
            }

            // 5. Inputs untouched by every call above.
            for (int i = 0; i < args.Length; i++)
            {
                if (!ArrayFunction.SameContent(pristine[i], args[i]))
                {
                    errors.Add($"{at}: input {f.Parameters[i].Name} was modified: before {ArrayFunction.Format(pristine[i])}, after {ArrayFunction.Format(args[i])}");
                }
            }
        }

        private static string F(double x) => x.ToString("G10", CultureInfo.InvariantCulture);
    }
}
