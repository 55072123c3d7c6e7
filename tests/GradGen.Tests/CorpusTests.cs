using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// The real-code corpus: numeric functions written by other people, copied from public .NET repositories into
    /// Corpus/ (one function and its helpers per file, attribution in the file's header) with the smallest changes that
    /// make them stand alone, and marked [Differentiable]. Each file is compiled in memory with the generator; its
    /// outcome is "differentiated" (no GG error, and the generated Gradient and Forward of the entry method match
    /// central finite differences of the original method at the points below) or the GG error IDs the analyzer reports.
    /// docs/corpus.md lists every file with its outcome; these tests keep that table true.
    /// </summary>
    public class CorpusTests
    {
        private const string Differentiated = "differentiated";
        private const string BugOutcome = "BUG (reported)";

        /// <summary>Files on which GradGen generates wrong derivatives or code that does not compile: not measured until fixed.</summary>
        private static readonly HashSet<string> Bugs = new(StringComparer.Ordinal)
        {
        };

        /// <summary>File name (without .cs) → the [Differentiable] entry method and the points (its arguments) to check it at.</summary>
        private static readonly Dictionary<string, Case> Cases = new(StringComparer.Ordinal)
        {
            // Math.NET Numerics
            ["MathNet_GammaLn"] = new("GammaLn", A(2.5), A(0.3), A(7.1)),
            ["MathNet_DiGamma"] = new("DiGamma", A(2.5), A(0.3), A(14.2)),
            ["MathNet_Erf"] = new("Erf", A(0.3), A(-0.9), A(2.0)),
            ["MathNet_Rastrigin"] = new("Rastrigin", A(new[] { 0.3, -1.2, 2.1 }), A(new[] { 0.7, 0.1 })),
            ["MathNet_StudentTPdf"] = new("PDF", A(0.5, 1.5, 4.2, 1.1), A(-0.2, 0.8, 2.5, 0.4)),
            // Math.NET Filtering, Math.NET Spatial
            ["Filtering_FirLowPass"] = new("LowPass", A(1000.0, 100.0, 1.0, 5)),
            ["Filtering_IirLowPass"] = new("LowPass", A(1000.0, 100.0, 20.0)),
            ["Spatial_ChebyshevCos"] = new("ChybyshevCosPoli", A(4, 0.3), A(3, -0.7)),
            ["Spatial_ChebyshevSin"] = new("ChybyshevSinPoli", A(4, 0.3), A(3, -0.7)),
            // QLNet (option type: 1 call, -1 put; SABR model: 0 Hagan 2002, 1 Obloj 2008)
            ["QLNet_SabrVolatility"] = new("unsafeSabrVolatility", A(0.04, 0.05, 2.0, 0.1, 0.5, 0.4, -0.3, 0), A(0.06, 0.05, 1.5, 0.2, 0.7, 0.3, 0.2, 1)),
            ["QLNet_SabrNormalVolatility"] = new("unsafeSabrNormalVolatility", A(0.04, 0.05, 2.0, 0.1, 0.5, 0.4, -0.3), A(0.06, 0.045, 1.0, 0.05, 0.3, 0.5, 0.1)),
            ["QLNet_BlackFormula"] = new("blackFormula", A(1, 100.0, 105.0, 0.2, 0.95, 0.01), A(-1, 110.0, 100.0, 0.3, 0.9, 0.02)),
            ["QLNet_BachelierBlackFormula"] = new("bachelierBlackFormula", A(1, 100.0, 103.0, 5.0, 0.97), A(-1, 0.03, 0.025, 0.01, 0.9)),
            ["QLNet_BlackImpliedStdDevApprox"] = new("blackFormulaImpliedStdDevApproximation", A(1, 100.0, 105.0, 8.0, 0.95, 0.01), A(-1, 110.0, 100.0, 12.0, 0.9, 0.02)),
            // ML.NET
            ["MLNet_SoftMaxSpan"] = new("SoftMax", A(new[] { 0.3, -1.2, 2.1, 0.5 }), A(new[] { 1.0, 0.9 })),
            ["MLNet_SoftMax2"] = new("SoftMax", A(0.3, 1.1), A(2.0, -0.5)),
            ["MLNet_LogGamma"] = new("LogGamma", A(2.5), A(7.3), A(0.7)),
            ["MLNet_Erfc"] = new("Erfc", A(0.4), A(-1.3), A(2.2)),
            ["MLNet_TweedieLoss"] = new("Loss", A(1.3, 0.8), A(2.5, 3.0)),
            // MonoGame
            ["MonoGame_Hermite"] = new("Hermite", A(1.0, 0.5, 3.0, -0.2, 0.3), A(-2.0, 1.0, 0.5, 0.7, 0.8)),
            ["MonoGame_CatmullRom"] = new("CatmullRom", A(0.0, 1.0, 3.0, 2.0, 0.4), A(1.0, -1.0, 2.0, 0.5, 0.7)),
            ["MonoGame_SmoothStep"] = new("SmoothStep", A(1.0, 3.0, 0.3), A(-2.0, 0.5, 0.8)),
            ["MonoGame_WrapAngle"] = new("WrapAngle", A(1.0), A(4.0), A(-7.5)),
            // MonoGame.Extended
            ["Extended_ElasticOut"] = new("ElasticOut", A(0.3), A(0.8)),
            ["Extended_BackInOut"] = new("BackInOut", A(0.3), A(0.8)),
            ["Extended_BounceIn"] = new("BounceIn", A(0.2), A(0.55), A(0.9)),
            ["Extended_CircleInOut"] = new("CircleInOut", A(0.3), A(0.8)),
            ["Extended_CubicInOut"] = new("CubicInOut", A(0.3), A(0.8)),
            // NAudio
            ["NAudio_ResonanceToQ"] = new("ResonanceCentibelsToQ", A(100.0), A(500.0)),
            ["NAudio_FrequencyToMidiNote"] = new("FrequencyToMidiNote", A(440.0), A(123.4)),
            ["NAudio_DenormalFlush"] = new("Flush", A(0.5), A(-2.0)),
            ["NAudio_LinearToDecibels"] = new("LinearToDecibels", A(0.5), A(3.0)),
            ["NAudio_BiQuadTransform"] = new("Transform", A(0.5)),
            // FastNoiseLite (seed, x, y)
            ["FastNoise_Perlin"] = new("SinglePerlin", A(1337, 0.3, 0.7), A(42, 2.6, -1.2)),
            ["FastNoise_Simplex"] = new("SingleSimplex", A(1337, 0.3, 0.7), A(42, 2.6, -1.2)),
            ["FastNoise_ValueCubic"] = new("SingleValueCubic", A(1337, 0.3, 0.7), A(42, 2.6, -1.2)),
            // NetTopologySuite (Coordinate arguments: no point, they are not differentiated)
            ["NTS_AngleNormalize"] = new("Normalize", A(1.0), A(4.0), A(-7.5)),
            ["NTS_AngleDiff"] = new("Diff", A(0.3, 1.2), A(2.9, -2.5)),
            ["NTS_InteriorAngle"] = new("InteriorAngle"),
            ["NTS_AreaOfRingSigned"] = new("OfRingSigned"),
            ["NTS_PointToSegment"] = new("PointToSegment"),
            // Stride
            ["Stride_SmootherStep"] = new("SmootherStep", A(0.3), A(0.8)),
            ["Stride_Mod"] = new("Mod", A(5.3, 2.0), A(-1.7, 3.0)),
            ["Stride_ExpDecay"] = new("ExpDecay", A(1.0, 3.0, 2.0, 0.1), A(-1.0, 0.5, 0.7, 1.3)),
            ["Stride_InterpolatorCubic"] = new("Cubic", A(0.0, 1.0, 3.0, 2.0, 0.4), A(1.0, -1.0, 2.0, 0.5, 0.7)),
            ["Stride_ConvertToFloatHeight"] = new("ConvertToFloatHeight", A(0.0, 10.0, 3.0), A(-2.0, 5.0, 1.5)),
            // BEPUphysics v2 (Vector3 arguments as {x, y, z})
            ["Bepu_Cos"] = new("Cos", A(0.3), A(2.0), A(-4.0)),
            ["Bepu_Acos"] = new("Acos", A(0.3), A(-0.6)),
            ["Bepu_AngularBoundsExpansion"] = new("GetAngularBoundsExpansion", A(2.0, 0.1, 1.5, 10.0), A(1.0, 0.3, 0.5, 0.05)),
            ["Bepu_TriangleArea"] = new("ComputeTriangleArea", A(new[] { 0.0, 0.0, 0.0 }, new[] { 1.0, 0.2, 0.0 }, new[] { 0.3, 1.1, 0.4 })),
            ["Bepu_TetrahedronVolume"] = new("ComputeTetrahedronVolume", A(new[] { 1.0, 0.1, 0.2 }, new[] { 0.1, 1.2, 0.3 }, new[] { 0.2, 0.3, 0.9 })),
        };

        private sealed record Case(string Entry, params object?[][] Points);

        private static object?[] A(params object?[] args) => args;

        public static IEnumerable<object[]> Files() =>
            CorpusFiles().Where(f => !Bugs.Contains(f)).Select(f => new object[] { f });

        [Theory]
        [MemberData(nameof(Files))]
        public void Outcome_is_the_one_in_the_table(string file)
        {
            var table = Table();
            Assert.True(table.Rows.ContainsKey(file), $"docs/corpus.md has no row for {file}.");
            var observed = Observe(file);
            Assert.True(table.Rows[file] == observed,
                $"{file}: docs/corpus.md says '{table.Rows[file]}', the test observes '{observed}'.");
        }

        [Fact]
        public void Table_has_one_row_per_file_and_its_summary_counts_them()
        {
            var files = CorpusFiles().ToList();
            var table = Table();
            Assert.Empty(table.Duplicates);
            Assert.Equal(files.OrderBy(f => f, StringComparer.Ordinal), table.Rows.Keys.OrderBy(f => f, StringComparer.Ordinal));
            foreach (var file in files)
            {
                Assert.True(Cases.ContainsKey(file), $"TEST BUG: {file} has no entry in CorpusTests.Cases.");
                Assert.True(Bugs.Contains(file) == (table.Rows[file] == BugOutcome),
                    $"{file}: the table's outcome '{table.Rows[file]}' and the test's bug list disagree.");
            }

            int differentiated = table.Rows.Values.Count(o => o == Differentiated);
            var summary = $"{differentiated} of {files.Count} differentiated as written";
            Assert.True(table.Text.Contains(summary, StringComparison.Ordinal), $"docs/corpus.md should say '{summary}'.");
        }

        /// <summary>"differentiated", or the distinct GG error IDs (sorted, comma-separated) the analyzer reports.</summary>
        private static string Observe(string file)
        {
            var source = File.ReadAllText(CorpusPath(file + ".cs"));
            var input = GeneratorHarness.CreateCompilation(new[] { (file + ".cs", source) }, file + "_" + Guid.NewGuid().ToString("N"));
            var inputErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(inputErrors.Count == 0, $"TEST BUG: corpus file {file} does not compile on its own:\n"
                + string.Join("\n", inputErrors.Select(d => "  " + d)));

            var errors = GeneratorHarness.Analyze(input)
                .Where(d => d.Id.StartsWith("GG", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error)
                .ToList();
            if (Environment.GetEnvironmentVariable("GRADGEN_CORPUS_DUMP") is { Length: > 0 } dump)
            {
                File.AppendAllText(dump, "== " + file + "\n" + string.Join("\n", errors.Select(d => "  " + d)) + "\n");
            }

            if (errors.Count > 0)
            {
                Assert.DoesNotContain(errors, d => d.Id == "GG0021");   // GradGen failed: a bug, not an outcome
                return string.Join(", ", errors.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal));
            }

            var run = GeneratorHarness.Run(input);
            var generatorErrors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(generatorErrors.Count == 0, $"{file}: the analyzer reports no error, the generator does:\n"
                + string.Join("\n", generatorErrors.Select(d => "  " + d)));
            var assembly = run.Load();
            var type = assembly.GetType("GradGen.Corpus." + file, throwOnError: true)!;
            var c = Cases[file];
            Check(file, type, c, () => run.Describe(includeSources: true, only: h => h.Contains("." + c.Entry + ".g.cs", StringComparison.Ordinal)));
            return Differentiated;
        }

        // ----- the derivative check -----

        /// <summary>One differentiable scalar of the arguments: parameter index, element (or -1), Vector3 component (or -1).</summary>
        private readonly record struct Slot(int Parameter, int Element, int Component);

        private static void Check(string file, Type type, Case c, Func<string> describe)
        {
            var primal = Reflect.FindMethod(type, c.Entry, c.Points[0].Length, describe);
            object? target = primal.IsStatic ? null : CreateInstance(type);
            var parameters = primal.GetParameters();
            var wrt = Enumerable.Range(0, parameters.Length).Where(i => IsDifferentiable(parameters[i])).ToList();
            bool isFloat = primal.ReturnType == typeof(float);
            // A method returning an array is checked through Σₖ fₖ/(k + 1): its Reverse seeded with those weights.
            bool vector = primal.ReturnType.IsArray;
            var gradient = vector
                ? Reflect.FindMethod(type, c.Entry + "Reverse", parameters.Length + 1 + wrt.Count, describe)
                : Reflect.FindMethod(type, c.Entry + "Gradient", parameters.Length + wrt.Count, describe);
            var forward = Reflect.FindMethod(type, c.Entry + "Forward", parameters.Length + wrt.Count, describe);

            foreach (var point in c.Points)
            {
                var args = Convert(point, parameters);
                var slots = Slots(args, parameters, wrt).ToList();
                bool floatInputs = slots.Any(s => ElementType(parameters[s.Parameter].ParameterType) != typeof(double));
                var tolerance = isFloat || floatInputs ? Tolerance.FiniteDifferenceFloat : new Tolerance(1e-6, 1e-7);
                double value = Scalar(Reflect.Call(primal, target, args).Result);
                tolerance = tolerance.Scaled(value);

                // Gradient (or a seeded Reverse): out scalars start at 0, spans are arrays of the argument's length.
                var seed = vector ? new object?[] { Weights(((Array)Reflect.Call(primal, target, args).Result!).Length) } : Array.Empty<object?>();
                var gArgs = args.Concat(seed).Concat(wrt.Select(i => Derivative(args[i], parameters[i].ParameterType))).ToArray();
                var (gValue, gOut) = Reflect.Call(gradient, target, gArgs);
                Assert.True(vector || Tolerance.ExactDouble.Scaled(value).Close(value, Reflect.ToDouble(gValue)) || (isFloat && Tolerance.AgreementFloat.Scaled(value).Close(value, Reflect.ToDouble(gValue))),
                    $"{file} at {Show(point)}: {c.Entry}Gradient returns {gValue}, {c.Entry} returns {value}.\n{describe()}");

                var report = new StringBuilder();
                var direction = new double[slots.Count];
                double directional = 0;
                for (int k = 0; k < slots.Count; k++)
                {
                    var slot = slots[k];
                    double expected = CentralDifference(primal, target, args, slot);
                    double actual = Read(gOut[parameters.Length + seed.Length + wrt.IndexOf(slot.Parameter)], slot);
                    if (!tolerance.Close(expected, actual))
                    {
                        report.AppendLine($"  d/d({Name(parameters, slot)}): finite differences {expected:R}, {c.Entry}Gradient {actual:R}");
                    }

                    direction[k] = 1.0 - 0.37 * k;
                    directional += direction[k] * actual;
                }

                Assert.True(report.Length == 0, $"{file} at {Show(point)} ({tolerance}):\n{report}\n{describe()}");

                // Forward along one direction agrees with the gradient.
                var tangents = wrt.Select(i => Tangent(args[i], parameters[i].ParameterType, slots, direction, i)).ToArray();
                var (fResult, _) = Reflect.Call(forward, target, args.Concat(tangents).ToArray());
                var (fValue, fTangent) = vector
                    ? (Scalar(fResult!.GetType().GetField("Item1")!.GetValue(fResult)), Scalar(fResult.GetType().GetField("Item2")!.GetValue(fResult)))
                    : Reflect.ReadPair(fResult);
                var agreement = (isFloat || floatInputs ? Tolerance.FiniteDifferenceFloat : new Tolerance(1e-8, 1e-10)).Scaled(directional);
                Assert.True(agreement.Close(directional, fTangent) && Tolerance.ExactDouble.Scaled(value).Close(value, fValue) || (isFloat && Tolerance.AgreementFloat.Scaled(value).Close(value, fValue) && agreement.Close(directional, fTangent)),
                    $"{file} at {Show(point)}: {c.Entry}Forward gives ({fValue:R}, {fTangent:R}); value {value:R}, gradient · direction {directional:R}.\n{describe()}");
            }
        }

        private static bool IsDifferentiable(ParameterInfo p)
        {
            if (p.GetCustomAttributes().Any(a => a.GetType().Name == "NoDerivativeAttribute"))
            {
                return false;
            }

            var t = p.ParameterType;
            return t == typeof(double) || t == typeof(float) || t == typeof(double[]) || t == typeof(float[])
                || t == typeof(ReadOnlySpan<double>) || t == typeof(ReadOnlySpan<float>) || t == typeof(Vector3);
        }

        private static Type ElementType(Type t) =>
            t.IsArray ? t.GetElementType()! : t.IsGenericType ? t.GetGenericArguments()[0] : t == typeof(Vector3) ? typeof(float) : t;

        private static object?[] Convert(object?[] point, ParameterInfo[] parameters)
        {
            var args = new object?[point.Length];
            for (int i = 0; i < point.Length; i++)
            {
                var t = parameters[i].ParameterType;
                var v = point[i];
                args[i] = t.IsEnum ? Enum.ToObject(t, v!)
                    : (t == typeof(float[]) || t == typeof(ReadOnlySpan<float>)) && v is double[] ds ? ds.Select(d => (float)d).ToArray()
                    : t == typeof(Vector3) && v is double[] vs ? new Vector3((float)vs[0], (float)vs[1], (float)vs[2])
                    : v is Array a ? a.Clone()
                    : Reflect.ConvertArgument(v, t);
            }

            return args;
        }

        private static IEnumerable<Slot> Slots(object?[] args, ParameterInfo[] parameters, List<int> wrt)
        {
            foreach (var i in wrt)
            {
                var t = parameters[i].ParameterType;
                if (args[i] is Array a)
                {
                    for (int e = 0; e < a.Length; e++)
                    {
                        yield return new Slot(i, e, -1);
                    }
                }
                else if (t == typeof(Vector3))
                {
                    for (int k = 0; k < 3; k++)
                    {
                        yield return new Slot(i, -1, k);
                    }
                }
                else
                {
                    yield return new Slot(i, -1, -1);
                }
            }
        }

        private static object? Derivative(object? arg, Type t) =>
            arg is Array a ? Array.CreateInstance(a.GetType().GetElementType()!, a.Length)
            : t == typeof(Vector3) ? default(Vector3)
            : t == typeof(float) ? 0f : 0.0;

        private static object? Tangent(object? arg, Type t, List<Slot> slots, double[] direction, int parameter)
        {
            var mine = slots.Select((s, k) => (s, k)).Where(p => p.s.Parameter == parameter).ToList();
            if (arg is Array a)
            {
                var d = Array.CreateInstance(a.GetType().GetElementType()!, a.Length);
                foreach (var (s, k) in mine)
                {
                    d.SetValue(System.Convert.ChangeType(direction[k], d.GetType().GetElementType()!, CultureInfo.InvariantCulture), s.Element);
                }

                return d;
            }

            if (t == typeof(Vector3))
            {
                return new Vector3((float)direction[mine[0].k], (float)direction[mine[1].k], (float)direction[mine[2].k]);
            }

            return t == typeof(float) ? (float)direction[mine[0].k] : direction[mine[0].k];
        }

        /// <summary>A scalar result, or an array result weighed as Σₖ fₖ/(k + 1).</summary>
        private static double Scalar(object? result) =>
            result is Array array ? array.Cast<object>().Select((e, k) => Reflect.ToDouble(e) / (k + 1)).Sum() : Reflect.ToDouble(result);

        private static double[] Weights(int length) => Enumerable.Range(0, length).Select(k => 1.0 / (k + 1)).ToArray();

        private static double Read(object? value, Slot slot) =>
            value is Array a ? Reflect.ToDouble(a.GetValue(slot.Element))
            : value is Vector3 v ? Component(v, slot.Component)
            : Reflect.ToDouble(value);

        /// <summary>(f(x + h) − f(x − h)) / 2h in the slot, h = 1e-6·max(1, |x|) for double and 1e-3·max(1, |x|) for float.</summary>
        private static double CentralDifference(MethodInfo primal, object? target, object?[] args, Slot slot)
        {
            double x = ReadArgument(args[slot.Parameter], slot);
            bool single = args[slot.Parameter] is float || args[slot.Parameter] is float[] || args[slot.Parameter] is Vector3;
            double h = single ? FiniteDifference.FloatStep(x) : FiniteDifference.Step(x);
            double plus = single ? (float)(x + h) : x + h;
            double minus = single ? (float)(x - h) : x - h;
            double fPlus = Scalar(Reflect.Call(primal, target, WithSlot(args, slot, plus)).Result);
            double fMinus = Scalar(Reflect.Call(primal, target, WithSlot(args, slot, minus)).Result);
            return (fPlus - fMinus) / (plus - minus);
        }

        private static double ReadArgument(object? arg, Slot slot) =>
            arg is Array a ? Reflect.ToDouble(a.GetValue(slot.Element)) : arg is Vector3 v ? Component(v, slot.Component) : Reflect.ToDouble(arg);

        private static object?[] WithSlot(object?[] args, Slot slot, double value)
        {
            var copy = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
            var arg = copy[slot.Parameter];
            if (arg is Array a)
            {
                a.SetValue(System.Convert.ChangeType(value, a.GetType().GetElementType()!, CultureInfo.InvariantCulture), slot.Element);
            }
            else if (arg is Vector3 v)
            {
                copy[slot.Parameter] = slot.Component == 0 ? v with { X = (float)value } : slot.Component == 1 ? v with { Y = (float)value } : v with { Z = (float)value };
            }
            else
            {
                copy[slot.Parameter] = arg is float ? (float)value : value;
            }

            return copy;
        }

        private static double Component(Vector3 v, int k) => k == 0 ? v.X : k == 1 ? v.Y : v.Z;

        private static object CreateInstance(Type type)
        {
            var ctor = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .OrderBy(k => k.GetParameters().Length)
                .First(k => k.GetParameters().All(p => p.IsOptional));
            return ctor.Invoke(ctor.GetParameters().Select(p => p.DefaultValue).ToArray());
        }

        private static string Name(ParameterInfo[] parameters, Slot slot) =>
            parameters[slot.Parameter].Name + (slot.Element >= 0 ? $"[{slot.Element}]" : slot.Component >= 0 ? "XYZ"[slot.Component].ToString() : string.Empty);

        private static string Show(object?[] point) =>
            "(" + string.Join(", ", point.Select(p => p is Array a ? "[" + string.Join(", ", a.Cast<object>().Select(o => System.Convert.ToString(o, CultureInfo.InvariantCulture))) + "]" : System.Convert.ToString(p, CultureInfo.InvariantCulture))) + ")";

        // ----- files and the table -----

        private static IEnumerable<string> CorpusFiles() =>
            Directory.GetFiles(CorpusDirectory(), "*.cs")
                .Select(p => Path.GetFileNameWithoutExtension(p)!)
                .OrderBy(f => f, StringComparer.Ordinal);

        private static string CorpusPath(string fileName) => Path.Combine(CorpusDirectory(), fileName);

        /// <summary>Corpus/*.cs is copied to the output directory; when it is not there, it is read from the source tree.</summary>
        private static string CorpusDirectory([CallerFilePath] string callerFile = "")
        {
            string output = Path.Combine(AppContext.BaseDirectory, "Corpus");
            if (Directory.Exists(output) && Directory.GetFiles(output, "*.cs").Length > 0)
            {
                return output;
            }

            return Path.Combine(Path.GetDirectoryName(callerFile) ?? ".", "Corpus");
        }

        private static string TablePath([CallerFilePath] string callerFile = "")
        {
            string output = Path.Combine(AppContext.BaseDirectory, "Corpus", "corpus.md");
            return File.Exists(output) ? output : Path.Combine(Path.GetDirectoryName(callerFile) ?? ".", "..", "..", "docs", "corpus.md");
        }

        private sealed record CorpusTable(string Text, Dictionary<string, string> Rows, List<string> Duplicates);

        /// <summary>The rows of docs/corpus.md whose first cell is a file name in backquotes: file → last cell (the outcome).</summary>
        private static CorpusTable Table()
        {
            var text = File.ReadAllText(TablePath());
            var rows = new Dictionary<string, string>(StringComparer.Ordinal);
            var duplicates = new List<string>();
            foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            {
                var m = Regex.Match(line, @"^\|\s*`([A-Za-z0-9_]+)\.cs`\s*\|");
                if (!m.Success)
                {
                    continue;
                }

                var cells = line.Trim().Trim('|').Split('|');
                var outcome = cells[^1].Trim();
                if (!rows.TryAdd(m.Groups[1].Value, outcome))
                {
                    duplicates.Add(m.Groups[1].Value);
                }
            }

            return new CorpusTable(text, rows, duplicates);
        }
    }
}
