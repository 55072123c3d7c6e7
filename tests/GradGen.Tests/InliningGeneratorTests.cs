using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// Which calls CallInlining inlines, read from the generated files of small sources (<see cref="GeneratorHarness.Run(string, string?)"/>):
    /// a caller's file has no call of an inlined callee's <c>Forward</c>/<c>Reverse</c>/<c>ReverseTangent</c>, and has one
    /// when the callee may not be inlined (another type, directly recursive, more than 120 IR statements, a [NoDerivative]
    /// real parameter given a variable, an instance callee on another object, deeper than the nesting limit, mutual
    /// recursion). Every output compiles without warnings and its derivatives are right (the numeric twins of these
    /// cases are in <see cref="Numerics.InliningTests"/>).
    /// </summary>
    public sealed class InliningGeneratorTests
    {
        private const string Header = "using System;\nusing GradGen;\n\n";

        internal static bool CallsGenerated(string text, string callee) =>
            Regex.IsMatch(text, @"(?<![A-Za-z0-9_])" + Regex.Escape(callee) + @"(Forward|Reverse|ReverseTangent)\(");

        /// <summary>Runs the generator, checks the output compiles without errors or warnings, and returns it.</summary>
        private static GeneratorRun Run(params (string Path, string Text)[] files)
        {
            var run = GeneratorHarness.Run(files);
            Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            var problems = run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, "The output does not compile cleanly:\n" + string.Join("\n", problems) + "\n" + run.Describe());
            return run;
        }

        private static GeneratorRun Run(string source) => Run(("Source.cs", Header + source));

        private static string File(GeneratorRun run, string hintName)
        {
            Assert.True(run.GeneratedSources.TryGetValue(hintName, out var text), $"No generated file {hintName}.\n" + run.Describe(includeSources: false));
            return text!;
        }

        private static void AssertInlined(GeneratorRun run, string hintName, string callee)
        {
            var text = File(run, hintName);
            Assert.False(CallsGenerated(text, callee), $"{hintName} calls {callee}'s generated methods, though {callee} should be inlined:\n{text}");
        }

        private static void AssertCalled(GeneratorRun run, string hintName, string callee)
        {
            var text = File(run, hintName);
            Assert.True(CallsGenerated(text, callee), $"{hintName} does not call {callee}'s generated methods, though {callee} cannot be inlined:\n{text}");
        }

        [Fact]
        public void SameTypeStaticCalleeIsInlined()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable] public static double Callee(double x) => x * x;
        [Differentiable] public static double Caller(double x) => Callee(x) + x;
    }
}");
            AssertInlined(run, "S.T.Caller.g.cs", "Callee");
            // The callee keeps its own derivatives, which callers elsewhere still call.
            Assert.Contains("CalleeForward(", File(run, "S.T.Callee.g.cs"));
        }

        [Fact]
        public void CalleeInAnotherDeclarationOfThePartialTypeIsInlined()
        {
            var run = Run(
                ("A.cs", Header + "namespace S { public static partial class T { [Differentiable] public static double Callee(double x) => x * x; } }"),
                ("B.cs", Header + "namespace S { public static partial class T { [Differentiable] public static double Caller(double x) => Callee(x) + x; } }"));
            AssertInlined(run, "S.T.Caller.g.cs", "Callee");
        }

        [Fact]
        public void CalleeInAnotherTypeIsCalled()
        {
            var run = Run(@"
namespace S
{
    public static partial class Lib
    {
        [Differentiable] public static double Callee(double x) => x * x;
    }

    public static partial class T
    {
        [Differentiable] public static double Caller(double x) => Lib.Callee(x) + x;
    }

    public static partial class Outer
    {
        [Differentiable] public static double OuterCallee(double x) => x * x;

        public static partial class Inner
        {
            [Differentiable] public static double InnerCallee(double x) => x * x;

            // the containing type's callee: another type
            [Differentiable] public static double CallsOuter(double x) => OuterCallee(x) + InnerCallee(x);
        }

        // the nested type's callee: another type
        [Differentiable] public static double CallsInner(double x) => Inner.InnerCallee(x) + OuterCallee(x);
    }
}

namespace S.Other
{
    // the same type name in another namespace: another type
    public static partial class T
    {
        [Differentiable] public static double Callee(double x) => x * x * x;
    }
}

namespace S
{
    public static partial class T
    {
        [Differentiable] public static double CallsNamesake(double x) => S.Other.T.Callee(x) + x;
    }
}");
            AssertCalled(run, "S.T.Caller.g.cs", "Callee");
            AssertCalled(run, "S.Outer.Inner.CallsOuter.g.cs", "OuterCallee");
            AssertInlined(run, "S.Outer.Inner.CallsOuter.g.cs", "InnerCallee");
            AssertCalled(run, "S.Outer.CallsInner.g.cs", "InnerCallee");
            AssertInlined(run, "S.Outer.CallsInner.g.cs", "OuterCallee");
            AssertCalled(run, "S.T.CallsNamesake.g.cs", "Callee");
        }

        [Fact]
        public void DirectlyRecursiveCalleeIsCalled()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable]
        public static double Power(double x, int n)
        {
            if (n <= 0)
                return 1.0;
            return x * Power(x, n - 1);
        }

        [Differentiable] public static double Caller(double x, int n) => Power(x, n) * x;
    }
}");
            AssertCalled(run, "S.T.Caller.g.cs", "Power");
            AssertCalled(run, "S.T.Power.g.cs", "Power");
        }

        [Fact]
        public void MutuallyRecursiveCalleesInlineOneLevelAndCompile()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable]
        public static double A(double x, int depth)
        {
            if (depth <= 0)
                return x;
            return B(x * 0.5, depth - 1) + x;
        }

        [Differentiable]
        public static double B(double x, int depth)
        {
            if (depth <= 0)
                return x * x;
            return A(x, depth - 1) * x;
        }
    }
}");
            AssertInlined(run, "S.T.A.g.cs", "B");
            AssertCalled(run, "S.T.A.g.cs", "A");
            AssertInlined(run, "S.T.B.g.cs", "A");
            AssertCalled(run, "S.T.B.g.cs", "B");
        }

        /// <summary>A body of one declaration, <paramref name="assignments"/> assignments and a return: that many + 2 IR statements.</summary>
        private static string Straight(string name, int assignments) =>
            "        [Differentiable]\n        public static double " + name + "(double x)\n        {\n            double s = x;\n"
            + string.Concat(Enumerable.Repeat("            s = s * 0.5 + x;\n", assignments))
            + "            return Math.Sin(s);\n        }\n";

        [Fact]
        public void CalleeUpToMaxStatementsIsInlinedAndLargerIsCalled()
        {
            // CallInlining.MaxStatements is 120 IR statements: 118 assignments + the declaration + the return is the
            // largest body inlined; one more assignment, or many more, and the callee is called.
            var run = Run("namespace S\n{\n    public static partial class T\n    {\n"
                + Straight("At", 118) + Straight("Over", 119) + Straight("Huge", 400)
                + "        [Differentiable] public static double CallsAt(double x) => At(x) * x;\n"
                + "        [Differentiable] public static double CallsOver(double x) => Over(x) * x;\n"
                + "        [Differentiable] public static double CallsHuge(double x) => Huge(x) * x;\n"
                + "    }\n}\n");
            AssertInlined(run, "S.T.CallsAt.g.cs", "At");
            AssertCalled(run, "S.T.CallsOver.g.cs", "Over");
            AssertCalled(run, "S.T.CallsHuge.g.cs", "Huge");
        }

        [Fact]
        public void NoDerivativeRealParameterGivenVariableIsCalled()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable] public static double Scaled(double x, [NoDerivative] double s) => s * x * x;

        [Differentiable] public static double Sum([NoDerivative] double[] a, double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += a[i] * x[i]; return s; }

        [Differentiable] public static double Variable(double x, [NoDerivative] double c) => Scaled(x, c);

        [Differentiable] public static double Local(double x, [NoDerivative] double c) { double k = c * 2.0; return Scaled(x, k); }

        [Differentiable] public static double Constant(double x) => Scaled(x, 2.5);

        [Differentiable] public static double ArrayVariable([NoDerivative] double[] a, double[] x) => Sum(a, x);

        // an int parameter is not real: any argument may be inlined
        [Differentiable] public static double Series(double x, int n) { double s = 0; for (int i = 0; i < n; i++) s += x; return s; }

        [Differentiable] public static double IntVariable(double x, int n) => Series(x, n + 1);

        // constants in other forms
        private const double K = 1.5;

        [Differentiable] public static double Negative(double x) => Scaled(x, -2.5);

        [Differentiable] public static double Product(double x) => Scaled(x, 2.0 * 3.0);

        [Differentiable] public static double NamedConstant(double x) => Scaled(x, K);

        [Differentiable] public static double IntLiteral(double x) => Scaled(x, 2);
    }
}");
            AssertCalled(run, "S.T.Variable.g.cs", "Scaled");
            AssertCalled(run, "S.T.Local.g.cs", "Scaled");
            AssertInlined(run, "S.T.Constant.g.cs", "Scaled");
            AssertCalled(run, "S.T.ArrayVariable.g.cs", "Sum");
            AssertInlined(run, "S.T.IntVariable.g.cs", "Series");
            foreach (var caller in new[] { "Negative", "Product", "NamedConstant", "IntLiteral" })
            {
                AssertInlined(run, "S.T." + caller + ".g.cs", "Scaled");
            }

            var source = new LoadedSource("NoDerivative", "", run, run.Load());
            var type = source.GetType("S.T");
            var points = new[] { new object?[] { 0.7, 2.5 }, new object?[] { -1.3, -0.75 } };
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, type, "Variable"), points, a => new[] { 2 * a[1] * a[0] });
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, type, "Local"), points, a => new[] { 4 * a[1] * a[0] });
            var one = new[] { new object?[] { 0.7 }, new object?[] { -1.3 } };
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, type, "Negative"), one, a => new[] { -5 * a[0] });
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, type, "Product"), one, a => new[] { 12 * a[0] });
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, type, "NamedConstant"), one, a => new[] { 3 * a[0] });
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, type, "IntLiteral"), one, a => new[] { 4 * a[0] });
        }

        [Fact]
        public void CalleeWithCustomDerivativeCallIsInlined()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

        public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

        [DerivativeOf(nameof(Softplus))]
        public static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Softplus(x), Sigmoid(x) * dX);

        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverse(double x, double seed, ref double dX)
        {
            dX += seed * Sigmoid(x);
            return Softplus(x);
        }

        // 2·softplus(w·x)
        [Differentiable] public static double Layer(double x, double w) => 2.0 * Softplus(w * x);

        // Layer(Layer(x, w), w)
        [Differentiable] public static double Net(double x, double w) => Layer(Layer(x, w), w);
    }
}");
            AssertInlined(run, "S.T.Net.g.cs", "Layer");
            Assert.Contains("SoftplusForward(", File(run, "S.T.Net.g.cs"));
            Assert.Contains("SoftplusReverse(", File(run, "S.T.Net.g.cs"));
            var source = new LoadedSource("CustomInInlined", "", run, run.Load());
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, source.GetType("S.T"), "Net"),
                new[] { new object?[] { 0.7, -1.3 }, new object?[] { 1.5, 0.4 } },
                a =>
                {
                    double x = a[0], w = a[1];
                    static double Sp(double v) => Math.Log(1 + Math.Exp(v));
                    static double Sg(double v) => 1 / (1 + Math.Exp(-v));
                    double u = 2 * Sp(w * x), dux = 2 * Sg(w * x) * w, duw = 2 * Sg(w * x) * x;
                    double outer = 2 * Sg(w * u);
                    return new[] { outer * w * dux, outer * (u + w * duw) };
                });
        }

        [Fact]
        public void InstanceCalleeIsInlinedOnThisOnly()
        {
            var run = Run(@"
namespace S
{
    public partial class M
    {
        public double Scale = 2.0;

        public M Peer = null!;

        private static readonly M Shared = new M();

        [Differentiable] public double G(double x) => Scale * x * x;

        [Differentiable] public double Implicit(double x) => G(x) + x;

        [Differentiable] public double Explicit(double x) => this.G(x) + x;

        [Differentiable] public double OnStatic(double x) => Shared.G(x) + x;

        [Differentiable] public double OnField(double x) => Peer.G(x) + x;

        [Differentiable] public static double Helper(double x) => x * x;

        [Differentiable] public double StaticFromInstance(double x) => Helper(x) + G(x);
    }
}");
            AssertInlined(run, "S.M.Implicit.g.cs", "G");
            AssertInlined(run, "S.M.Explicit.g.cs", "G");
            AssertCalled(run, "S.M.OnStatic.g.cs", "G");
            AssertCalled(run, "S.M.OnField.g.cs", "G");
            AssertInlined(run, "S.M.StaticFromInstance.g.cs", "Helper");
            AssertInlined(run, "S.M.StaticFromInstance.g.cs", "G");
        }

        [Fact]
        public void NestedCalleesAreInlinedFourLevelsDeep()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable] public static double C1(double x) => C2(x) + x;
        [Differentiable] public static double C2(double x) => C3(x) * 2.0;
        [Differentiable] public static double C3(double x) => C4(x) + x * x;
        [Differentiable] public static double C4(double x) => C5(x) * x;
        [Differentiable] public static double C5(double x) => C6(x) - x;
        [Differentiable] public static double C6(double x) => Math.Sin(x);
    }
}");
            // C1 inlines C2, C3, C4 and C5 (four levels) and calls C6.
            foreach (var inlined in new[] { "C2", "C3", "C4", "C5" })
            {
                AssertInlined(run, "S.T.C1.g.cs", inlined);
            }

            AssertCalled(run, "S.T.C1.g.cs", "C6");
            AssertInlined(run, "S.T.C2.g.cs", "C6");
        }

        [Fact]
        public void OverloadedCalleesAreInlinedByTheirOwnBodies()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable] public static double Sq(double x) => x * x;
        [Differentiable] public static double Sq(double x, double y) => x * y * 3.0;
        [Differentiable] public static double Caller(double x, double y) => Sq(x) + Sq(x, y);
    }
}");
            AssertInlined(run, "S.T.Caller.g.cs", "Sq");
            var source = new LoadedSource("Overloads", "", run, run.Load());
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, source.GetType("S.T"), "Caller"),
                new[] { new object?[] { 0.7, -1.3 }, new object?[] { 1.5, 0.4 } },
                a => new[] { 2 * a[0] + 3 * a[1], 3 * a[0] });
        }

        [Fact]
        public void HessianKindCalleeIsInlinedWithoutReverseTangentCall()
        {
            var run = Run(@"
namespace S
{
    public static partial class T
    {
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Callee(double a, double b) => Math.Sin(a) * b * b;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Caller(double x, double y) => Callee(x * y, x);
    }
}");
            AssertInlined(run, "S.T.Caller.g.cs", "Callee");
            Assert.Contains("CallerReverseTangent(", File(run, "S.T.Caller.g.cs"));
        }
    }

    /// <summary>
    /// Incrementality of inlining: the driver run twice with an edit in between (as in <see cref="CachingTests"/>). An edit
    /// of only the callee's body, in another file of the same partial type, regenerates the caller that inlined it (no
    /// stale copy), and the new caller's gradient follows the new callee; an edit that makes the callee non-inlinable
    /// turns the inlined body back into a call. An unrelated edit reruns nothing.
    /// </summary>
    public sealed class InliningIncrementalTests
    {
        private static readonly string[] StepNames =
            { "DifferentiableMethods", "CustomDerivatives", "BoundMethods", "InlinableMethods", "InlinedMethods", "BlockedMethods" };

        private const string CalleeFile = @"using System;
using GradGen;

namespace Incremental
{
    public static partial class Lib
    {
        [Differentiable]
        public static double Callee(double x) => x * x;
    }
}
";

        private const string CallerFile = @"using System;
using GradGen;

namespace Incremental
{
    public static partial class Lib
    {
        // 3·Callee(x) + x
        [Differentiable]
        public static double Caller(double x) => Callee(x) * 3.0 + x;

        // Caller(2x) − x = 3·Callee(2x) + x: Callee two levels down
        [Differentiable]
        public static double Top(double x) => Caller(x * 2.0) - x;
    }
}
";

        private const string SoloFile = @"using System;
using GradGen;

namespace Incremental
{
    public static partial class Solo
    {
        [Differentiable]
        public static double Cube(double x) => x * x * x;

        // Lib.Callee from another type: called, not inlined
        [Differentiable]
        public static double UsesLib(double x) => Lib.Callee(x) + x;
    }
}
";

        private const string UnrelatedFile = @"namespace Incremental
{
    public static class Unrelated
    {
        public static int Count() => 1;
    }
}
";

        private const string CallerHint = "Incremental.Lib.Caller.g.cs";

        private const string TopHint = "Incremental.Lib.Top.g.cs";

        private static readonly object?[][] Points = { new object?[] { 0.7 }, new object?[] { -1.3 }, new object?[] { 2.2 } };

        private static DriverSession Start() =>
            new DriverSession(GeneratorHarness.CreateCompilation(new[]
            {
                ("Callee.cs", CalleeFile), ("Caller.cs", CallerFile), ("Solo.cs", SoloFile), ("Unrelated.cs", UnrelatedFile),
            }));

        [Fact]
        public void EditingOnlyTheCalleeRegeneratesTheInlinedCaller()
        {
            var state = Start();
            var first = state.Run();
            var before = first.GeneratedSources[CallerHint];
            var topBefore = first.GeneratedSources[TopHint];
            foreach (var text in new[] { before, topBefore })
            {
                Assert.False(InliningGeneratorTests.CallsGenerated(text, "Callee"), text);
                Assert.DoesNotContain("Math.Sin(", text);
            }

            Assert.False(InliningGeneratorTests.CallsGenerated(topBefore, "Caller"), topBefore);
            CheckCaller(first, "before the edit", "Caller", a => new[] { 6 * a[0] + 1 });
            CheckCaller(first, "before the edit", "Top", a => new[] { 24 * a[0] + 1 });

            // Only the callee's body changes, in its own file: Caller = 3·sin(x)·x + x.
            var second = state.Edit("Callee.cs", CalleeFile.Replace("=> x * x;", "=> Math.Sin(x) * x;"));
            var after = second.GeneratedSources[CallerHint];
            var topAfter = second.GeneratedSources[TopHint];
            Assert.NotEqual(before, after);
            Assert.NotEqual(topBefore, topAfter);
            foreach (var text in new[] { after, topAfter })
            {
                Assert.False(InliningGeneratorTests.CallsGenerated(text, "Callee"), text);
                Assert.Contains("Math.Sin(", text);
            }

            Assert.False(InliningGeneratorTests.CallsGenerated(topAfter, "Caller"), topAfter);
            static double DC(double u) => Math.Sin(u) + u * Math.Cos(u);
            CheckCaller(second, "after the edit", "Caller", a => new[] { 3 * DC(a[0]) + 1 });
            CheckCaller(second, "after the edit", "Top", a => new[] { 6 * DC(2 * a[0]) + 1 });

            var result = second.RunResult.Results[0];
            var report = CachingTests.Report(result);
            Assert.Contains(CachingTests.Outputs(result.TrackedSteps.Where(p => p.Key == "InlinedMethods")),
                o => o.ValueText.Contains("Lib.Caller(") && o.Reason == IncrementalStepRunReason.Modified);
            Assert.True(CachingTests.Outputs(result.TrackedOutputSteps).Any(o => o.Reason == IncrementalStepRunReason.Modified), "No output was redone.\n" + report);

            // Solo.UsesLib calls Callee (another type): its text does not change, though its inputs were recomputed.
            Assert.Equal(first.GeneratedSources["Incremental.Solo.UsesLib.g.cs"], second.GeneratedSources["Incremental.Solo.UsesLib.g.cs"]);
            Assert.True(InliningGeneratorTests.CallsGenerated(second.GeneratedSources["Incremental.Solo.UsesLib.g.cs"], "Callee"));
            Assert.Contains(CachingTests.Outputs(result.TrackedSteps.Where(p => p.Key == "InlinedMethods")),
                o => o.ValueText.Contains("Solo.UsesLib(") && CachingTests.IsCachedOrUnchanged(o.Reason));

            // Solo.Cube is untouched: its output is reused.
            Assert.Equal(first.GeneratedSources["Incremental.Solo.Cube.g.cs"], second.GeneratedSources["Incremental.Solo.Cube.g.cs"]);
            var cube = CachingTests.Outputs(result.TrackedSteps.Where(p => p.Key == "InlinedMethods" || p.Key == "DifferentiableMethods")).Where(o => o.ValueText.Contains("Solo.Cube(")).ToList();
            Assert.True(cube.Count >= 2, "No InlinedMethods / DifferentiableMethods step names Cube.\n" + report);
            foreach (var o in cube)
            {
                Assert.True(CachingTests.IsCachedOrUnchanged(o.Reason), $"Step {o.StepName}[{o.Index}] for Cube ran with reason {o.Reason}, but only Lib.Callee was edited.\n" + report);
            }
        }

        [Fact]
        public void EditingTheCalleeSoItCannotBeInlinedTurnsItBackIntoACall()
        {
            var state = Start();
            var first = state.Run();
            Assert.False(InliningGeneratorTests.CallsGenerated(first.GeneratedSources[CallerHint], "Callee"));

            // Directly recursive now (the recursion is never taken at the test points): a call.
            var recursive = CalleeFile.Replace("=> x * x;", "{ if (x > 100.0) return Callee(x * 0.5); return x * x; }");
            var second = state.Edit("Callee.cs", recursive);
            var called = second.GeneratedSources[CallerHint];
            Assert.True(InliningGeneratorTests.CallsGenerated(called, "Callee"), called);
            CheckCaller(second, "with a recursive callee", "Caller", a => new[] { 6 * a[0] + 1 });

            // And back: inlined again, the text as at first.
            var third = state.Edit("Callee.cs", CalleeFile);
            Assert.Equal(first.GeneratedSources[CallerHint], third.GeneratedSources[CallerHint]);
            CheckCaller(third, "inlined again", "Caller", a => new[] { 6 * a[0] + 1 });
        }

        [Fact]
        public void EditingTheCallerLeavesTheCalleeAsItWas()
        {
            var state = Start();
            var first = state.Run();
            var second = state.Edit("Caller.cs", CallerFile.Replace("Callee(x) * 3.0 + x", "Callee(x) * 4.0 - x"));
            Assert.Equal(first.GeneratedSources["Incremental.Lib.Callee.g.cs"], second.GeneratedSources["Incremental.Lib.Callee.g.cs"]);
            Assert.Equal(first.GeneratedSources["Incremental.Solo.Cube.g.cs"], second.GeneratedSources["Incremental.Solo.Cube.g.cs"]);
            Assert.NotEqual(first.GeneratedSources[CallerHint], second.GeneratedSources[CallerHint]);
            CheckCaller(second, "after editing the caller", "Caller", a => new[] { 8 * a[0] - 1 });
        }

        [Fact]
        public void UnrelatedEditLeavesEveryStepCached()
        {
            var state = Start();
            var first = state.Run();
            var second = state.Edit("Unrelated.cs", UnrelatedFile + "\n// an unrelated comment\n   \n");
            var result = second.RunResult.Results[0];
            var report = CachingTests.Report(result);
            Assert.True(result.TrackedOutputSteps.Count > 0, "The generator registered no tracked outputs.\n" + report);
            foreach (var o in CachingTests.Outputs(result.TrackedOutputSteps))
            {
                Assert.True(CachingTests.IsCachedOrUnchanged(o.Reason), $"Output step {o.StepName}[{o.Index}] ran with reason {o.Reason} after an unrelated edit.\n" + report);
            }

            Assert.True(CachingTests.Outputs(result.TrackedSteps.Where(p => p.Key == "InlinableMethods")).Any(), "No InlinableMethods step.\n" + report);
            Assert.True(CachingTests.Outputs(result.TrackedSteps.Where(p => p.Key == "InlinedMethods")).Count() >= 3, "Fewer InlinedMethods outputs than methods.\n" + report);
            foreach (var o in CachingTests.Outputs(result.TrackedSteps.Where(p => StepNames.Contains(p.Key))))
            {
                Assert.True(CachingTests.IsCachedOrUnchanged(o.Reason), $"Step {o.StepName}[{o.Index}] ran with reason {o.Reason} after an unrelated edit.\n" + report);
            }

            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        /// <summary>Loads the run's output and checks the derivatives of Lib.<paramref name="method"/> against <paramref name="closedForm"/>.</summary>
        private static void CheckCaller(GeneratorRun run, string when, string method, Func<double[], double[]> closedForm)
        {
            var source = new LoadedSource("Incremental (" + when + ")", CallerFile, run, run.Load());
            DerivativeCheck.GradientOfScalars(new DiffFunction(source, source.GetType("Incremental.Lib"), method), Points, closedForm);
        }

        /// <summary>A compilation and the driver that has run on it; each edit replaces one file and runs the driver again.</summary>
        private sealed class DriverSession
        {
            private Compilation _compilation;
            private GeneratorDriver _driver = GeneratorHarness.CreateDriver();

            public DriverSession(Compilation compilation)
            {
                _compilation = compilation;
            }

            public GeneratorRun Run()
            {
                _driver = _driver.RunGeneratorsAndUpdateCompilation(_compilation, out var output, out var diagnostics);
                var run = new GeneratorRun(_compilation, output, diagnostics, _driver, _driver.GetRunResult());
                run.AssertGeneratorDidNotThrow();
                return run;
            }

            public GeneratorRun Edit(string path, string text)
            {
                var tree = _compilation.SyntaxTrees.Single(t => t.FilePath == path);
                _compilation = _compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text, Encoding.UTF8)));
                return Run();
            }
        }
    }
}
