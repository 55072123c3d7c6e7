using System;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;
using static GradGen.Tests.Infrastructure.MarkupVerifier;

namespace GradGen.Tests
{
    /// <summary>
    /// Allow-list, never deny-list: a derivative flows only through the types GradGen differentiates. A parameter,
    /// conversion or call that would take one into any other type that can hold a real number is an error where it
    /// happens (GG0019, GG0005, GG0003), never a silent constant; a bool result is control flow and needs nothing; a
    /// method with nothing to differentiate is a warning (GG0020). Every number is checked against a closed form.
    /// </summary>
    public sealed partial class DiagnosticTests
    {
        private const string AllowListTypes = @"
    public record struct Point(double X, double Y);
    public sealed class Weights { public double W; public double B; }
    public sealed class Frozen { public readonly double W = 1; }
    public class Layer { public int Width; }
    public struct Pair { public double A; public double B; }
    public struct Tagged { public double V; public int Id; }
    public struct Hidden { private double v; public double V => v; }
    public struct Cell { public int I; public int J; }
    public readonly record struct Grid(int Rows, int Columns);
    public enum Mode { Add, Multiply }
";

        private static string AllowListSource(string members, string typeHeader = StaticPartial) =>
            "using System.Linq;\n" + Source(members, typeHeader, AllowListTypes);

        private static (double Value, double Tangent) Forward(Assembly assembly, string method, params object?[] argsAndTangents)
        {
            var forward = Reflect.FindMethod(assembly.GetType("Diag.T")!, method + "Forward", argsAndTangents.Length);
            return Reflect.ReadPair(Reflect.Call(forward, null, argsAndTangents).Result);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0019: a parameter of a type GradGen does not differentiate, unless [NoDerivative]
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string> UndifferentiatedParameters => new TheoryData<string, string>
        {
            // parameter of Bad(double x, parameter), a use of it in x * (use)
            { "System.Numerics.Vector<double> v", "v[0]" },
            { "Tagged p", "p.V * p.Id" },
            { "(double X, decimal Y) p", "p.X * (double)p.Y" },
            { "Frozen f", "f.W" },
            { "Hidden s", "s.V" },
            { "decimal d", "(double)d" },
            { "double? n", "n.GetValueOrDefault()" },
            { "object o", "(double)o" },
            { "System.Collections.Generic.Queue<double> xs", "xs.Peek()" },
            { "System.Collections.Generic.IReadOnlyDictionary<string, double> xs", "xs[\"a\"]" },
            { "Func<double, double> f", "f(2.0)" },
            { "Layer layer", "layer.Width" },
        };

        /// <summary>
        /// Before the allow-list these were silently constant: <c>float Len(Vector2 v) => v.Length()</c> got
        /// <c>LenGradient(Vector2 v)</c> with no derivative at all.
        /// </summary>
        [Theory]
        [MemberData(nameof(UndifferentiatedParameters))]
        public async Task GG0019_ParameterOfATypeNotDifferentiated(string parameter, string use)
        {
            var v = await VerifyAsync(AllowListSource($"        [Differentiable] public static double Bad(double x, {{|GG0019:{parameter}|}}) => x * {use};"));
            v.AssertMessage("GG0019", "Parameter '" + parameter.Split(' ').Last() + "'", "[NoDerivative]");
        }

        [Theory]
        [InlineData("System.Numerics.Vector<double> v", "v[0]")]
        [InlineData("Tagged p", "p.V * p.Id")]
        public Task GG0019_OnlyParameter(string parameter, string use) =>
            VerifyAsync(AllowListSource($"        [Differentiable] public static double Bad({{|GG0019:{parameter}|}}) => {use};"));

        [Fact]
        public async Task GG0019_ParameterOfATypeParameter()
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad({|GG0019:TNum t|}, double x) => x * x;", "public static partial class T<TNum>"));
            v.AssertMessage("GG0019", "'TNum'");
        }

        [Fact]
        public async Task GG0019_Negative_NoDerivativeVector2IsAConstant()
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad(double x, [NoDerivative] System.Numerics.Vector2 v) => x * v.Length();"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5, new System.Numerics.Vector2(3, 4));
            Assert.Equal(7.5, value, 6);
            Assert.Equal(5.0, Assert.Single(gradient), 6);
        }

        [Fact]
        public async Task GG0019_Negative_NoDerivativeTupleIsAConstant()
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad(double x, [NoDerivative] (double X, double Y) p) => x * x * p.X + p.Y;"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5, (2.0, 3.0));
            Assert.Equal(1.5 * 1.5 * 2 + 3, value, 12);
            Assert.Equal(2 * 1.5 * 2, Assert.Single(gradient), 12);
        }

        [Fact]
        public async Task GG0019_Negative_NoDerivativeClassIsAConstant()
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad(double x, [NoDerivative] Weights m) => m.W * x * x + m.B;"));
            var weights = Activator.CreateInstance(v.Assembly.GetType("Diag.Weights")!)!;
            weights.GetType().GetField("W")!.SetValue(weights, 3.0);
            weights.GetType().GetField("B")!.SetValue(weights, 1.0);
            var (value, gradient) = Gradient(v.Assembly, "Bad", 2.0, weights);
            Assert.Equal(13.0, value, 12);
            Assert.Equal(12.0, Assert.Single(gradient), 12);
        }

        /// <summary>The allow-list of pass-through types: they hold no real number, so they need no [NoDerivative].</summary>
        [Fact]
        public async Task GG0019_Negative_TypesThatHoldNoRealPassThrough()
        {
            var v = await VerifyAsync(AllowListSource(@"
        [Differentiable]
        public static double Bad(double x, Cell c, Grid g, Mode mode, string s, int[] k, (int N, bool Flag) t, Cell[] cells, char ch, long big)
            => x * x * (c.I + g.Rows + k[0] + s.Length + t.N + cells.Length + ch + big) * (mode == Mode.Add ? 1 : 2);"));
            var cell = Activator.CreateInstance(v.Assembly.GetType("Diag.Cell")!)!;
            cell.GetType().GetField("I")!.SetValue(cell, 2);
            var grid = Activator.CreateInstance(v.Assembly.GetType("Diag.Grid")!, 3, 4)!;
            var mode = Enum.ToObject(v.Assembly.GetType("Diag.Mode")!, 1);
            var cells = Array.CreateInstance(v.Assembly.GetType("Diag.Cell")!, 5);
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5, cell, grid, mode, "ab", new[] { 7 }, (1, true), cells, (char)1, 10L);
            const double factor = (2 + 3 + 7 + 2 + 1 + 5 + 1 + 10) * 2;
            Assert.Equal(1.5 * 1.5 * factor, value, 9);
            Assert.Equal(2 * 1.5 * factor, Assert.Single(gradient), 9);
        }

        [Theory]
        [InlineData("Weights m")]
        [InlineData("Point p")]
        [InlineData("decimal d")]
        public Task GG0011_Negative_NoDerivativeMattersOnATypeThatHoldsReals(string parameter) =>
            VerifyAsync(AllowListSource($"        [Differentiable] public static double Bad(double x, [NoDerivative] {parameter}) => x * x;"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0019: a differentiable value converted to a type GradGen does not differentiate
        // ----------------------------------------------------------------------------------------------------------

        /// <summary>
        /// An array seen as IEnumerable&lt;double&gt; (LINQ) lost its derivative: <c>x.Sum() * x[0]</c> at {1, 2, 3} got
        /// the gradient {6, 0, 0} (truth {7, 1, 1}); <c>x.Max() + x.Average()</c> got zeros. Those queries are loops now
        /// (Everyday/LambdaTests); an array converted any other way is still GG0019.
        /// </summary>
        [Theory]
        [InlineData("double[,] m", "{|GG0019:m|}.Cast<double>().Sum()", "IEnumerable")]
        [InlineData("double[] x", "({|GG0019:(System.Collections.Generic.IReadOnlyList<double>)x|}).Count * x[0]", "IReadOnlyList<double>")]
        public async Task GG0019_ArrayConvertedToAnInterface(string parameter, string body, string type)
        {
            var returnType = parameter.StartsWith("float", StringComparison.Ordinal) ? "float" : "double";
            var v = await VerifyAsync(AllowListSource($"        [Differentiable] public static {returnType} Bad({parameter}) => {body};"));
            Assert.All(v.Diagnostics.Where(d => d.Id == "GG0019"), d => Assert.Contains(type, d.GetMessage(), StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("object o = {|GG0019:x|}; return x * x;", "'object'")]
        [InlineData("IComparable c = {|GG0019:x|}; return x * x;", "IComparable")]
        [InlineData("return (double){|GG0019:(decimal)x|} * x;", "'decimal'")]
        [InlineData("double? n = {|GG0019:x|}; return n.GetValueOrDefault() * x;", "double?")]
        [InlineData("Console.WriteLine(\"{0}\", {|GG0019:x|}); return x * x;", "'object'")]
        public async Task GG0019_RealConvertedToAnotherType(string body, string type)
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad(double x)\n        {\n            " + body + "\n        }"));
            v.AssertMessage("GG0019", type);
        }

        [Theory]
        [InlineData("var s = Origin; {|GG0019:s.V|} = x; return s.V * s.Id;", "'Diag.Tagged'")]
        [InlineData("(double, int) t = {|GG0005:(1.0, 2)|}; {|GG0019:t.Item1|} = x; return t.Item1 * t.Item2;", "'(double, int)'")]
        public async Task GG0019_MemberOfAStructLocal(string body, string type)
        {
            // GG0004 said "which the caller can see" of a local.
            var v = await VerifyAsync(AllowListSource("        private static readonly Tagged Origin = default;\n        [Differentiable] public static double Bad(double x)\n        {\n            " + body + "\n        }"));
            v.AssertMessage("GG0019", type);
        }

        [Fact]
        public async Task GG0019_ArrayCopiedThroughSystemArray()
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad(double[] x) { var a = new double[2]; Array.Copy({|GG0019:x|}, a, 2); return a[0] * a[1]; }"));
            v.AssertMessage("GG0019", "'System.Array'");
        }

        [Fact]
        public async Task GG0019_Negative_LinqOverConstantArrays()
        {
            var v = await VerifyAsync(AllowListSource("        [Differentiable] public static double Bad(double x, [NoDerivative] double[] w, int[] k) => w.Sum() * x * x + k.Max() * x;"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5, new[] { 1.0, 2.0 }, new[] { 4, 7 });
            Assert.Equal(3 * 1.5 * 1.5 + 7 * 1.5, value, 12);
            Assert.Equal(3 * 2 * 1.5 + 7, Assert.Single(gradient), 12);
        }

        // ----------------------------------------------------------------------------------------------------------
        // Tuples: supported as locals, deconstructions and element reads; anywhere else an error, never a constant
        // ----------------------------------------------------------------------------------------------------------

        private const string TupleCallee = "        [Differentiable] public static (double A, double B) G(double v) => (v * v, v);\n"
            + "        [Differentiable] public static double Use([NoDerivative] (double, double) t, double v) => t.Item1 * v;\n";

        /// <summary>
        /// Before: the conversion lost the derivative (gradient 0, truth 2x), the ?: and the argument were as silent, and
        /// the array element gave generated code that did not compile.
        /// </summary>
        [Theory]
        [InlineData("var pairs = new (double, double)[1]; pairs[0] = {|GG0005:G(x)|}; return pairs[0].Item1;")]
        [InlineData("object boxed = {|GG0005:G(x)|}; return x + boxed.GetHashCode();")]
        [InlineData("return Use({|GG0005:G(x)|}, x);")]
        public async Task GG0005_TupleValuedCallUsedAsAWhole(string body)
        {
            var v = await VerifyAsync(AllowListSource(TupleCallee + "        [Differentiable] public static double Bad(double x)\n        {\n            " + body + "\n        }"));
            Assert.All(v.Diagnostics, d => Assert.Contains("tuple-valued call", d.GetMessage(), StringComparison.Ordinal));
        }

        [Fact]
        public async Task GG0005_ChoiceBetweenTupleValuedCalls()
        {
            var v = await VerifyAsync(AllowListSource(TupleCallee + "        [Differentiable] public static double Bad(double x) { return ({|GG0005:x > 0 ? G(x) : G(-x)|}).Item1; }"));
            v.AssertMessage("GG0005", "a choice between two tuples", "if/else");
        }

        [Theory]
        [InlineData("(double A, double B) p", "{|GG0005:p|} = G(x); return p.A;")]
        [InlineData("decimal p", "{|GG0005:p|} = (decimal)x; return x;")]
        public async Task GG0005_AssigningADifferentiableValueToANoDerivativeParameter(string parameter, string body)
        {
            // The tuple case threw in the generator (KeyNotFoundException in TangentTransform).
            var v = await VerifyAsync(AllowListSource(TupleCallee + $"        [Differentiable] public static double Bad(double x, [NoDerivative] {parameter}) {{ {body} }}"));
            v.AssertMessage("GG0005", "[NoDerivative] parameter 'p'");
        }

        [Fact]
        public async Task TupleLocalsDeconstructionsAndElementsStaySupported()
        {
            var v = await VerifyAsync(AllowListSource(TupleCallee + @"
        private static readonly (double, double) Pair = (1.0, 2.0);
        [Differentiable]
        public static double Bad(double x)
        {
            var t = (x, 2.0);
            var (a, b) = G(x);
            (double P, double Q) u = G(t.Item1 * t.Item2);
            return t.Item1 * t.Item2 * a + b * G(x).Item2 + u.Q + Use(Pair, x) + ((ValueTuple<float, float>)G(x)).Item1;
        }"));
            // f = 2x·x² + x·x + 2x + x + x² = 2x³ + 2x² + 3x
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5);
            Assert.Equal(2 * 1.5 * 1.5 * 1.5 + 2 * 1.5 * 1.5 + 3 * 1.5, value, 12);
            Assert.Equal(6 * 1.5 * 1.5 + 4 * 1.5 + 3, Assert.Single(gradient), 12);
            Assert.Equal(6 * 1.5 * 1.5 + 4 * 1.5 + 3, Forward(v.Assembly, "Bad", 1.5, 1.0).Tangent, 12);
        }

        // ----------------------------------------------------------------------------------------------------------
        // A bool result carries no derivative: predicates of differentiable values are control flow
        // ----------------------------------------------------------------------------------------------------------

        private const string Close = "        public static bool Close(double a, double b) => Math.Abs(a - b) < 1e-9;\n";

        /// <summary>These were GG0003 ("a derivative flows into 'Double.IsNaN'") although a bool carries none.</summary>
        [Theory]
        [InlineData("double.IsNaN(x) ? 0 : x * x * y", 1.5, 2.0, 2 * 1.5 * 2.0, 1.5 * 1.5)]
        [InlineData("double.IsFinite(x) && !double.IsInfinity(y) ? x * x * x + y : 0", 1.5, 2.0, 3 * 1.5 * 1.5, 1.0)]
        [InlineData("Close(x, y) ? x : x * y", 2.0, 5.0, 5.0, 2.0)]
        [InlineData("Close(x, y) ? x : x * y", 2.0, 2.0, 1.0, 0.0)]
        [InlineData("x.Equals(y) || double.IsNegative(x) ? -x : Math.Sin(x) * y", 0.5, 2.0, 2.0 * 0.87758256189037276, 0.47942553860420301)]
        public async Task BoolPredicateOfADifferentiableValueIsAccepted(string expression, double x, double y, double dx, double dy)
        {
            var v = await VerifyAsync(AllowListSource(Close + $"        [Differentiable] public static double Bad(double x, double y) => {expression};"));
            var (_, gradient) = Gradient(v.Assembly, "Bad", x, y);
            Assert.Equal(dx, gradient[0], 12);
            Assert.Equal(dy, gradient[1], 12);
            Assert.Equal(dx, Forward(v.Assembly, "Bad", x, y, 1.0, 0.0).Tangent, 12);
            Assert.Equal(dy, Forward(v.Assembly, "Bad", x, y, 0.0, 1.0).Tangent, 12);
        }

        [Fact]
        public async Task BoolPredicateInALoopIsAccepted()
        {
            // s = x, then x², then x³: the predicate picks the branch, the derivative flows around it.
            var v = await VerifyAsync(AllowListSource(Close + @"
        [Differentiable]
        public static double Bad(double x)
        {
            double s = 0;
            for (int i = 0; i < 3; i++)
            {
                if (double.IsNaN(s) || Close(s, 0.0)) s += x;
                else s *= x;
            }

            return s;
        }"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5);
            Assert.Equal(1.5 * 1.5 * 1.5, value, 12);
            Assert.Equal(3 * 1.5 * 1.5, Assert.Single(gradient), 12);
            Assert.Equal(3 * 1.5 * 1.5, Forward(v.Assembly, "Bad", 1.5, 1.0).Tangent, 12);
        }

        /// <summary>An integer computed from a real by a call is piecewise constant in it: zero derivative, the warning of a cast to int.</summary>
        [Fact]
        public async Task GG0006_IntegerResultOfARealIsACutLikeACast()
        {
            var v = await VerifyAsync(AllowListSource("        public static int Bucket(double v) => (int)(v * 10);\n        [Differentiable] public static double Bad(double x) => {|GG0006:Bucket(x)|} * x;"));
            v.AssertMessage("GG0006", "Bucket");
            Assert.Equal(15.0, Gradient(v.Assembly, "Bad", 1.5).Gradient[0]); // Bucket(1.5) = 15, its derivative 0
        }

        /// <summary>A string or an enum computed from a real can hold it (printed, chosen): still an error.</summary>
        [Theory]
        [InlineData("public static string Text(double v) => v.ToString();", "{|GG0003:Text(x)|}.Length * x")]
        [InlineData("public static Mode Pick(double v) => v > 0 ? Mode.Add : Mode.Multiply;", "({|GG0003:Pick(x)|} == Mode.Add ? 1 : 2) * x")]
        public Task GG0003_ResultOtherThanBoolStillCarriesTheInput(string helper, string expression) =>
            VerifyAsync(AllowListSource($"        {helper}\n        [Differentiable] public static double Bad(double x) => {expression};"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0005: a collection of reals given to a plain method that could write it
        // ----------------------------------------------------------------------------------------------------------

        private const string Writers = @"
        public static void Fill(double[] a, double v) { for (int i = 0; i < a.Length; i++) a[i] = v; }
        public static void Scale(double[] a) { for (int i = 0; i < a.Length; i++) a[i] *= 2; }
        public static void ScaleSpan(Span<double> a) { for (int i = 0; i < a.Length; i++) a[i] *= 2; }
        public static double Total(ReadOnlySpan<double> a) { double s = 0; foreach (var v in a) s += v; return s; }
";

        /// <summary>
        /// Before: <c>Fill(a, x); return a[0] * x;</c> had the derivative x instead of 2x (the values written by Fill
        /// were constants), and <c>Scale(a)</c> doubled a value but not its derivative.
        /// </summary>
        [Theory]
        [InlineData("var a = new double[1]; {|GG0005:Fill(a, x)|}; return a[0] * x;")]
        [InlineData("var a = new double[1]; a[0] = x; {|GG0005:Scale(a)|}; return a[0];")]
        [InlineData("Span<double> a = stackalloc double[1]; a[0] = x; {|GG0005:ScaleSpan(a)|}; return a[0];")]
        [InlineData("var a = new double[2]; a[0] = x; a[1] = 1 - x; {|GG0005:Array.Sort(a)|}; return a[0];")]
        [InlineData("var a = new double[2]; a[0] = x; {|GG0005:a.AsSpan()|}.Reverse(); return a[0];")]
        public async Task GG0005_CollectionGivenToAMethodThatMayWriteIt(string body)
        {
            var v = await VerifyAsync(AllowListSource(Writers + "        [Differentiable] public static double Bad(double x)\n        {\n            " + body + "\n        }"));
            v.AssertMessage("GG0005", "'a'");
        }

        [Fact]
        public async Task GG0005_ParameterArrayGivenToAMethodThatMayWriteIt()
        {
            var v = await VerifyAsync(AllowListSource(Writers + "        [Differentiable] public static double Bad(double[] x) { {|GG0005:Scale(x)|}; return x[0]; }"));
            v.AssertMessage("GG0005", "'x'");
        }

        [Fact]
        public async Task GG0005_Negative_NoDerivativeFlowsIntoTheWritingCall()
        {
            var v = await VerifyAsync(AllowListSource(Writers + "        [Differentiable] public static double Bad(double x) { var a = new double[2]; Fill(a, 3.0); Scale(a); Array.Clear(a, 1, 1); return a[0] * x * x + a[1]; }"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5);
            Assert.Equal(6 * 1.5 * 1.5, value, 12);
            Assert.Equal(12 * 1.5, Assert.Single(gradient), 12);
        }

        [Fact]
        public async Task GG0005_Negative_ReadOnlySpanAndShapeOfADifferentiableArray()
        {
            // A ReadOnlySpan parameter cannot write; GetLength and IndexOf read only; w is a constant.
            var v = await VerifyAsync(AllowListSource(Writers + @"
        public static void Print(ReadOnlySpan<double> a) { }
        [Differentiable]
        public static double Bad(double y, [NoDerivative] double[] w)
        {
            var a = new double[3];
            a[0] = y;
            a[1] = 2.0;
            a[2] = y * y;
            Print(a);
            return a.GetLength(0) * y * y + Array.IndexOf(a, 2.0) * y + Total(w) + a[2];
        }"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5, new[] { 1.0, 2.0 });
            Assert.Equal(3 * 1.5 * 1.5 + 1 * 1.5 + 3 + 1.5 * 1.5, value, 12);
            Assert.Equal(3 * 2 * 1.5 + 1 + 2 * 1.5, Assert.Single(gradient), 12);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0020: nothing to differentiate (warning: still generated)
        // ----------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("public static double Bad(string s) => s.Length;", "none is double")]
        [InlineData("public static double Bad(int n, [NoDerivative] double k) => n * k;", "[NoDerivative]")]
        [InlineData("public static double Bad([NoDerivative] double[] w, [NoDerivative] Weights m) => w[0] * m.W;", "[NoDerivative]")]
        [InlineData("public static double Bad() => 2.0;", "no parameters")]
        public async Task GG0020_NothingToDifferentiate(string method, string messageContains)
        {
            var v = await VerifyAsync(AllowListSource("        [{|GG0020:Differentiable|}] " + method));
            v.AssertMessage("GG0020", messageContains, "'Bad'");
        }

        [Fact]
        public async Task GG0020_InstanceMethodWhoseFieldsAreConstants()
        {
            var v = await VerifyAsync(AllowListSource("        public double Scale = 2;\n        [{|GG0020:Differentiable|}] public double Bad(int n) => Scale * n;", "public partial class T"));
            v.AssertMessage("GG0020", "'Bad'");
        }

        [Theory]
        [InlineData("public static double Bad(double x, int n) => x * n;")]
        [InlineData("public static double Bad(int n, float[] x) => x[n];")]
        [InlineData("public static double Bad(string s, ReadOnlySpan<double> x) => x[0] * s.Length;")]
        public Task GG0020_Negative_SomethingToDifferentiate(string method) =>
            VerifyAsync(AllowListSource("        [Differentiable] " + method));

        /// <summary>The parameter is the problem (GG0019), not the lack of one.</summary>
        [Fact]
        public Task GG0020_NotReportedWithASignatureError() =>
            VerifyAsync(AllowListSource("        [Differentiable] public static double Bad({|GG0019:Tagged p|}) => p.V;"));
    }
}
