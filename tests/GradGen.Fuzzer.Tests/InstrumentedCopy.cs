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
    /// <summary>What <see cref="InstrumentedCopy"/> saw the program as written compute at a point.</summary>
    [Flags]
    internal enum PrimalNumerics
    {
        None = 0,

        /// <summary>A value that is not finite (an overflow, NaN) in an intermediate.</summary>
        NonFinite = 1,

        /// <summary>
        /// A sum or difference that equals one of its operands while the other is larger than 1e-10: a term lost whole.
        /// (Terms of 1e-17 lost next to 1.5, exp(−t²) for a large t, are common and change no derivative at the checks'
        /// tolerances; the failures this explains lose terms of order 1 next to 1e20.)
        /// </summary>
        Absorbed = 2,
    }

    /// <summary>
    /// One run of <see cref="InstrumentedCopy"/>: what it saw, and a hash of the branches and kinks it took (every
    /// comparison, every truncation to an integer, the side of every Abs, Min, Max and Clamp). Two points with the
    /// same path are joined by the same smooth formula as far as the program's branches go.
    /// </summary>
    internal readonly record struct PrimalRun(PrimalNumerics Numerics, long Path);

    /// <summary>
    /// An instrumented copy of a fuzzed program (namespace <c>FzN_Finite</c>, compiled on its own without the
    /// generator, only when the checker needs it) in which every arithmetic result, every <c>Math</c>/<c>MathF</c>
    /// call and its arguments, every cast to a real type and every variable after a compound assignment or ++/-- goes
    /// through a recorder (<c>FzN.FuzzFinite</c>), and every sum and difference through one that also compares it with
    /// its operands. The checker asks it what the program as written computes at a point:
    /// <list type="bullet">
    /// <item>±∞ or NaN in an intermediate (an overflow whose result a Math.Max or a branch then discards): there the
    /// chain rule multiplies a zero adjoint by an infinite partial, and reverse mode gives NaN as every reverse-mode
    /// tool does (JAX/PyTorch/TensorFlow's where; Enzyme only with its opt-in strong zero), while forward mode, which
    /// selects tangents, may not;</item>
    /// <item>a term lost whole (t + y == t with |y| > 1e-10): then (t + y) − t is 0 in the program and in forward mode
    /// (whose tangents are rounded the same way) and in FD, while reverse mode, where the adjoints of t cancel exactly,
    /// gets the derivative of the real function.</item>
    /// </list>
    /// </summary>
    internal static class InstrumentedCopy
    {
        public static string Namespace(FuzzProgram p) => p.Namespace + "_Finite";

        /// <summary>
        /// The recorder, emitted into the namespace of the copy's harness; with overloads that pass a Pt through, since
        /// the copy wraps every product (and, where Pt has its operator +, every sum) without knowing its type.
        /// </summary>
        public static string Recorder(FuzzProgram p)
        {
            var point = "global::" + Namespace(p) + ".Pt";
            var overloads = !p.UsesPoint ? string.Empty
                : "        public static " + point + " C(" + point + " v) => v;\n"
                  + (p.PointOperators ? "        public static " + point + " Add(" + point + " a, " + point + " b) => a + b;\n" : string.Empty);
            return RecorderText.Insert(RecorderText.Length - "    }\n".Length, overloads);
        }

        private const string RecorderText =
            "    public static class FuzzFinite\n" +
            "    {\n" +
            "        [ThreadStatic] public static bool Seen;\n" +
            "        public static double C(double v) { if (!double.IsFinite(v)) Seen = true; return v; }\n" +
            "        public static float C(float v) { if (!float.IsFinite(v)) Seen = true; return v; }\n" +
            "        public static int C(int v) => v;\n" +
            "        public static long C(long v) => v;\n" +
            "        [ThreadStatic] public static bool Absorbed;\n" +
            "        static void Lost(double v) { if (Math.Abs(v) > 1e-10) Absorbed = true; }\n" +
            "        public static double Add(double a, double b) { double r = C(a + b); if (r == a) Lost(b); if (r == b) Lost(a); return r; }\n" +
            "        public static double Sub(double a, double b) { double r = C(a - b); if (r == a) Lost(b); if (r == -b) Lost(a); return r; }\n" +
            "        public static float Add(float a, float b) { float r = C(a + b); if (r == a) Lost(b); if (r == b) Lost(a); return r; }\n" +
            "        public static float Sub(float a, float b) { float r = C(a - b); if (r == a) Lost(b); if (r == -b) Lost(a); return r; }\n" +
            "        public static int Add(int a, int b) => a + b;\n" +
            "        public static int Sub(int a, int b) => a - b;\n" +
            "        public static long Add(long a, long b) => a + b;\n" +
            "        public static long Sub(long a, long b) => a - b;\n" +
            "        [ThreadStatic] public static long Path;\n" +
            "        static void Took(long v) => Path = unchecked(Path * 1099511628211L ^ v);\n" +
            "        public static bool B(bool b) { Took(b ? 1 : 2); return b; }\n" +
            "        public static int I(int v) { Took(v); return v; }\n" +
            "        public static long I(long v) { Took(v); return v; }\n" +
            "        public static double Abs(double v) { B(v < 0); return Math.Abs(v); }\n" +
            "        public static float Abs(float v) { B(v < 0); return Math.Abs(v); }\n" +
            "        public static int Abs(int v) => Math.Abs(v);\n" +
            "        public static double Min(double a, double b) { B(a <= b); return Math.Min(a, b); }\n" +
            "        public static float Min(float a, float b) { B(a <= b); return Math.Min(a, b); }\n" +
            "        public static int Min(int a, int b) => Math.Min(a, b);\n" +
            "        public static double Max(double a, double b) { B(a >= b); return Math.Max(a, b); }\n" +
            "        public static float Max(float a, float b) { B(a >= b); return Math.Max(a, b); }\n" +
            "        public static int Max(int a, int b) => Math.Max(a, b);\n" +
            "        public static double Clamp(double v, double lo, double hi) { B(v < lo); B(v > hi); return Math.Clamp(v, lo, hi); }\n" +
            "        public static float Clamp(float v, float lo, float hi) { B(v < lo); B(v > hi); return Math.Clamp(v, lo, hi); }\n" +
            "        public static int Clamp(int v, int lo, int hi) => Math.Clamp(v, lo, hi);\n" +
            "        public static double Mod(double a, double b) { Took((long)Math.Truncate(a / b)); return C(a % b); }\n" +
            "        public static float Mod(float a, float b) { Took((long)MathF.Truncate(a / b)); return C(a % b); }\n" +
            "        public static int Mod(int a, int b) => a % b;\n" +
            "        public static long Mod(long a, long b) => a % b;\n" +
            "        public static T Mod<T>(T a, T b) where T : global::System.Numerics.INumber<T> => C(a % b);\n" +
            // System.Numerics values and generic math's T pass through (T's values are checked, its sums are not compared).
            "        public static global::System.Numerics.Vector2 C(global::System.Numerics.Vector2 v) { if (!float.IsFinite(v.X) || !float.IsFinite(v.Y)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Vector3 C(global::System.Numerics.Vector3 v) { if (!float.IsFinite(v.X) || !float.IsFinite(v.Y) || !float.IsFinite(v.Z)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Complex C(global::System.Numerics.Complex v) { if (!double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Vector2 Add(global::System.Numerics.Vector2 a, global::System.Numerics.Vector2 b) => C(a + b);\n" +
            "        public static global::System.Numerics.Vector2 Sub(global::System.Numerics.Vector2 a, global::System.Numerics.Vector2 b) => C(a - b);\n" +
            "        public static global::System.Numerics.Vector3 Add(global::System.Numerics.Vector3 a, global::System.Numerics.Vector3 b) => C(a + b);\n" +
            "        public static global::System.Numerics.Vector3 Sub(global::System.Numerics.Vector3 a, global::System.Numerics.Vector3 b) => C(a - b);\n" +
            "        public static global::System.Numerics.Complex Add(global::System.Numerics.Complex a, global::System.Numerics.Complex b) => C(a + b);\n" +
            "        public static global::System.Numerics.Complex Sub(global::System.Numerics.Complex a, global::System.Numerics.Complex b) => C(a - b);\n" +
            "        public static global::System.Numerics.Vector4 C(global::System.Numerics.Vector4 v) { if (!float.IsFinite(v.X) || !float.IsFinite(v.Y) || !float.IsFinite(v.Z) || !float.IsFinite(v.W)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Vector4 Add(global::System.Numerics.Vector4 a, global::System.Numerics.Vector4 b) => C(a + b);\n" +
            "        public static global::System.Numerics.Vector4 Sub(global::System.Numerics.Vector4 a, global::System.Numerics.Vector4 b) => C(a - b);\n" +
            "        public static global::System.Numerics.Quaternion C(global::System.Numerics.Quaternion v) { if (!float.IsFinite(v.X) || !float.IsFinite(v.Y) || !float.IsFinite(v.Z) || !float.IsFinite(v.W)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Quaternion Add(global::System.Numerics.Quaternion a, global::System.Numerics.Quaternion b) => C(a + b);\n" +
            "        public static global::System.Numerics.Quaternion Sub(global::System.Numerics.Quaternion a, global::System.Numerics.Quaternion b) => C(a - b);\n" +
            "        public static global::System.Numerics.Plane C(global::System.Numerics.Plane v) { if (!float.IsFinite(v.Normal.X) || !float.IsFinite(v.Normal.Y) || !float.IsFinite(v.Normal.Z) || !float.IsFinite(v.D)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Matrix4x4 C(global::System.Numerics.Matrix4x4 v) { if (!float.IsFinite(v.M11) || !float.IsFinite(v.M12) || !float.IsFinite(v.M13) || !float.IsFinite(v.M14) || !float.IsFinite(v.M21) || !float.IsFinite(v.M22) || !float.IsFinite(v.M23) || !float.IsFinite(v.M24) || !float.IsFinite(v.M31) || !float.IsFinite(v.M32) || !float.IsFinite(v.M33) || !float.IsFinite(v.M34) || !float.IsFinite(v.M41) || !float.IsFinite(v.M42) || !float.IsFinite(v.M43) || !float.IsFinite(v.M44)) Seen = true; return v; }\n" +
            "        public static global::System.Numerics.Matrix4x4 Add(global::System.Numerics.Matrix4x4 a, global::System.Numerics.Matrix4x4 b) => C(a + b);\n" +
            "        public static global::System.Numerics.Matrix4x4 Sub(global::System.Numerics.Matrix4x4 a, global::System.Numerics.Matrix4x4 b) => C(a - b);\n" +
            "        public static T C<T>(T v) where T : global::System.Numerics.INumberBase<T> { if (!T.IsFinite(v)) Seen = true; return v; }\n" +
            "        public static T Add<T>(T a, T b) where T : global::System.Numerics.INumberBase<T> => C(a + b);\n" +
            "        public static T Sub<T>(T a, T b) where T : global::System.Numerics.INumberBase<T> => C(a - b);\n" +
            "    }\n";

        public static string Emit(FuzzProgram p)
        {
            var root = CSharpSyntaxTree.ParseText(p.Source).GetRoot();
            var rewritten = new Rewriter("global::" + p.Namespace + ".FuzzFinite").Visit(root)!;
            var ns = rewritten.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().First();
            return rewritten.ReplaceNode(ns, ns.WithName(SyntaxFactory.ParseName(Namespace(p)))).NormalizeWhitespace().ToFullString();
        }

        /// <summary>
        /// Compiles the copy and its harness (no generator: the program compiles on its own) into a collectible
        /// context, on demand (only a program whose check needs an excuse needs it); null (and why) if that fails.
        /// </summary>
        public static Func<double[], PrimalRun>? Load(FuzzProgram p, out string error)
        {
            error = "";
            try
            {
                var trees = new[]
                {
                    CSharpSyntaxTree.ParseText(Emit(p), GeneratorHarness.ParseOptions, p.Namespace + ".Finite.cs"),
                    CSharpSyntaxTree.ParseText(HarnessEmitter.EmitPrimalProbe(p), GeneratorHarness.ParseOptions, p.Namespace + ".FiniteHarness.cs"),
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
                var method = assembly.GetType(p.Namespace + ".FuzzFiniteHarness", throwOnError: true)!.GetMethod("PrimalProbe", BindingFlags.Public | BindingFlags.Static)!;
                var call = (Func<double[], long[], double>)Delegate.CreateDelegate(typeof(Func<double[], long[], double>), method);
                return x =>
                {
                    var path = new long[1];
                    try
                    {
                        return new PrimalRun((PrimalNumerics)(int)call(x, path), path[0]);
                    }
                    catch (Exception ex)
                    {
                        return new PrimalRun(PrimalNumerics.None, ex.GetType().GetHashCode());
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
            private readonly string _recorder;

            public Rewriter(string recorder)
            {
                _recorder = recorder;
            }

            private ExpressionSyntax Wrap(ExpressionSyntax e) => Record("C", e);

            public override SyntaxNode? VisitAttributeList(AttributeListSyntax node) => node; // constants only

            private ExpressionSyntax Record(string name, ExpressionSyntax e) =>
                SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(_recorder + "." + name),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(e.WithoutTrivia()))));

            private ExpressionSyntax Call(string name, ExpressionSyntax a, ExpressionSyntax b) =>
                SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(_recorder + "." + name),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { SyntaxFactory.Argument(a.WithoutTrivia()), SyntaxFactory.Argument(b.WithoutTrivia()) })));

            public override SyntaxNode? VisitAssignmentExpression(AssignmentExpressionSyntax node)
            {
                var visited = (AssignmentExpressionSyntax)base.VisitAssignmentExpression(node)!;
                if (node.Kind() is SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression
                    && node.Left is IdentifierNameSyntax or ElementAccessExpressionSyntax)
                {
                    // a op= b is a = a op b: the types of fuzzed programs need no conversion; an index is read twice, and pure.
                    return SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, node.Left.WithoutTrivia(),
                        Call(node.IsKind(SyntaxKind.AddAssignmentExpression) ? "Add" : "Sub", node.Left, visited.Right));
                }

                return visited;
            }

            /// <summary>A string concatenation (an exception's message): no number to record.</summary>
            private static bool IsText(BinaryExpressionSyntax node) =>
                node.DescendantNodesAndSelf().Any(n => n is InterpolatedStringExpressionSyntax || n is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression))
                || node.Ancestors().Any(a => a is ThrowStatementSyntax or ThrowExpressionSyntax);

            public override SyntaxNode? VisitBinaryExpression(BinaryExpressionSyntax node)
            {
                var visited = (BinaryExpressionSyntax)base.VisitBinaryExpression(node)!;
                if (node.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression && !IsText(node))
                {
                    return Call(node.IsKind(SyntaxKind.AddExpression) ? "Add" : "Sub", visited.Left, visited.Right);
                }

                return node.Kind() switch
                {
                    SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression => Wrap(SyntaxFactory.ParenthesizedExpression(visited)),
                    SyntaxKind.ModuloExpression => Call("Mod", visited.Left, visited.Right), // a real %'s jumps are on the path
                    SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression
                        or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression => Record("B", visited),
                    _ => visited,
                };
            }

            public override SyntaxNode? VisitCastExpression(CastExpressionSyntax node)
            {
                var visited = (CastExpressionSyntax)base.VisitCastExpression(node)!;
                return visited.Type is PredefinedTypeSyntax t
                    ? t.Keyword.Kind() switch
                    {
                        SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword => Wrap(visited),
                        SyntaxKind.IntKeyword or SyntaxKind.LongKeyword => Record("I", visited), // a truncation: piecewise constant
                        _ => visited,
                    }
                    : visited;
            }

            public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
            {
                var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
                if (node.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Math" or "MathF" } } math)
                {
                    var args = visited.ArgumentList.Arguments.Select(a => a.RefKindKeyword.IsKind(SyntaxKind.None) ? a.WithExpression(Wrap(a.Expression)) : a);
                    // The kinks go through the recorder's versions, which record the side taken.
                    var callee = math.Name.Identifier.Text is "Abs" or "Min" or "Max" or "Clamp"
                        ? SyntaxFactory.ParseExpression(_recorder + "." + math.Name.Identifier.Text)
                        : visited.Expression;
                    return Wrap(visited.WithExpression(callee).WithArgumentList(visited.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(args))));
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
