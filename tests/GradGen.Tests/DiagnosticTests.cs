using System;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;
using static GradGen.Tests.Infrastructure.MarkupVerifier;

namespace GradGen.Tests
{
    /// <summary>
    /// GG0001..GG0009 and GG0011..GG0013: for every descriptor, sources that must report it, marked where it is reported
    /// (<c>{|GG0003:Helper(x)|}</c>), and near-identical sources that must not. <see cref="MarkupVerifier"/> holds the
    /// analyzer to exactly the marked diagnostics and runs the generator on each source too: a method with an error gets
    /// no generated file, a method with only a warning is generated, so are the other methods of the source, and the
    /// output compilation (user code + generated code) has no errors.
    ///
    /// Every test source has the bad (or fixed) method named <c>Bad</c> in type <c>Diag.T</c>, and a valid method
    /// <c>Diag.Fine.Good(x) = x² + 1</c> that must always be generated.
    /// </summary>
    public sealed partial class DiagnosticTests
    {
        private static (double Value, double[] Gradient) Gradient(Assembly assembly, string method, params object?[] args)
        {
            var type = assembly.GetType("Diag.T")!;
            var primal = Reflect.TryFindMethod(type, method) ?? throw new InvalidOperationException("TEST BUG: no single method " + method);
            var active = primal.GetParameters().Count(DiffFunction.IsDifferentiable);
            var gradient = Reflect.FindMethod(type, method + "Gradient", args.Length + active);
            var withOuts = args.Concat(Enumerable.Repeat<object?>(null, active)).ToArray();
            var (value, after) = Reflect.Call(gradient, null, withOuts);
            return (Reflect.ToDouble(value), after.Skip(args.Length).Select(Reflect.ToDouble).ToArray());
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0001: type not partial
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0001_TypeNotPartial()
        {
            var v = await VerifyAsync(Source("        [{|GG0001:Differentiable|}] public static double Bad(double x) => x * x;", "public static class T"));
            v.AssertMessage("GG0001", "'T'", "'Bad'");
        }

        [Fact]
        public async Task GG0001_InstanceMethodOfNonPartialClass()
        {
            var v = await VerifyAsync(Source("        [{|GG0001:Differentiable|}] public double Bad(double x) => x * x;", "public class T"));
            v.AssertMessage("GG0001", "'T'");
        }

        [Fact]
        public async Task GG0001_OuterTypeNotPartial()
        {
            var v = await VerifyAsync(Source(@"
        public static partial class Inner
        {
            [{|GG0001:Differentiable|}] public static double Bad(double x) => x * x;
        }", "public static class T"));
            v.AssertMessage("GG0001", "'T'");
            Assert.DoesNotContain(v.Run.GeneratedSources.Keys, k => k.Contains(".Inner.", StringComparison.Ordinal));
        }

        [Fact]
        public async Task GG0001_InnerTypeNotPartial()
        {
            var v = await VerifyAsync(Source(@"
        public static class Inner
        {
            [{|GG0001:Differentiable|}] public static double Bad(double x) => x * x;
        }"));
            v.AssertMessage("GG0001", "'Inner'");
        }

        [Fact]
        public async Task GG0001_Negative_AllContainingTypesPartial()
        {
            var v = await VerifyAsync(Source(@"
        public static partial class Inner
        {
            [Differentiable] public static double Bad(double x) => x * x;
        }"));
            Assert.Contains("Diag.T.Inner.Bad.g.cs", v.Run.GeneratedSources.Keys);
        }

        [Fact]
        public Task GG0001_Negative_PartialType() =>
            VerifyAsync(Source("        [Differentiable] public static double Bad(double x) => x * x;"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0002: unsupported signature (reported on the part at fault: the parameter, the return type, the type parameters, async)
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string, string> UnsupportedSignatures => new TheoryData<string, string, string>
        {
            // name, members, a word the message must contain (an out parameter must be assigned and an iterator must
            // yield: the body reports that too)
            { "ReturnsInt", "[Differentiable] public static {|GG0002:int|} Bad(int n) => n * 2;", "'int'" },
            { "ReturnsVoid", "[Differentiable] public static {|GG0002:void|} Bad(double x) { }", "'void'" },
            { "ReturnsDecimal", "[Differentiable] public static {|GG0002:decimal|} Bad({|GG0019:decimal x|}) => x * x;", "'decimal'" },
            { "RefParameter", "[Differentiable] public static double Bad({|GG0002:ref int x|}, double y) => y * y;", "'x'" },
            { "OutParameter", "[Differentiable] public static double Bad(double x, {|GG0002:out int y|}) { y = 1; return x * x; }", "'y'" },
            { "OutParameterOfATupleMethod", "[Differentiable] public static (double, double) Bad(double x, {|GG0002:out double y|}) { y = 1; return (x, x); }", "'y'" },
            { "GenericMethod", "[Differentiable] public static double Bad{|GG0002:<TNum>|}(double x) => x * x;", "generic" },
            { "GenericReturningT", "[Differentiable] public static TNum Bad{|GG0002:<TNum>|}(TNum x) => x;", "generic" },
            { "AsyncMethod", "#pragma warning disable CS1998\n[Differentiable] public static {|GG0002:async|} {|GG0002:System.Threading.Tasks.Task<double>|} Bad(double x) => x * x;\n#pragma warning restore CS1998", "async" },
            { "WritableSpanParameter", "[Differentiable] public static double Bad({|GG0002:Span<double> xs|}, double y) => y * xs.Length;", "'xs'" },
            { "JaggedArrayParameter", "[Differentiable] public static double Bad({|GG0002:double[][][] xs|}, double y) => y * xs.Length;", "'xs'" },
            { "Rank3ArrayParameter", "[Differentiable] public static double Bad({|GG0002:double[,,] xs|}, double y) => y * xs.Length;", "'xs'" },
            { "Iterator", "[Differentiable] public static {|GG0002:System.Collections.Generic.IEnumerable<double>|} Bad(double x) { yield return x; }", "IEnumerable" },
        };

        [Theory]
        [MemberData(nameof(UnsupportedSignatures))]
        public async Task GG0002_UnsupportedSignature(string name, string members, string messageContains)
        {
            Assert.NotNull(name);
            var v = await VerifyAsync(Source("        " + members));
            v.AssertMessage("GG0002", messageContains, "'Bad'");
        }

        /// <summary>
        /// One signature problem is one diagnostic, on the part of the signature at fault: the uses of the offending
        /// parameter in the body are not reported again (GG0005 "an array is not supported", "a ref, out or in
        /// parameter", ...). An async method has two: it is async, and it returns a Task.
        /// </summary>
        [Theory]
        [InlineData("RefParameterUsed", "[Differentiable] public static double Bad({|GG0002:ref int n|}, double x) => n * x;")]
        [InlineData("OutParameterAssigned", "[Differentiable] public static double Bad(double x, {|GG0002:out int y|}) { y = 1; return x * x; }")]
        [InlineData("WritableSpanParameterIndexed", "[Differentiable] public static double Bad({|GG0002:Span<double> xs|}) => xs[0] * xs[1];")]
        [InlineData("JaggedArrayParameterIndexed", "[Differentiable] public static double Bad({|GG0002:double[][][] xs|}) => xs[0][0][0] * xs[1][0][0];")]
        [InlineData("Rank3ArrayParameterIndexed", "[Differentiable] public static double Bad({|GG0002:double[,,] m|}) => m[0, 0, 0] * m[1, 1, 1];")]
        [InlineData("AsyncWithAwait", "[Differentiable] public static {|GG0002:async|} {|GG0002:System.Threading.Tasks.Task<double>|} Bad(double x) { await System.Threading.Tasks.Task.Yield(); return x * x; }")]
        public Task GG0002_SignatureErrorIsNotRepeatedInTheBody(string name, string members)
        {
            Assert.NotNull(name);
            return VerifyAsync(Source("        " + members));
        }

        [Fact]
        public async Task GG0002_AbstractMethod()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0002:Differentiable|}] public abstract double Bad(double x);", "public abstract partial class T"));
            v.AssertMessage("GG0002", "no body");
        }

        /// <summary>The attribute on a partial method's defining declaration: the body is its implementation's.</summary>
        [Fact]
        public async Task PartialMethod_IsDifferentiatedFromItsImplementation()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static partial double Bad(double x);
        public static partial double Bad(double x) => x * x * x;"));
            Assert.Equal(27.0, Gradient(v.Assembly, "Bad", 3.0).Gradient[0], 12);
        }

        /// <summary>
        /// [Differentiable] is allowed by C# on local functions and conversion operators (AttributeTargets.Method). GradGen
        /// does not differentiate them (the GG0002 message says so), so it must say so rather than ignore the attribute.
        /// </summary>
        [Theory]
        [InlineData("LocalFunction", "public static double Outer(double y) { [{|GG0002:Differentiable|}] static double Bad(double x) => x * x; return Bad(y); }")]
        [InlineData("Conversion", "public double V; [{|GG0002:Differentiable|}] public static explicit operator double(T a) => a.V;")]
        [InlineData("BitwiseOperator", "public double V; [{|GG0002:Differentiable|}] public static double operator &(T a, double x) => a.V * x;")]
        public Task GG0002_NonOrdinaryMethodIsReportedNotIgnored(string name, string members)
        {
            Assert.NotNull(name);
            return VerifyAsync(Source("        " + members, "public partial class T"));
        }

        /// <summary>
        /// Arrays, matrices and read-only spans of reals: the contract's differentiable parameter types, "not supported
        /// yet" while they are being implemented. Either state is right as long as it is consistent: GG0002 on the
        /// parameter, naming it, and nothing generated, or no GG error and derivatives that compile.
        /// </summary>
        [Theory]
        [InlineData("double[] xs", "xs[0] * xs[1]")]
        [InlineData("float[] xs", "xs[0] * xs[1]")]
        [InlineData("double[,] xs", "xs[0, 0] * xs[1, 1]")]
        [InlineData("ReadOnlySpan<double> xs", "xs[0] * xs[1]")]
        public async Task GG0002_CollectionParameterIsReportedOrSupported(string parameter, string expression)
        {
            var type = parameter.StartsWith("float", StringComparison.Ordinal) ? "float" : "double";
            var v = await VerifyReportedOrSupportedAsync(Source($"        [Differentiable] public static {type} Bad({{|GG0002:{parameter}|}}) => {expression};"));
            if (v.Diagnostics.Count > 0)
            {
                v.AssertMessage("GG0002", "'xs'");
            }
        }

        [Fact]
        public async Task GG0013_CallToADifferentiableMethodWithErrors()
        {
            // The callee, GG0013's additional location, is marked #1.
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double {|#1:Broken|}(double x) { {|GG0005:try { return x * x; } finally { }|} }
        [Differentiable] public static double Bad(double x) => 2 * {|#0:Broken(x)|} + x;"),
                expected: new[] { new DiagnosticResult("GG0013", DiagnosticSeverity.Error).WithLocation(0).WithLocation(1) });
            v.AssertMessage("GG0013", "'T.Broken'");
        }

        [Fact]
        public Task GG0013_Negative_CallToAValidMethodOrItself() => VerifyAsync(Source(@"
        [Differentiable] public static double Fine(double x) => x * x;
        [Differentiable] public static double Bad(double x, int n) => n <= 0 ? Fine(x) : x * Bad(x, n - 1);"));

        [Fact]
        public async Task GG0012_HessianOfAVectorValuedMethod()
        {
            var v = await VerifyAsync(Source("        [{|GG0012:Differentiable(Kinds = DerivativeKinds.Hessian)|}] public static (double, double) Bad(double x, double y) => (x * y, x);"));
            v.AssertMessage("GG0012", "Hessian");
        }

        [Theory]
        [InlineData("DerivativeKinds.Jacobian", "public static (double, double) Bad(double x, double y) => (x * y, x);")]
        [InlineData("DerivativeKinds.Jacobian", "public static double[] Bad(double[] x) { var r = new double[x.Length]; for (int i = 0; i < x.Length; i++) r[i] = x[i] * x[i]; return r; }")]
        [InlineData("DerivativeKinds.Hessian", "public static double Bad(double x, double y) => x * y;")]
        [InlineData("DerivativeKinds.Jacobian | DerivativeKinds.Hessian", "public static double Bad(double[] x) => x[0] * x[1];")]
        public Task GG0012_Negative_KindThatApplies(string kinds, string method) =>
            VerifyAsync(Source($"        [Differentiable(Kinds = {kinds})] {method}"));

        public static TheoryData<string, string> SupportedSignatures => new TheoryData<string, string>
        {
            { "Double", "[Differentiable] public static double Bad(double x) => x * x;" },
            { "Float", "[Differentiable] public static float Bad(float x) => x * x;" },
            { "PassThroughInt", "[Differentiable] public static double Bad(double x, int n) => x * n;" },
            { "PassThroughIntArray", "[Differentiable] public static double Bad(double x, int[] ns) => x * ns.Length;" },
            { "NoDerivativeDouble", "[Differentiable] public static double Bad(double x, [NoDerivative] double k) => x * k;" },
            { "Internal", "[Differentiable] internal static double Bad(double x) => x * x;" },
            { "ForwardAndReverse", "[Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse)] public static double Bad(double x, double y) => x * y;" },
            { "ForwardOnly", "[Differentiable(Kinds = DerivativeKinds.Forward)] public static double Bad(double x, double y) => x * y;" },
            { "ReverseOnly", "[Differentiable(Kinds = DerivativeKinds.Reverse)] public static double Bad(double x, double y) => x * y;" },
        };

        [Theory]
        [MemberData(nameof(SupportedSignatures))]
        public Task GG0002_Negative_SupportedSignature(string name, string members)
        {
            Assert.NotNull(name);
            return VerifyAsync(Source("        " + members));
        }

        [Fact]
        public Task GG0002_Negative_InstanceMethod() => VerifyAsync(Source(@"
        private readonly double scale = 2;
        [Differentiable] public double Bad(double x) => scale * x * x;", "public partial class T"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0003: a derivative flows into a plain method
        // ----------------------------------------------------------------------------------------------------------

        private const string Helper = @"
        public static double Helper(double v) => v * v + 1;
        public static double Helper2(double a, double b) => a * b;
";

        [Fact]
        public async Task GG0003_ArgumentIsInput()
        {
            var v = await VerifyAsync(Source(Helper + "        [Differentiable] public static double Bad(double x) => {|GG0003:Helper(x)|} + 1;"));
            v.AssertMessage("GG0003", "'T.Helper'", "[Differentiable]");
        }

        [Fact]
        public async Task GG0003_ArgumentDependsOnInputThroughLocals()
        {
            var v = await VerifyAsync(Source(Helper + @"
        [Differentiable]
        public static double Bad(double x, double y)
        {
            double a = x * 2;
            double b = a + 1;
            return {|GG0003:Helper2(3.0, b)|} * y;
        }"));
            v.AssertMessage("GG0003", "'T.Helper2'");
        }

        [Fact]
        public async Task GG0003_ArgumentBecomesActiveInALoop()
        {
            // c starts constant, becomes active in the first iteration: the call in the loop sees an active argument.
            var v = await VerifyAsync(Source(Helper + @"
        [Differentiable]
        public static double Bad(double x, int n)
        {
            double c = 1;
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += {|GG0003:Helper(c)|};
                c = c * x;
            }
            return s;
        }"));
            v.AssertMessage("GG0003", "'T.Helper'");
        }

        /// <summary>
        /// A derivative must never be dropped silently (contract: "anything else is a compile error from the analyzer,
        /// never a silent zero"). Here the input reaches a plain call through a value that is not double/float
        /// (a string, a decimal): either the analyzer reports it, or the generated gradient is right.
        /// </summary>
        [Theory]
        [InlineData("ThroughString", "double.Parse({|GG0003:x.ToString(\"R\")|}) * x", "double.Parse(x.ToString(\"R\")) * x")]
        [InlineData("ThroughDecimalConversion", "(double){|GG0019:(decimal)x|} * x", "(double)(decimal)x * x")]
        [InlineData("ThroughDecimalArithmetic", "(double)({|GG0019:(decimal)x|} * 1m) * x", "(double)((decimal)x * 1m) * x")]
        public async Task GG0003_InputThroughANonRealValueIsNotDroppedSilently(string name, string marked, string expression)
        {
            Assert.NotNull(name);
            var v = await VerifyReportedOrSupportedAsync(Source($"        [Differentiable] public static double Bad(double x) => {marked};"));
            if (v.Diagnostics.Count == 0)
            {
                var gradient = Gradient(v.Assembly, "Bad", 1.25).Gradient[0];
                Assert.True(gradient == 2.5, $"d/dx of {expression} at x = 1.25 is 2.5; the generated gradient is {gradient}, and the analyzer reported nothing.");
            }
        }

        [Fact]
        public async Task GG0003_InstanceMethodCall()
        {
            var v = await VerifyAsync(Source(@"
        private double Twice(double v) => 2 * v;
        [Differentiable] public double Bad(double x) => {|GG0003:this.Twice(x)|} * x;", "public partial class T"));
            v.AssertMessage("GG0003", "'T.Twice'");
        }

        [Fact]
        public async Task GG0003_Negative_ConstantArgument()
        {
            var v = await VerifyAsync(Source(Helper + "        [Differentiable] public static double Bad(double x) => Helper(2.0) * x;"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5);
            Assert.Equal(5.0 * 1.5, value);
            Assert.Equal(5.0, gradient[0]);
        }

        [Fact]
        public async Task GG0003_Negative_ArgumentFromPassThroughInt()
        {
            var v = await VerifyAsync(Source(Helper + "        [Differentiable] public static double Bad(double x, int n) => Helper(n) * x;"));
            Assert.Equal(10.0, Gradient(v.Assembly, "Bad", 1.5, 3).Gradient[0]);
        }

        [Fact]
        public async Task GG0003_Negative_VoidCall()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable]
        public static double Bad(double x)
        {
            Console.WriteLine(x);
            System.Diagnostics.Debug.Assert(x > -1e300);
            return x * x;
        }"));
            var original = Console.Out;
            try
            {
                Console.SetOut(System.IO.TextWriter.Null);
                Assert.Equal(3.0, Gradient(v.Assembly, "Bad", 1.5).Gradient[0]);
            }
            finally
            {
                Console.SetOut(original);
            }
        }

        [Fact]
        public async Task GG0003_Negative_ArgumentFromNoDerivativeParameter()
        {
            var v = await VerifyAsync(Source(Helper + "        [Differentiable] public static double Bad(double x, [NoDerivative] double k) => Helper(k) * x;"));
            var (value, gradient) = Gradient(v.Assembly, "Bad", 1.5, 2.0);
            Assert.Equal(7.5, value);
            Assert.Single(gradient);
            Assert.Equal(5.0, gradient[0]);
        }

        [Fact]
        public async Task GG0003_Negative_CalleeMarkedDifferentiable()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Helper(double v) => v * v + 1;
        [Differentiable] public static double Bad(double x) => Helper(x) + 1;"));
            Assert.Equal(3.0, Gradient(v.Assembly, "Bad", 1.5).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0004: writes the caller can see
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0004_WritesInstanceField()
        {
            var v = await VerifyAsync(Source(@"
        private double last;
        [Differentiable] public double Bad(double x) { {|GG0004:last|} = x * x; return last; }
        public double Last => last;", "public partial class T"));
            // State the next call reads: the message names the pure-function rewrite.
            v.AssertMessage("GG0004", "'last'", "taking 'last' as a parameter and returning its new value in a tuple", "outside the differentiated method");
        }

        [Fact]
        public async Task GG0004_WritesFieldThroughThis()
        {
            var v = await VerifyAsync(Source(@"
        private double last;
        [Differentiable] public double Bad(double x) { {|GG0004:this.last|} = x; return x * x; }
        public double Last => last;", "public partial class T"));
            v.AssertMessage("GG0004", "'last'");
        }

        [Fact]
        public async Task GG0004_WritesProperty()
        {
            var v = await VerifyAsync(Source(@"
        public double Last { get; set; }
        [Differentiable] public double Bad(double x) { {|GG0004:Last|} = x * x; return x; }", "public partial class T"));
            v.AssertMessage("GG0004", "'Last'");
        }

        [Fact]
        public async Task GG0004_WritesStaticField()
        {
            var v = await VerifyAsync(Source(@"
        public static double Total;
        [Differentiable] public static double Bad(double x) { {|GG0004:Total|} = x; return x * x; }"));
            v.AssertMessage("GG0004", "'Total'");
        }

        [Fact]
        public async Task GG0004_CompoundAssignmentToStaticField()
        {
            var v = await VerifyAsync(Source(@"
        public static double Total;
        [Differentiable] public static double Bad(double x) { {|GG0004:Total|} += x; return x * x; }"));
            v.AssertMessage("GG0004", "'Total'");
        }

        [Fact]
        public async Task GG0004_IncrementsStaticCounter()
        {
            var v = await VerifyAsync(Source(@"
        public static int Calls;
        [Differentiable] public static double Bad(double x) { {|GG0004:Calls|}++; return x * x; }"));
            v.AssertMessage("GG0004", "'Calls'");
        }

        [Fact]
        public async Task GG0004_WritesStaticPropertyOfAnotherType()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Bad(double x) { {|GG0004:Store.Value|} = 1.0; return x * x; }", extraTypes: @"
    public static class Store { public static double Value { get; set; } }"));
            v.AssertMessage("GG0004", "'Value'");
        }

        [Fact]
        public async Task GG0004_WritesElementOfPassThroughArray()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Bad(double x, int[] counts) { {|GG0004:counts[0]|} = 1; return x * x; }"));
            v.AssertMessage("GG0004", "element");
        }

        [Fact]
        public async Task GG0004_Negative_ReadsFieldsWritesLocals()
        {
            var v = await VerifyAsync(Source(@"
        private double scale = 3;
        public double Offset { get; set; } = 1;
        public static double Global = 2;
        [Differentiable] public double Bad(double x) { double last = x * x * scale + Offset + Global; last += x; return last; }", "public partial class T"));
            var target = Activator.CreateInstance(v.Assembly.GetType("Diag.T")!)!;
            var (value, args) = Reflect.InvokeInstance(target, "BadGradient", 2.0, null);
            Assert.Equal(2.0 * 2.0 * 3 + 1 + 2 + 2, Reflect.ToDouble(value));
            Assert.Equal(2 * 2.0 * 3 + 1, Reflect.ToDouble(args[1]));
        }

        [Fact]
        public async Task GG0004_Negative_WritesValueParameter()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Bad(double x) { x = x * x; return x; }"));
            Assert.Equal(3.0, Gradient(v.Assembly, "Bad", 1.5).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0005: unsupported constructs
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string, string> UnsupportedConstructs => new TheoryData<string, string, string>
        {
            // name, body of Bad(double x, int n) with the construct marked, message fragment
            { "TryCatch", "{|GG0005:try { return Math.Log(x); } catch { return 0; }|}", "'try'" },
            { "TryFinally", "double y = 0; {|GG0005:try { y = x * x; } finally { y += 1; }|} return y;", "'try'" },
            { "ThrowInsideABranch", "return x >= 0 ? (x > 1 ? x * x : {|GG0005:throw new ArgumentOutOfRangeException(nameof(x))|}) : x;", "throw expression" },
            { "ThrowInShortCircuitedOperand", "if (n > 0 && (x > 0 ? x : {|GG0005:throw new ArgumentException()|}) > 1) return x; return -x;", "throw expression" },
            { "CoalesceThrowOnACall", "return x * ({|GG0005:Clone(Weights)|} ?? throw new ArgumentNullException()).Length;", "'?? throw'" },
            { "DifferentiableCallInAMessage", "if (n > 3) throw {|GG0005:new ArgumentException(Twice(x).ToString())|}; return x;", "thrown exception" },
            { "DeclarationPattern", "return x is {|GG0005:var y|} ? y * x : 0;", "pattern" },
            { "SwitchArmDeclaringAVariable", "return n switch { {|GG0005:var k|} when k > 2 => x, _ => -x };", "declares a variable" },
            { "DelegateUsedWhole", "Func<double, double> f = t => t * x; object o = {|GG0005:f|}; return f(x);", "other than called" },
            { "LambdaGivenToAPlainMethodWithoutItsSource", "return x * Array.ConvertAll(Weights, {|GG0005:w => w * x|})[0];", "lambda or delegate" },
            { "ForEachOverASequence", "double s = 0; {|GG0005:foreach (var k in (System.Collections.Generic.IEnumerable<double>)Weights) s += k * x;|} return s;", "'foreach'" },
            { "Goto", "double y = x; if (n > 0) {|GG0005:goto done;|} y = y * x; done: return y;", "'goto'" },
            { "Lock", "double y; {|GG0005:lock (Gate) { y = x * x; }|} return y;", "'lock'" },
            { "UsingStatement", "double y; {|GG0005:using (var s = new System.IO.MemoryStream()) { y = x * x; }|} return y;", "'using'" },
            { "UsingDeclaration", "{|GG0005:using var s = new System.IO.MemoryStream();|} return x * x;", "'using'" },
            { "ObjectCreationWithInitializer", "var r = {|GG0005:new System.Collections.Generic.List<double> { 1.0 }|}; return x * r.Count;", "creating an object" },
            { "BreakInMiddleOfSwitchSection", "double y = 0; switch (n) { case 0: if (x > 0) {|GG0005:break;|} y = x; break; default: y = 2 * x; break; } return y;", "switch section" },
            { "ReadAndModifyInOneStatement", "double a = x; {|GG0005:a = a++;|} return a * x;", "'a'" },
            { "ReadAndIncrementInOneExpression", "double a = x; {|GG0005:double b = a++ * a;|} return b;", "'a'" },
            { "RecursiveLocalFunction", "return Fact(x, n); double Fact(double v, int k) => k == 0 ? 1 : v * {|GG0005:Fact(v, k - 1)|};", "calls itself" },
            { "LocalFunctionReturningInALoop", "return {|GG0005:First(x)|}; double First(double v) { for (int i = 0; i < 3; i++) { if (v > i) return v * i; } return v; }", "inside a loop" },
            { "AssignmentInShortCircuitedOperand", "double y = 0; if (n > 0 && ({|GG0005:y = x|}) > 0) return y; return -x;", "assignment" },
            { "LongIndex", "double s = 0; for (long i = 0; i < Weights.Length; i++) s += Weights[{|GG0005:i|}] * x; return s;", "index of type 'long'" },
            { "ForEachConversion", "double s = 0; foreach ({|GG0005:float|} w in Weights) s += w * x; return s;", "foreach variable of type 'float'" },
            { "Dynamic", "dynamic k = {|GG0005:n|}; return {|GG0005:x * k|};", "'dynamic'" },
        };

        private static string ConstructSource(string body) => Source(@"
        private static readonly object Gate = new object();
        private static readonly double[] Weights = { 1.0, 2.0 };
        private static double[] Clone(double[] a) => a;
        [Differentiable] private static double Twice(double v) => 2 * v;
        private static readonly System.Collections.Generic.List<double> WeightList = new System.Collections.Generic.List<double> { 1.0, 2.0 };

        [Differentiable]
        public static double Bad(double x, int n)
        {
            " + body + @"
        }");

        [Theory]
        [MemberData(nameof(UnsupportedConstructs))]
        public async Task GG0005_UnsupportedConstruct(string name, string body, string messageContains)
        {
            Assert.NotNull(name);
            var v = await VerifyAsync(ConstructSource(body));
            v.AssertMessage("GG0005", messageContains);
        }

        [Fact]
        public async Task GG0005_AssigningANoDerivativeParameter()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x, [NoDerivative] double s) { {|GG0005:s|} = x * x; return s; }"));
            v.AssertMessage("GG0005", "[NoDerivative] parameter 's'");
        }

        [Fact]
        public async Task GG0002_DynamicParameter()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x, {|GG0002:dynamic k|}) => x * x;"));
            v.AssertMessage("GG0002", "dynamic");
        }

        public static TheoryData<string, string> SupportedRewrites => new TheoryData<string, string>
        {
            { "ConditionalInsteadOfTry", "return x > 0 ? Math.Log(x) : 0;" },
            { "ForInsteadOfForEach", "double s = 0; for (int i = 0; i < n; i++) s += (i + 1) * x; return s;" },
            { "LoopsInsteadOfGoto", "double y = x; if (n <= 0) y = y * x; return y;" },
            { "IntegerRemainder", "return (n % 2) * x;" },
            { "BreakAtEndOfSwitchSection", "double y = 0; switch (n) { case 0: if (x <= 0) { y = x; } break; default: y = 2 * x; break; } return y;" },
            { "BreakInsideLoopInsideSwitch", "double y = 0; switch (n) { case 0: for (int i = 0; i < 3; i++) { if (i == 1) break; y += x; } break; default: y = x; break; } return y;" },
            { "IncrementAsItsOwnStatement", "double a = x; a++; a = a * x; return a;" },
            { "IncrementOfAnotherVariableInExpression", "double a = x; double b = 0; b = a++ * x; return a + b;" },
            { "ExistingObjectRead", "return x * Weights.Length;" },
        };

        [Theory]
        [MemberData(nameof(SupportedRewrites))]
        public Task GG0005_Negative_SupportedRewrite(string name, string body)
        {
            Assert.NotNull(name);
            return VerifyAsync(ConstructSource(body));
        }

        [Fact]
        public async Task GG0005_Negative_ForEachOutsideTheDifferentiableMethod()
        {
            var v = await VerifyAsync(Source(@"
        private static readonly double[] Weights = { 1.0, 2.0 };
        public static double Sum() { double s = 0; foreach (var w in Weights) s += w; try { s += 0; } catch { } return s; }
        [Differentiable] public static double Bad(double x) => x * Sum();"));
            Assert.Equal(3.0, Gradient(v.Assembly, "Bad", 1.5).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0006: integer conversion (warning: still generated, derivative zero through the conversion)
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0006_IntegerConversionOfActiveValue()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x) => {|GG0006:(int)(x * 10)|} * x;"));
            v.AssertMessage("GG0006", "'x * 10'", "int");
            var (value, gradient) = Gradient(v.Assembly, "Bad", 0.37);
            Assert.Equal(3 * 0.37, value, 12);
            Assert.Equal(3.0, gradient[0]);
        }

        [Fact]
        public async Task GG0006_IntegerConversionOfParameter()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x) { long k = {|GG0006:(long)x|}; return k + x * x; }"));
            v.AssertMessage("GG0006", "'x'");
            Assert.Equal(2 * 2.5, Gradient(v.Assembly, "Bad", 2.5).Gradient[0]);
        }

        [Fact]
        public async Task GG0006_Negative_IntParameter()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x, int n) => (int)n * x + (long)n;"));
            Assert.Equal(4.0, Gradient(v.Assembly, "Bad", 2.5, 4).Gradient[0]);
        }

        [Fact]
        public async Task GG0006_Negative_NoDerivativeParameter()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x, [NoDerivative] double k) => (int)(k * 10) * x;"));
            Assert.Equal(3.0, Gradient(v.Assembly, "Bad", 2.5, 0.37).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0011: [NoDerivative] where there is no derivative anyway (information: still generated)
        // ----------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("int n", "int")]
        [InlineData("int[] cells", "int[]")]
        [InlineData("bool flag", "bool")]
        public async Task GG0011_NoDerivativeOnAParameterWithoutDerivative(string parameter, string type)
        {
            var v = await VerifyAsync(Source($"        [Differentiable] public static double Bad(double x, [{{|GG0011:NoDerivative|}}] {parameter}) => x * x;"));
            v.AssertMessage("GG0011", $"is '{type}'");
            object argument = type switch { "int" => 3, "int[]" => new int[1], _ => true };
            Assert.Equal(2 * 1.5, Gradient(v.Assembly, "Bad", 1.5, argument).Gradient[0]);
        }

        [Theory]
        [InlineData("[NoDerivative] double c")]
        [InlineData("[NoDerivative] double[] w")]
        [InlineData("[NoDerivative] ReadOnlySpan<float> w")]
        [InlineData("[NoDerivative] double[,] m")]
        [InlineData("int n")]
        public Task GG0011_NotReportedWhereNoDerivativeMatters(string parameter) =>
            VerifyAsync(Source($"        [Differentiable] public static double Bad(double x, {parameter}) => x * x;"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0007: piecewise-constant function (warning: still generated, zero derivative)
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0007_Floor()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x) => {|GG0007:Math.Floor(x)|} * x;"));
            v.AssertMessage("GG0007", "'Math.Floor'");
            var (value, gradient) = Gradient(v.Assembly, "Bad", 2.5);
            Assert.Equal(5.0, value);
            Assert.Equal(2.0, gradient[0]);
        }

        [Theory]
        [InlineData("Math.Floor(x)")]
        [InlineData("Math.Ceiling(x)")]
        [InlineData("Math.Round(x)")]
        [InlineData("Math.Truncate(x)")]
        [InlineData("Math.Round(x, 2)")]
        public async Task GG0007_DerivativeIsZero(string call)
        {
            var v = await VerifyAsync(Source($"        [Differentiable] public static double Bad(double x) => {{|GG0007:{call}|}};"));
            Assert.Equal(0.0, Gradient(v.Assembly, "Bad", 2.3).Gradient[0]);
        }

        [Fact]
        public async Task GG0007_Sign()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x) => {|GG0007:Math.Sign(x)|} * x;"));
            v.AssertMessage("GG0007", "'Math.Sign'");
            Assert.Equal(-1.0, Gradient(v.Assembly, "Bad", -2.3).Gradient[0]);
        }

        [Fact]
        public async Task GG0007_MathFFloor()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static float Bad(float x) => {|GG0007:MathF.Floor(x)|} * x;"));
            v.AssertMessage("GG0007", "'MathF.Floor'");
            Assert.Equal(2.0, Gradient(v.Assembly, "Bad", 2.5f).Gradient[0]);
        }

        [Fact]
        public async Task GG0007_Negative_SmoothFunction()
        {
            var v = await VerifyAsync(Source("        [Differentiable] public static double Bad(double x) => Math.Sqrt(x) * x;"));
            Assert.Equal(1.5 * Math.Sqrt(4.0), Gradient(v.Assembly, "Bad", 4.0).Gradient[0], 12);
        }

        [Theory]
        [InlineData("Math.Sign(-1.0 + 2.0 * n)")]
        [InlineData("Math.Floor(0.5 * n)")]
        public async Task GG0007_Negative_NoDerivativeFlowsIn(string call)
        {
            // n is an int: the function's argument carries no derivative, so nothing is lost.
            var v = await VerifyAsync(Source($"        [Differentiable] public static double Bad(double x, int n) => x * {call};"));
            Assert.Equal(1.0, Gradient(v.Assembly, "Bad", 4.0, 3).Gradient[0], 12);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0008: generated member name already in use
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0008_UserDeclaresGradient()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0008:Differentiable|}] public static double Bad(double x) => x * x;
        public static double BadGradient(double x) => 2 * x;"));
            v.AssertMessage("GG0008", "'BadGradient'", "'T'");
            // The user's own member is untouched.
            Assert.Equal(3.0, Reflect.ToDouble(Reflect.Invoke(v.Assembly.GetType("Diag.T")!, "BadGradient", 1.5).Result));
        }

        [Fact]
        public async Task GG0008_UserDeclaresGradientWithTheGeneratedSignature()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0008:Differentiable|}] public static double Bad(double x) => x * x;
        public static double BadGradient(double x, out double dX) { dX = 2 * x; return x * x; }"));
            v.AssertMessage("GG0008", "'BadGradient'");
        }

        [Fact]
        public async Task GG0008_UserDeclaresForwardAsAField()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0008:Differentiable|}] public static double Bad(double x) => x * x;
        public static int BadForward;"));
            v.AssertMessage("GG0008", "'BadForward'");
        }

        [Fact]
        public async Task GG0008_UserDeclaresReverseInAnotherPartialDeclaration()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0008:Differentiable|}] public static double Bad(double x) => x * x;", extraTypes: @"
    public static partial class T
    {
        public static double BadReverse(double x) => 2 * x;
    }"));
            v.AssertMessage("GG0008", "'BadReverse'");
        }

        [Fact]
        public Task GG0008_Negative_RenamedMember() => VerifyAsync(Source(@"
        [Differentiable] public static double Bad(double x) => x * x;
        public static double BadHandGradient(double x) => 2 * x;"));

        /// <summary>Only FForward is generated, so a user FGradient is no clash.</summary>
        [Fact]
        public Task GG0008_Negative_ClashingNameOfAKindNotRequested() => VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Bad(double x) => x * x;
        public static double BadGradient(double x) => 2 * x;"));

        // ----------------------------------------------------------------------------------------------------------
        // Errors propagate along calls between [Differentiable] methods
        // ----------------------------------------------------------------------------------------------------------

        /// <summary>Errors propagate along the whole chain of callers, and each caller is told at its call (GG0013).</summary>
        [Fact]
        public async Task CallerOfAMethodWithAnErrorIsNotGenerated()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Bad(double x) { {|GG0005:try { return Math.Log(x); } catch { return 0; }|} }
        [Differentiable] public static double Caller(double x) => {|GG0013:Bad(x)|} * 2;
        [Differentiable] public static double CallerOfCaller(double x) => {|GG0013:Caller(x)|} + x;
        [Differentiable] public static double Independent(double x) => x * 3;"));
            Assert.Empty(FilesOf(v.Run, "T", "Caller"));
            Assert.Empty(FilesOf(v.Run, "T", "CallerOfCaller"));
            Assert.Single(FilesOf(v.Run, "T", "Independent"));
            Assert.Equal(3.0, Gradient(v.Assembly, "Independent", 1.0).Gradient[0]);
        }

        [Fact]
        public async Task CallerOfAMethodInANonPartialTypeIsNotGenerated()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Caller(double x) => {|GG0013:Lib.Square(x)|} * 2;", extraTypes: @"
    public static class Lib
    {
        [{|GG0001:Differentiable|}] public static double Square(double x) => x * x;
    }"));
            Assert.Empty(FilesOf(v.Run, "T", "Caller"));
            Assert.Empty(FilesOf(v.Run, "Lib", "Square"));
        }

        [Fact]
        public async Task CallerOfAMethodWithAnUnsupportedSignatureIsNotGenerated()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Callee(double x, {|GG0002:ref int y|}) => x * y;
        [Differentiable] public static double Caller(double x) { int y = 1; return Callee(x, {|GG0005:ref y|}) * 2; }"));
            Assert.Empty(FilesOf(v.Run, "T", "Caller"));
            Assert.Empty(FilesOf(v.Run, "T", "Callee"));
        }

        [Fact]
        public async Task CallerOfAMethodWithANameClashIsNotGenerated()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0008:Differentiable|}] public static double Callee(double x) => x * x;
        public static double CalleeReverse(double x) => 2 * x;
        [Differentiable] public static double Caller(double x) => {|GG0013:Callee(x)|} * 2;"));
            Assert.Empty(FilesOf(v.Run, "T", "Caller"));
            Assert.Empty(FilesOf(v.Run, "T", "Callee"));
        }

        [Fact]
        public async Task CallerOfAMethodWithOnlyAWarningIsGenerated()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Callee(double x) => {|GG0007:Math.Floor(x)|} * x;
        [Differentiable] public static double Caller(double x) => Callee(x) * 2;"));
            Assert.Single(FilesOf(v.Run, "T", "Caller"));
            Assert.Equal(4.0, Gradient(v.Assembly, "Caller", 2.5).Gradient[0]);
        }

        [Fact]
        public async Task OverloadWithAnErrorBlocksOnlyItsOwnCallers()
        {
            // The error, and at the one call of the broken overload, GG0013.
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Sq(double x) => x is {|GG0005:var v|} ? v : 0;
        [Differentiable] public static double Sq(double x, double y) => x * y;
        [Differentiable] public static double CallsValidOverload(double x) => Sq(x, x) + 1;
        [Differentiable] public static double CallsBrokenOverload(double x) => {|GG0013:Sq(x)|} + 1;"));
            Assert.Equal(new[] { "Diag.T.Sq_double_double.g.cs" }, FilesOf(v.Run, "T", "Sq"));
            Assert.Single(FilesOf(v.Run, "T", "CallsValidOverload"));
            Assert.Empty(FilesOf(v.Run, "T", "CallsBrokenOverload"));
            Assert.Equal(3.0, Gradient(v.Assembly, "CallsValidOverload", 1.5).Gradient[0]);
        }

        /// <summary>
        /// A callee that generates only FForward, called from a method that wants FReverse: whatever the generator
        /// decides, the generated code compiles, and a caller that is not generated has an error that says why.
        /// </summary>
        [Theory]
        [InlineData("Forward", "")]
        [InlineData("Reverse", "")]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Reverse)")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Forward)")]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Forward)")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Reverse)")]
        public Task CallerNeedingAKindTheCalleeDoesNotGenerateDoesNotBreakTheBuild(string calleeKind, string callerArguments) =>
            VerifyReportedOrSupportedAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds." + calleeKind + @")] public static double Callee(double x) => x * x;
        [Differentiable" + callerArguments + @"] public static double Caller(double x) => {|GG0009:Callee(x)|} * 2;"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0009: the callee does not generate the kind of derivative the caller needs
        // ----------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("Forward", "", "Reverse")]
        [InlineData("Reverse", "", "Forward")]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Reverse)", "Reverse")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Forward)", "Forward")]
        public async Task GG0009_CalleeLacksTheKindTheCallerNeeds(string calleeKind, string callerArguments, string missing)
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds." + calleeKind + @")] public static double Callee(double v) => v * v;
        [Differentiable" + callerArguments + @"] public static double Bad(double x) => {|GG0009:Callee(x)|} * 2;
        [Differentiable" + callerArguments + @"] public static double CallerOfBad(double x) => {|GG0013:Bad(x)|} + x;"));
            v.AssertMessage("GG0009", "'T.Callee'", missing);
            Assert.Single(FilesOf(v.Run, "T", "Callee"));
            Assert.Empty(FilesOf(v.Run, "T", "CallerOfBad"));
        }

        [Theory]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Forward)")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Reverse)")]
        [InlineData("Forward | DerivativeKinds.Reverse", "")]
        public Task GG0009_Negative_CalleeHasTheKind(string calleeKind, string callerArguments) => VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds." + calleeKind + @")] public static double Callee(double v) => v * v;
        [Differentiable" + callerArguments + @"] public static double Bad(double x) => Callee(x) * 2;"));

        [Fact]
        public async Task GG0009_Negative_NoDerivativeFlowsIntoTheCall()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Callee(double v) => v * v;
        [Differentiable] public static double Bad(double x, [NoDerivative] double k) => Callee(k) * x;"));
            Assert.Equal(9.0, Gradient(v.Assembly, "Bad", 2.0, 3.0).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // The analyzer and the generator agree, and the analyzer's locations are on the offending code only
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public Task SeveralErrorsInOneMethodAreEachReportedWhereTheyOccur() => VerifyAsync(Source(@"
        public static double Total;
        public static double Helper(double v) => v;
        [Differentiable]
        public static double Bad(double x)
        {
            {|GG0004:Total|} = x;
            double y = {|GG0003:Helper(x)|};
            return y is {|GG0005:var v|} ? v : 0;
        }"));

        [Fact]
        public async Task ErrorInOneMethodDoesNotAffectItsNeighbours()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Before(double x) => x * x;
        [Differentiable] public static double Bad(double x) => x is {|GG0005:var v|} ? v : 0;
        [Differentiable] public static double After(double x) => 2 * x;"));
            Assert.Equal(3.0, Gradient(v.Assembly, "Before", 1.5).Gradient[0]);
            Assert.Equal(2.0, Gradient(v.Assembly, "After", 1.5).Gradient[0]);
            Assert.Single(FilesOf(v.Run, "T", "Before"));
            Assert.Single(FilesOf(v.Run, "T", "After"));
        }

        [Fact]
        public void GeneratorReportsNothingItselfOnValidCode()
        {
            var run = GeneratorHarness.Run(Source("        [Differentiable] public static double Bad(double x) => x * x;"));
            Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        [Fact]
        public void EveryDescriptorIsDocumentedAndTracked()
        {
            var analyzer = new GradGen.Generator.Diagnostics.DifferentiableAnalyzer();
            var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal).ToList();
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => "GG" + i.ToString("0000")).ToList(), ids);
            Assert.True(ids.Count >= 8, "GG0001..GG0008 are in the contract: " + string.Join(", ", ids));

            var root = RepositoryRoot();
            var docs = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "docs", "diagnostics.md"));
            var releases = string.Join("\n", System.IO.Directory.GetFiles(System.IO.Path.Combine(root, "src", "GradGen.Generator"), "AnalyzerReleases.*.md")
                .Select(System.IO.File.ReadAllText));
            foreach (var d in analyzer.SupportedDiagnostics)
            {
                Assert.Equal("GradGen", d.Category);
                Assert.True(d.IsEnabledByDefault);
                Assert.False(string.IsNullOrWhiteSpace(d.Title.ToString()), d.Id + " has no title");
                Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat.ToString()), d.Id + " has no message");
                Assert.False(string.IsNullOrWhiteSpace(d.Description.ToString()), d.Id + " has no description");
                Assert.True(docs.Contains("\n## " + d.Id + "\n", StringComparison.Ordinal), d.Id + " has no section in docs/diagnostics.md");
                Assert.True(releases.Contains(d.Id + " | GradGen | " + d.DefaultSeverity, StringComparison.Ordinal),
                    d.Id + " is not listed (with category and severity) in AnalyzerReleases.Shipped.md / Unshipped.md");
            }
        }

        private static string RepositoryRoot()
        {
            for (var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "docs", "diagnostics.md")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("TEST BUG: docs/diagnostics.md not found above " + AppContext.BaseDirectory);
        }

        // ----------------------------------------------------------------------------------------------------------
        // Mid-edit sources: nothing throws, nothing generated fails to compile
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string> MidEditSources => new TheoryData<string, string>
        {
            { "TruncatedMethod", "using System;\nusing GradGen;\nnamespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable] public static double Good(double x) => x * x;\n        [Differentiable] public static double Bad(double x)\n        {\n            double y = x * " },
            { "TruncatedAfterSignature", "using System;\nusing GradGen;\nnamespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable] public static double Bad(double x)" },
            { "TruncatedAttribute", "using System;\nusing GradGen;\nnamespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable(Kinds = DerivativeKinds." },
            { "MissingSemicolon", Source("        [Differentiable] public static double Bad(double x) { double y = x * x return y; }") },
            { "MissingSemicolonBeforeLoop", Source("        [Differentiable] public static double Bad(double x, int n) { double s = x for (int i = 0; i < n; i++) s = s * x; return s; }") },
            { "UnknownIdentifier", Source("        [Differentiable] public static double Bad(double x) => x * unknownThing;") },
            { "UnknownMethod", Source("        [Differentiable] public static double Bad(double x) => Frobnicate(x) * x;") },
            { "UnknownMemberOfMath", Source("        [Differentiable] public static double Bad(double x) => Math.Sine(x);") },
            { "UnknownType", Source("        [Differentiable] public static double Bad(Vector3 v, double x) => x * x;") },
            { "UnknownLocalType", Source("        [Differentiable] public static double Bad(double x) { Matrix m = x; return x; }") },
            { "WrongArgumentCount", Source("        [Differentiable] public static double Bad(double x) => Math.Pow(x);") },
            { "TypeMismatch", Source("        [Differentiable] public static double Bad(double x) { double y = \"text\"; return y * x; }") },
            { "MissingReturn", Source("        [Differentiable] public static double Bad(double x) { double y = x * x; }") },
            { "UnclosedParenthesis", Source("        [Differentiable] public static double Bad(double x) => Math.Sin(x * 2;") },
            { "UnfinishedIf", Source("        [Differentiable] public static double Bad(double x) { if (x > 0 return x; return -x; }") },
            { "UnfinishedFor", Source("        [Differentiable] public static double Bad(double x) { double s = 0; for (int i = 0; i < ; i++) s += x; return s; }") },
            { "UnassignedLocal", Source("        [Differentiable] public static double Bad(double x) { double y; return y * x; }") },
            { "DuplicateMethod", Source("        [Differentiable] public static double Bad(double x) => x * x;\n        [Differentiable] public static double Bad(double x) => x * 3;") },
            { "CallerOfMidEditMethod", Source("        [Differentiable] public static double Bad(double x) => x * unknownThing;\n        [Differentiable] public static double Caller(double x) => Bad(x) * 2;\n        [Differentiable] public static double CallerOfCaller(double x) => Caller(x) + x;") },
            { "CallerOfMidEditMethodInAnotherType", Source("        [Differentiable] public static double Caller(double x) => Other.Bad(x) * 2;", extraTypes: "    public static partial class Other\n    {\n        [Differentiable] public static double Bad(double x) { double y = x * x return y; }\n    }") },
            { "CallWithMissingArgument", Source("        [Differentiable] public static double Callee(double x, double y) => x * y;\n        [Differentiable] public static double Bad(double x) => Callee(x, );") },
            { "AttributeWithUnknownKind", Source("        [Differentiable(Kinds = DerivativeKinds.Sideways)] public static double Bad(double x) => x * x;") },
            { "AttributeWithWrongArgument", Source("        [Differentiable(\"x\")] public static double Bad(double x) => x * x;") },
            { "MissingUsingForGradGen", "namespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable] public static double Bad(double x) => x * x;\n    }\n}\n" },
            { "StructContainingItself", Source("        [Differentiable] public static double Bad(Loop s, double x) => s.A.A.A.V * x;", extraTypes: "    public struct Loop { public double V; public Loop A; }") },
            { "StructFieldOfUnknownType", Source("        [Differentiable] public static double Bad(Half2 s, double x) { var t = s; t.V = x; return t.V * x; }", extraTypes: "    public struct Half2 { public double V; public Unknown W; }") },
            { "StructBeingTyped", Source("        [Differentiable] public static double Bad(Typing s, double x) { var t = new Typing(x, ); return t.X * x; }", extraTypes: "    public struct Typing { public double X; public double Y; public Typing(double x, double y) { X = x; Y = } }") },
            { "MissingNoDerivativeClose", Source("        [Differentiable] public static double Bad(double x, [NoDerivative double k) => x * k;") },
        };

        [Theory]
        [MemberData(nameof(MidEditSources))]
        public void MidEditSourceNeverBreaksGeneratedCode(string name, string source)
        {
            Assert.NotNull(name);
            var run = GeneratorHarness.Run(source); // fails if the generator threw
            GeneratorHarness.Analyze(source);          // fails if the analyzer threw
            GeneratorHarness.Analyze(run.OutputCompilation);

            var generated = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
            var errorsInGenerated = run.CompilationErrors.Where(d => d.Location.SourceTree != null && generated.Contains(d.Location.SourceTree)).ToList();
            Assert.True(errorsInGenerated.Count == 0, "Errors in generated code:\n  " + string.Join("\n  ", errorsInGenerated)
                + "\n\n" + run.Describe() + "\nSource:\n" + GeneratorHarness.WithLineNumbers(source));

            // Nor does generated code add errors to the user's code (a duplicate member, a missing generated callee, ...).
            var inputErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToHashSet();
            var newErrors = run.CompilationErrors.Select(d => d.ToString()).Where(d => !inputErrors.Contains(d)).ToList();
            Assert.True(newErrors.Count == 0, "The generated code adds errors:\n  " + string.Join("\n  ", newErrors)
                + "\n\n" + run.Describe() + "\nSource:\n" + GeneratorHarness.WithLineNumbers(source));

            // A method that does not compile has no derivatives yet, and neither do its callers.
            Assert.Empty(FilesOf(run, "T", "Bad"));
            Assert.Empty(FilesOf(run, "T", "Caller"));
            Assert.Empty(FilesOf(run, "T", "CallerOfCaller"));
        }

        [Fact]
        public void MidEditInOneMethodLeavesTheOthersGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Before(double x) => x * x;
        [Differentiable] public static double Bad(double x) => x * unknownThing;
        [Differentiable] public static double After(double x) => 2 * x;");
            var run = GeneratorHarness.Run(source);
            Assert.Single(FilesOf(run, "T", "Before"));
            Assert.Single(FilesOf(run, "T", "After"));
            Assert.Single(FilesOf(run, "Fine", "Good"));
            Assert.Empty(FilesOf(run, "T", "Bad"));
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.All(e => e.Id == "CS0103"), "Only the user's own error is expected:\n" + string.Join("\n", errors));
        }
    }
}
