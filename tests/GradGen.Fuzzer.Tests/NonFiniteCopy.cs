using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// An instrumented copy of a fuzzed program (namespace <c>FzN_Finite</c>, compiled on its own without the
    /// generator, only when the checker needs it) in which every arithmetic result, every <c>Math</c>/<c>MathF</c>
    /// call and its arguments, every cast to a real type and every variable after a compound assignment or ++/-- goes
    /// through <c>FzN.FuzzFinite.C</c>, which records a value that is not finite. The checker asks it whether the
    /// program as written computes ±∞ or NaN in an intermediate at a point (an overflow whose result a Math.Max or a
    /// branch then discards): there the chain rule multiplies a zero adjoint by an infinite partial, and reverse mode
    /// gives NaN as every reverse-mode tool does (JAX/PyTorch/TensorFlow's where; Enzyme only with its opt-in strong
    /// zero), while forward mode, which selects tangents, may not.
    /// </summary>
    internal static class NonFiniteCopy
    {
        public static string Namespace(FuzzProgram p) => p.Namespace + "_Finite";

        /// <summary>The recorder, emitted into the namespace of the copy's harness.</summary>
        public const string Recorder =
            "    public static class FuzzFinite\n" +
            "    {\n" +
            "        [ThreadStatic] public static bool Seen;\n" +
            "        public static double C(double v) { if (!double.IsFinite(v)) Seen = true; return v; }\n" +
            "        public static float C(float v) { if (!float.IsFinite(v)) Seen = true; return v; }\n" +
            "        public static int C(int v) => v;\n" +
            "        public static long C(long v) => v;\n" +
            "    }\n";

        public static string Emit(FuzzProgram p)
        {
            var root = CSharpSyntaxTree.ParseText(p.Source).GetRoot();
            var rewritten = new Rewriter("global::" + p.Namespace + ".FuzzFinite.C").Visit(root)!;
            var ns = rewritten.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().First();
            return rewritten.ReplaceNode(ns, ns.WithName(SyntaxFactory.ParseName(Namespace(p)))).NormalizeWhitespace().ToFullString();
        }

        /// <summary>
        /// Compiles the copy and its harness (no generator: the program compiles on its own) into a collectible
        /// context, on demand (only a program with a non-finite derivative needs it); null (and why) if that fails.
        /// The delegate returns true when the program as written computes a non-finite value at the point.
        /// </summary>
        public static Func<double[], bool>? Load(FuzzProgram p, out string error)
        {
            error = "";
            try
            {
                var trees = new[]
                {
                    CSharpSyntaxTree.ParseText(Emit(p), GeneratorHarness.ParseOptions, p.Namespace + ".Finite.cs"),
                    CSharpSyntaxTree.ParseText(HarnessEmitter.EmitNonFiniteProbe(p), GeneratorHarness.ParseOptions, p.Namespace + ".FiniteHarness.cs"),
                };
                var compilation = CSharpCompilation.Create("DiffFuzzFinite_" + Guid.NewGuid().ToString("N"), trees, GeneratorHarness.References,
                    GeneratorHarness.CompilationOptions.WithNullableContextOptions(NullableContextOptions.Disable).WithOptimizationLevel(OptimizationLevel.Debug));
                using var stream = new MemoryStream();
                var emit = compilation.Emit(stream);
                if (!emit.Success)
                {
                    error = "the instrumented copy does not compile: " + emit.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
                    return null;
                }

                stream.Position = 0;
                var assembly = new AssemblyLoadContext("DiffFuzzFinite", isCollectible: true).LoadFromStream(stream);
                var method = assembly.GetType(p.Namespace + ".FuzzFiniteHarness", throwOnError: true)!.GetMethod("PrimalNonFinite", BindingFlags.Public | BindingFlags.Static)!;
                var call = (Func<double[], double>)Delegate.CreateDelegate(typeof(Func<double[], double>), method);
                return x =>
                {
                    try
                    {
                        return call(x) != 0;
                    }
                    catch (Exception)
                    {
                        return false;
                    }
                };
            }
            catch (Exception ex)
            {
                error = "the instrumented copy failed: " + ex.Message;
                return null;
            }
        }

        private sealed class Rewriter : CSharpSyntaxRewriter
        {
            private readonly string _check;

            public Rewriter(string check)
            {
                _check = check;
            }

            private ExpressionSyntax Wrap(ExpressionSyntax e) =>
                SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(_check),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(e.WithoutTrivia()))));

            public override SyntaxNode? VisitAttributeList(AttributeListSyntax node) => node; // constants only

            public override SyntaxNode? VisitBinaryExpression(BinaryExpressionSyntax node)
            {
                var visited = (BinaryExpressionSyntax)base.VisitBinaryExpression(node)!;
                return node.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
                    or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression
                    ? Wrap(SyntaxFactory.ParenthesizedExpression(visited))
                    : visited;
            }

            public override SyntaxNode? VisitCastExpression(CastExpressionSyntax node)
            {
                var visited = (CastExpressionSyntax)base.VisitCastExpression(node)!;
                return visited.Type is PredefinedTypeSyntax t && t.Keyword.Kind() is SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword
                    ? Wrap(visited)
                    : visited;
            }

            public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
            {
                var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
                if (node.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Math" or "MathF" } })
                {
                    var args = visited.ArgumentList.Arguments.Select(a => a.RefKindKeyword.IsKind(SyntaxKind.None) ? a.WithExpression(Wrap(a.Expression)) : a);
                    return Wrap(visited.WithArgumentList(visited.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(args))));
                }

                return visited;
            }

            public override SyntaxNode? VisitExpressionStatement(ExpressionStatementSyntax node)
            {
                var visited = (ExpressionStatementSyntax)base.VisitExpressionStatement(node)!;
                ExpressionSyntax? target = node.Expression switch
                {
                    AssignmentExpressionSyntax a when !a.IsKind(SyntaxKind.SimpleAssignmentExpression) => a.Left,
                    PostfixUnaryExpressionSyntax u => u.Operand,
                    PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression) => u.Operand,
                    _ => null,
                };
                if (target is not (IdentifierNameSyntax or ElementAccessExpressionSyntax))
                {
                    return visited;
                }

                // The target's index expressions are pure in fuzzed programs: reading it again is the value just stored.
                return SyntaxFactory.Block(visited.WithoutTrivia(), SyntaxFactory.ExpressionStatement(Wrap(target)));
            }
        }
    }
}
