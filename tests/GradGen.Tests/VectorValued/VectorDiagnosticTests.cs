using System;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.MarkupVerifier;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Diagnostics of the vector-valued and second-order features: GG0012 (Hessian of a vector-valued method), GG0009
    /// (a callee without the kind the caller needs: Hessian, or Reverse for a Jacobian), GG0005 for tuple constructs
    /// that cannot be differentiated, GG0002 for results that are not 2–7 reals or a real array. Each source marks its
    /// expected diagnostics, and <see cref="MarkupVerifier"/> runs the generator too: the bad method gets no file, the
    /// output compilation has no error at all, and a valid vector-valued method next to it (<c>Diag.Fine.Good</c>) is
    /// generated and right.
    /// </summary>
    public sealed class VectorDiagnosticTests
    {
        private static string Source(string members, string extraTypes = "") => @"using System;
using GradGen;

namespace Diag
{
    public static partial class T
    {
" + members + @"
    }

    public static partial class Fine
    {
        [Differentiable] public static (double, double) Good(double x) => (x * x, 3 * x);
    }
" + extraTypes + @"
}
";

        // ----- the numeric test sources ---------------------------------------------------------------------------------

        public static TheoryData<string> NumericSources => new TheoryData<string>
        {
            "Tuples_double", "Tuples_float", "Jacobians_double", "Jacobians_float", "Hessians_double", "Hessians_float", "Constructs",
        };

        [Theory]
        [MemberData(nameof(NumericSources))]
        public async Task NumericTestSourcesHaveNoDiagnosticAndEveryMethodIsGenerated(string name)
        {
            var loaded = name switch
            {
                "Tuples_double" => TupleSource.Double.Value,
                "Tuples_float" => TupleSource.Float.Value,
                "Jacobians_double" => JacobianSource.Double.Value,
                "Jacobians_float" => JacobianSource.Float.Value,
                "Hessians_double" => HessianSource.Double.Value,
                "Hessians_float" => HessianSource.Float.Value,
                _ => ConstructSource.Source.Value,
            };
            var v = await VerifyAsync(loaded.Source);
            Assert.Empty(loaded.Run.GeneratorDiagnostics);
            int methods = System.Text.RegularExpressions.Regex.Matches(loaded.Source, @"\[Differentiable[\](]").Count;
            Assert.Equal(methods, v.Run.GeneratedSources.Count);
        }

        // ----- GG0012 ------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("DerivativeKinds.Hessian", "(double A, double B)", "(x * y, x)")]
        [InlineData("DerivativeKinds.Hessian", "(double, double, double)", "(x * y, x, y)")]
        [InlineData("DerivativeKinds.Hessian | DerivativeKinds.Jacobian", "(float, float)", "((float)(x * y), (float)x)")]
        [InlineData("DerivativeKinds.Hessian", "double[]", "{ var r = new double[2]; r[0] = x * y; r[1] = x; return r; }")]
        [InlineData("DerivativeKinds.Hessian | DerivativeKinds.Forward", "float[]", "{ var r = new float[1]; r[0] = (float)(x * y); return r; }")]
        public async Task GG0012_HessianOfAVectorValuedMethod(string kinds, string returnType, string body)
        {
            if (!body.StartsWith("{", StringComparison.Ordinal))
            {
                body = "=> " + body + ";";
            }

            var v = await VerifyAsync(Source($"        [{{|GG0012:Differentiable(Kinds = {kinds})|}}] public static {returnType} Bad(double x, double y) {body}"));
            v.AssertMessage("GG0012", "Hessian", "'Bad'");
        }

        // ----- GG0009 ------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("[Differentiable]", "Hessian")]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Jacobian)]", "Hessian")]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse)]", "Hessian")]
        public async Task GG0009_HessianMethodCallsACalleeWithoutHessianKind(string calleeAttribute, string kind)
        {
            var v = await VerifyAsync(Source($@"
        {calleeAttribute} public static double Callee(double a, double b) => Math.Sin(a) * b;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x, double y) => {{|GG0009:Callee(x * y, x)|}} + y;"));
            v.AssertMessage("GG0009", "'T.Callee'", kind);
        }

        [Fact]
        public async Task GG0009_JacobianMethodCallsAForwardOnlyCallee()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Callee(double a) => a * a;
        [Differentiable(Kinds = DerivativeKinds.Jacobian)] public static (double, double) Bad(double x, double y) => ({|GG0009:Callee(x)|}, x * y);"));
            v.AssertMessage("GG0009", "'T.Callee'", "Reverse");
        }

        /// <summary>
        /// A vector-valued callee cannot have the Hessian kind (GG0012), so the caller has no way to get one: an error on
        /// the call that says so (not GG0009, whose fix would be impossible), never a silent zero or broken code.
        /// </summary>
        [Theory]
        [InlineData("(double, double) Callee(double a) => (a * a, a);", "{|GG0005:Callee(x)|}.Item1 * x")]
        [InlineData("double[] Callee(double a) { var r = new double[2]; r[0] = a * a; r[1] = a; return r; }", "{|GG0005:Callee(x)|}[0] * x")]
        public async Task GG0005_HessianMethodCallsAVectorValuedCallee(string callee, string use)
        {
            var v = await VerifyAsync(Source($@"
        [Differentiable] public static {callee}
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => {use};"));
            v.AssertMessage("GG0005", "a Hessian through the vector-valued 'T.Callee'");
        }

        [Fact]
        public async Task GG0009_Negative_HessianCalleeOfAHessianMethod()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Callee(double a, double b) => Math.Sin(a) * b;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x, double y) => Callee(x * y, x) + y;
        [Differentiable(Kinds = DerivativeKinds.Hessian | DerivativeKinds.Jacobian)] public static double Both(double x, double y) => Callee(x, y);"));
            var type = v.Assembly.GetType("Diag.T")!;
            var h = new double[2, 2];
            Reflect.Invoke(type, "BadHessian", 0.5, 2.0, h);
            // f = sin(xy)·x + y: f_xx = 2y cos(xy) − x y² sin(xy), f_xy = 2x cos(xy) − x² y sin(xy), f_yy = −x³ sin(xy)
            double x = 0.5, y = 2.0, s = Math.Sin(x * y), c = Math.Cos(x * y);
            Assert.Equal(2 * y * c - x * y * y * s, h[0, 0], 12);
            Assert.Equal(2 * x * c - x * x * y * s, h[0, 1], 12);
            Assert.Equal(2 * x * c - x * x * y * s, h[1, 0], 12);
            Assert.Equal(-x * x * x * s, h[1, 1], 12);
            Assert.NotNull(Reflect.TryFindMethod(type, "BothJacobian"));
            Assert.NotNull(Reflect.TryFindMethod(type, "BothHessian"));
        }

        // ----- GG0005: tuple constructs ------------------------------------------------------------------------------------

        public static TheoryData<string, string, string> UnsupportedTupleConstructs => new TheoryData<string, string, string>
        {
            // name, members with the construct marked, a word of the message
            {
                "WholeTupleLocalToADifferentiableMethod",
                "[Differentiable] public static double Use([NoDerivative] (double, double) t, double x) => x * 2;\n[Differentiable] public static double Bad(double x) { var p = (x, x * 2); return Use({|GG0005:p|}, x); }",
                "'p'"
            },
            {
                "NestedDeconstruction",
                "[Differentiable] public static double Bad(double x, double y) { {|GG0005:var ((a, b), c) = ((x, y), x)|}; return a * b * c; }",
                "deconstruction"
            },
            {
                "TupleWithAnIntElement",
                "[Differentiable] public static double Bad(double x) { var p = {|GG0005:(x, 2)|}; return p.Item1 * p.Item2; }",
                "(x, 2)"
            },
            {
                "ConditionalTupleResult",
                "[Differentiable] public static (double, double) Bad(double x, double y) => {|GG0005:x > 0 ? (x, y) : (y, x)|};",
                "tuple"
            },
            {
                "TupleEquality",
                "[Differentiable] public static double Bad(double x, double y) { var p = (x, y); return {|GG0005:p == (1.0, 2.0)|} ? x : y; }",
                "p == (1.0, 2.0)"
            },
        };

        [Theory]
        [MemberData(nameof(UnsupportedTupleConstructs))]
        public async Task GG0005_UnsupportedTupleConstruct(string name, string members, string messageContains)
        {
            Assert.NotNull(name);
            var v = await VerifyAsync(Source(members));
            v.AssertMessage("GG0005", messageContains);
        }

        /// <summary>A derivative flows into Use: GG0005 at the tuple-valued call, rather than GG0003 at Use.</summary>
        [Fact]
        public Task TupleLocalOrTupleValuedCallPassedToAPlainMethodIsAnError() => VerifyAsync(Source(@"
        public static double Use((double, double) t) => t.Item1;
        [Differentiable] public static (double A, double B) G(double x) => (x * x, x);
        [Differentiable] public static double Bad(double x) => {|GG0003:Use(G(x))|};
        [Differentiable] public static double Local(double x) { var p = (x, x * 2); return {|GG0003:Use(p)|}; }"));

        // ----- GG0002: results ---------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("(double, double, double, double, double, double, double, double)", "(x, x, x, x, x, x, x, x)", "'(double, double, double, double, double, double, double, double)'")]
        [InlineData("(double, int)", "(x, 1)", "'(double, int)'")]
        [InlineData("(double, decimal)", "(x, 1m)", "'(double, decimal)'")]
        [InlineData("double[,]", "new double[1, 1] { { x } }", "'double[*,*]'")]
        [InlineData("int[]", "new[] { (int)x }", "'int[]'")]
        public async Task GG0002_ResultThatIsNotRealsOrARealArray(string returnType, string body, string messageContains)
        {
            var v = await VerifyAsync(Source($"        [Differentiable] public static {{|GG0002:{returnType}|}} Bad(double x) => {body};"));
            var message = v.AssertMessage("GG0002", "2 to 7").GetMessage();
            Assert.True(message.Contains(messageContains.Replace("[*,*]", "[,]"), StringComparison.Ordinal) || message.Contains(messageContains, StringComparison.Ordinal),
                "The message should name the result type: " + message);
        }

        [Theory]
        [InlineData("(double, double)", "(x, x)")]
        [InlineData("(double A, double B, double C, double D, double E, double F, double G)", "(x, x, x, x, x, x, x)")]
        [InlineData("(float, double)", "((float)x, x)")]
        [InlineData("float[]", "{ var r = new float[1]; r[0] = (float)x; return r; }")]
        [InlineData("double[]", "{ var r = new double[2]; r[0] = x; r[1] = x * x; return r; }")]
        public async Task GG0002_Negative_VectorValuedResults(string returnType, string body)
        {
            if (!body.StartsWith("{", StringComparison.Ordinal))
            {
                body = "=> " + body + ";";
            }

            var v = await VerifyAsync(Source($"        [Differentiable(Kinds = DerivativeKinds.Jacobian)] public static {returnType} Bad(double x) {body}"));
            Assert.NotNull(Reflect.TryFindMethod(v.Assembly.GetType("Diag.T")!, "BadJacobian"));
        }

        // ----- constructs that must not be misreported -------------------------------------------------------------------

        /// <summary>
        /// A tuple local is a local: assigning one of its elements is either supported (each element is a variable) or
        /// an unsupported construct (GG0005), but never GG0004 ("writes the field 'X', which the caller can see").
        /// </summary>
        [Fact]
        public async Task WritingAnElementOfATupleLocalIsNotAWriteTheCallerCanSee()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable]
        public static double Bad(double x, double y)
        {
            (double X, double Y) q = (x, y);
            q.X = q.Y * x;
            q.Item2 += x;
            return q.X * q.Y;
        }

        [Differentiable]
        public static (double, double) Swaps(double x, double y)
        {
            var p = (x, y);
            for (int i = 0; i < 3; i++)
                (p.Item1, p.Item2) = (p.Item2 * x, p.Item1 + y);
            return p;
        }"));
            // f = (xy)(y + x) = x²y + xy², ∇f = (2xy + y², x² + 2xy).
            var (value, outs) = Reflect.Invoke(v.Assembly.GetType("Diag.T")!, "BadGradient", 0.5, 2.0, null, null);
            Assert.Equal(0.5 * 2 * 2.5, (double)value!, 12);
            Assert.Equal(2 * 0.5 * 2 + 4, (double)outs[2]!, 12);
            Assert.Equal(0.25 + 2 * 0.5 * 2, (double)outs[3]!, 12);
        }

        /// <summary>
        /// A tuple parameter is not differentiated yet (GG0019, see DiagnosticTests.AllowList); marked [NoDerivative] it
        /// is passed through unchanged, and its elements are constants in the derivative, like an int[] read by index.
        /// </summary>
        [Fact]
        public async Task NoDerivativeTupleParameterCanBeRead()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable]
        public static double Bad([NoDerivative] (double Scale, double Shift) t, double x) => t.Scale * x * x + t.Item2;

        [Differentiable]
        public static (double, double) Pair([NoDerivative] (double, double) t, double x) => (t.Item1 * x, t.Item2 + x);"));
            var (value, outs) = Reflect.Invoke(v.Assembly.GetType("Diag.T")!, "BadGradient", (3.0, 1.0), 2.0, null);
            Assert.Equal(13.0, (double)value!);
            Assert.Equal(12.0, (double)outs[2]!);
        }
    }
}
