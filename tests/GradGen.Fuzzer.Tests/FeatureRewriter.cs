using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// Rewrites a finished program (bound without the generator, so every rewrite knows the types) into one with a
    /// differentiable type the program generator does not write itself, drawing only from the fifth RNG stream:
    /// <list type="bullet">
    /// <item><see cref="Feature.Generic"/>: the entry and all callees, or a prefix of the callees (which call only earlier
    /// ones) called from double code as <c>G&lt;double&gt;(...)</c>, become generic over <c>T</c>: <c>double</c> and
    /// <c>float</c> become <c>T</c>, real literals <c>T.CreateTruncating(c)</c> (or Checked, Saturating, T.One),
    /// <c>Math.F</c> and <c>MathF.F</c> <c>T.F</c> (some written in double: <c>T.CreateChecked(Math.F(double.CreateChecked(t)))</c>),
    /// casts to int <c>(int)double.CreateTruncating(t)</c>, stackalloc spans arrays; the constraint is
    /// <c>IFloatingPointIeee754&lt;T&gt;</c> or the narrowest list of interfaces its calls need (with its callees').
    /// Programs with Pt stay as they were, and an entry with a matrix stays double.</item>
    /// <item><see cref="Feature.Model"/>: scalar parameters the entry only reads and a double[] parameter become the
    /// fields A, the property B and the array W of a class <c>Prm</c> passed as one parameter, and maybe the int n its
    /// int N (not in Hessian programs: a class has no flat index, GG0012).</item>
    /// </list>
    /// A program the rewrite does not apply to is left exactly as it was.
    /// </summary>
    internal static class FeatureRewriter
    {
        public const string ModelClass = "    public sealed class Prm { public double A; public double B { get; set; } public double[] W; public int N = 2; }";

        public static void Apply(FuzzProgram p, Feature feature, Random rng)
        {
            var tree = CSharpSyntaxTree.ParseText(p.Source, GeneratorHarness.ParseOptions);
            var compilation = CSharpCompilation.Create("Rewrite", new[] { tree }, GeneratorHarness.References,
                GeneratorHarness.CompilationOptions.WithNullableContextOptions(NullableContextOptions.Disable));
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            if (feature == Feature.Generic)
            {
                Generic(p, root, model, rng);
            }
            else
            {
                Model(p, root, model, rng);
            }
        }

        // ------------------------------------------------------------------------------------------------------------
        // Generic math

        private static void Generic(FuzzProgram p, SyntaxNode root, SemanticModel model, Random rng)
        {
            if (p.UsesPoint)
            {
                return;
            }

            var methods = root.DescendantNodes().OfType<MethodDeclarationSyntax>().ToList();
            var callees = methods.Where(m => m.Identifier.Text != "F").OrderBy(m => Order(m.Identifier.Text)).ToList();
            bool entryCan = !p.Params.Any(q => q.Kind == ParamKind.Matrix);
            bool entryGeneric = entryCan && (callees.Count == 0 || rng.NextDouble() < 0.5);
            int cut = entryGeneric ? callees.Count : callees.Count == 0 ? 0 : 1 + rng.Next(callees.Count);
            if (!entryGeneric && cut == 0)
            {
                return;
            }

            var generic = new HashSet<string>(callees.Take(cut).Select(m => m.Identifier.Text));
            if (entryGeneric)
            {
                generic.Add("F");
            }

            // The constraint of each generic method: full, or the interfaces its own calls need and its callees' constraints.
            var own = new Dictionary<string, SortedSet<string>>();
            var calls = new Dictionary<string, HashSet<string>>();
            foreach (var m in methods.Where(m => generic.Contains(m.Identifier.Text)))
            {
                var needs = new SortedSet<string>(StringComparer.Ordinal);
                if (rng.NextDouble() < 0.5)
                {
                    needs.Add("IFloatingPointIeee754<T>");
                }

                foreach (var inv in m.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (inv.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Math" or "MathF" } } ma)
                    {
                        foreach (var need in Needs(ma.Name.Identifier.Text))
                        {
                            needs.Add(need);
                        }
                    }
                }

                own[m.Identifier.Text] = needs;
                calls[m.Identifier.Text] = new HashSet<string>(m.DescendantNodes().OfType<InvocationExpressionSyntax>()
                    .Select(inv => model.GetSymbolInfo(inv).Symbol?.Name ?? "").Where(n => generic.Contains(n) && n != m.Identifier.Text));
            }

            for (bool changed = true; changed;)
            {
                changed = false;
                foreach (var (name, needs) in own)
                {
                    foreach (var callee in calls[name])
                    {
                        foreach (var need in own[callee].ToList())
                        {
                            changed |= needs.Add(need);
                        }
                    }
                }
            }

            var constraints = own.ToDictionary(kv => kv.Key, kv => kv.Value.Contains("IFloatingPointIeee754<T>")
                ? "IFloatingPointIeee754<T>"
                : string.Join(", ", new[] { "IFloatingPoint<T>" }.Concat(kv.Value)));
            var rewritten = new GenericRewriter(model, generic, constraints, rng).Visit(root)!.ToFullString();
            rewritten = rewritten.Replace("using System;" + Environment.NewLine, "using System;" + Environment.NewLine + "using System.Numerics;" + Environment.NewLine);
            p.Source = rewritten;
            p.Feature = Feature.Generic;
            if (entryGeneric)
            {
                p.GenericEntry = true;
                p.ReturnsFloat = false;
                foreach (var q in p.Params.Where(q => q.Kind == ParamKind.Float))
                {
                    q.Kind = ParamKind.Double;
                }

                p.SingleCheck = rng.NextDouble() < 0.5;
            }

            // Floats may remain in double callees only.
            p.UsesFloat = System.Text.RegularExpressions.Regex.IsMatch(rewritten, @"\bfloat\b|MathF|\d+f\b");
        }

        /// <summary>"H3" -> 3: callees are numbered in the order they were generated (each calls only earlier ones).</summary>
        private static int Order(string name) => int.TryParse(name.Substring(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : int.MaxValue;

        /// <summary>The interfaces T.F and its derivative rule need (IFloatingPoint&lt;T&gt; gives arithmetic, comparisons, Abs/Min/Max/Clamp).</summary>
        private static IEnumerable<string> Needs(string function) => function switch
        {
            "Sin" or "Cos" or "Tan" or "Atan" => new[] { "ITrigonometricFunctions<T>" },
            "Asin" or "Acos" => new[] { "ITrigonometricFunctions<T>", "IRootFunctions<T>" },
            "Sinh" or "Cosh" or "Tanh" => new[] { "IHyperbolicFunctions<T>" },
            "Exp" => new[] { "IExponentialFunctions<T>" },
            "Log" or "Log2" or "Log10" => new[] { "ILogarithmicFunctions<T>" },
            "Pow" => new[] { "IPowerFunctions<T>", "ILogarithmicFunctions<T>" },
            "Sqrt" or "Cbrt" => new[] { "IRootFunctions<T>" },
            "Abs" or "Min" or "Max" or "Clamp" => Array.Empty<string>(),
            _ => new[] { "IFloatingPointIeee754<T>" }, // Atan2, FusedMultiplyAdd
        };

        private sealed class GenericRewriter : CSharpSyntaxRewriter
        {
            private readonly SemanticModel _model;
            private readonly HashSet<string> _generic;
            private readonly Dictionary<string, string> _constraints;
            private readonly Random _rng;
            private bool _inGeneric;

            public GenericRewriter(SemanticModel model, HashSet<string> generic, Dictionary<string, string> constraints, Random rng)
            {
                _model = model;
                _generic = generic;
                _constraints = constraints;
                _rng = rng;
            }

            private static ExpressionSyntax Parse(string text) => SyntaxFactory.ParseExpression(text);

            private static bool IsReal(ITypeSymbol? t) => t?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

            private static bool IsInt(ITypeSymbol? t) => t?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

            public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
            {
                var name = node.Identifier.Text;
                _inGeneric = _generic.Contains(name);
                var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
                if (_inGeneric)
                {
                    // Known limitation (found by this fuzzer): assigning to a parameter of type T is GG0005 ("assigning
                    // to this target"), where a double parameter is a local: a written T parameter is renamed and copied
                    // into a local of its name first. (A rejection costs its batch a rerun program by program.)
                    var written = node.ParameterList.Parameters.Where(x => x.Type is PredefinedTypeSyntax or TupleTypeSyntax
                            && node.Body!.DescendantNodes().OfType<IdentifierNameSyntax>().Any(id => id.Identifier.Text == x.Identifier.Text
                                && (IsWrite(id) || id.Parent is MemberAccessExpressionSyntax ma && ma.Expression == id && IsWrite(ma))))
                        .Select(x => x.Identifier.Text).ToList();
                    if (written.Count > 0)
                    {
                        visited = visited.WithParameterList(visited.ParameterList.WithParameters(SyntaxFactory.SeparatedList(
                                visited.ParameterList.Parameters.Select(x => written.Contains(x.Identifier.Text) ? x.WithIdentifier(SyntaxFactory.Identifier(x.Identifier.Text + "In")) : x),
                                visited.ParameterList.Parameters.GetSeparators())))
                            .WithBody(visited.Body!.WithStatements(visited.Body.Statements.InsertRange(0,
                                written.Select(w => SyntaxFactory.ParseStatement("var " + w + " = " + w + "In;").WithLeadingTrivia(visited.Body.Statements[0].GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.EndOfLine(Environment.NewLine))))));
                    }

                    visited = visited.WithTypeParameterList(SyntaxFactory.TypeParameterList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.TypeParameter("T"))))
                        .WithParameterList(visited.ParameterList.WithTrailingTrivia(SyntaxFactory.Space))
                        .WithConstraintClauses(SyntaxFactory.SingletonList(SyntaxFactory.TypeParameterConstraintClause(SyntaxFactory.IdentifierName("T"),
                            SyntaxFactory.SeparatedList<TypeParameterConstraintSyntax>(_constraints[name].Split(", ").Select(c => SyntaxFactory.TypeConstraint(SyntaxFactory.ParseTypeName(c)))))
                            .NormalizeWhitespace().WithTrailingTrivia(node.ParameterList.GetTrailingTrivia())));
                }

                _inGeneric = false;
                return visited;
            }

            public override SyntaxNode? VisitPredefinedType(PredefinedTypeSyntax node) =>
                _inGeneric && node.Keyword.Kind() is SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword
                    ? SyntaxFactory.IdentifierName("T").WithTriviaFrom(node)
                    : base.VisitPredefinedType(node);

            /// <summary>A real constant in T: T.CreateTruncating (or Checked, Saturating), T.One for 1.</summary>
            private ExpressionSyntax Constant(double value)
            {
                if (value == 1 && _rng.NextDouble() < 0.5)
                {
                    return Parse("T.One");
                }

                if (value == 0)
                {
                    return Parse("T.Zero");
                }

                string how = _rng.Next(4) switch { 0 => "CreateChecked", 1 => "CreateSaturating", _ => "CreateTruncating" };
                return Parse("T." + how + "(" + value.ToString("R", CultureInfo.InvariantCulture) + (value == Math.Floor(value) ? ".0" : "") + ")");
            }

            public override SyntaxNode? VisitLiteralExpression(LiteralExpressionSyntax node)
            {
                if (_inGeneric && node.IsKind(SyntaxKind.NumericLiteralExpression) && IsReal(_model.GetTypeInfo(node).ConvertedType))
                {
                    return Constant(Convert.ToDouble(node.Token.Value, CultureInfo.InvariantCulture)).WithTriviaFrom(node);
                }

                return base.VisitLiteralExpression(node);
            }

            public override SyntaxNode? VisitCastExpression(CastExpressionSyntax node)
            {
                if (!_inGeneric || node.Type is not PredefinedTypeSyntax target)
                {
                    return base.VisitCastExpression(node);
                }

                var operandType = _model.GetTypeInfo(node.Expression).Type;
                var operand = (ExpressionSyntax)Visit(node.Expression)!;
                switch (target.Keyword.Kind())
                {
                    case SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword when IsInt(operandType):
                        return Parse("T.CreateTruncating(" + operand.WithoutTrivia().ToFullString() + ")").WithTriviaFrom(node);
                    case SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword:
                        return SyntaxFactory.ParenthesizedExpression(operand.WithoutTrivia()).WithTriviaFrom(node);
                    case SyntaxKind.IntKeyword when IsReal(operandType):
                        return Parse("(int)double.CreateTruncating(" + operand.WithoutTrivia().ToFullString() + ")").WithTriviaFrom(node);
                    default:
                        return node.WithExpression(operand);
                }
            }

            public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
            {
                // The instance's double field K, read in generic code.
                if (_inGeneric && !(node.Parent is MemberAccessExpressionSyntax ma && ma.Name == node))
                {
                    if (_model.GetSymbolInfo(node).Symbol is IFieldSymbol or IPropertySymbol && IsReal(_model.GetTypeInfo(node).Type))
                    {
                        return Parse("T.CreateTruncating(" + node.Identifier.Text + ")").WithTriviaFrom(node);
                    }
                }

                return base.VisitIdentifierName(node);
            }

            public override SyntaxNode? VisitMemberAccessExpression(MemberAccessExpressionSyntax node)
            {
                // this.P, read in generic code.
                if (_inGeneric && node.Expression is ThisExpressionSyntax && node.Parent is not InvocationExpressionSyntax
                    && _model.GetSymbolInfo(node).Symbol is IFieldSymbol or IPropertySymbol && IsReal(_model.GetTypeInfo(node).Type))
                {
                    return Parse("T.CreateTruncating(" + node.WithoutTrivia().ToFullString() + ")").WithTriviaFrom(node);
                }

                return base.VisitMemberAccessExpression(node);
            }

            public override SyntaxNode? VisitLocalDeclarationStatement(LocalDeclarationStatementSyntax node)
            {
                // Span<double> sp = stackalloc double[n]: C# puts no T on the stack; a T[] serves the same reads and writes.
                if (_inGeneric && node.Declaration.Variables is [{ Initializer.Value: StackAllocArrayCreationExpressionSyntax alloc } v]
                    && alloc.Type is ArrayTypeSyntax { RankSpecifiers: [{ Sizes: [var size] }] })
                {
                    return SyntaxFactory.ParseStatement("T[] " + v.Identifier.Text + " = new T[" + size + "];").WithTriviaFrom(node);
                }

                return base.VisitLocalDeclarationStatement(node);
            }

            public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
            {
                var symbol = _model.GetSymbolInfo(node).Symbol as IMethodSymbol;
                if (_inGeneric && symbol != null && symbol.ContainingType.Name is "Math" or "MathF" && symbol.ContainingNamespace.Name == "System" && IsReal(symbol.ReturnType)
                    && node.Expression is MemberAccessExpressionSyntax math)
                {
                    var args = node.ArgumentList.Arguments.Select(a => ((ExpressionSyntax)Visit(a.Expression)!).WithoutTrivia().ToFullString()).ToList();
                    string f = math.Name.Identifier.Text;
                    if (_rng.NextDouble() < 0.1)
                    {
                        // Double code inside generic code: the conversions carry the derivative.
                        return Parse("T.CreateChecked(Math." + f + "(" + string.Join(", ", args.Select(a => "double.CreateChecked(" + a + ")")) + "))").WithTriviaFrom(node);
                    }

                    return Parse("T." + f + "(" + string.Join(", ", args) + ")").WithTriviaFrom(node);
                }

                if (symbol != null && _generic.Contains(symbol.Name) && symbol.ContainingType.Name is "Main" or "Other")
                {
                    var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
                    string? typeArg = _inGeneric ? (_rng.NextDouble() < 0.5 ? "T" : null) : "double";
                    if (typeArg == null)
                    {
                        return visited;
                    }

                    var name = SyntaxFactory.GenericName(SyntaxFactory.Identifier(symbol.Name), SyntaxFactory.TypeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.ParseTypeName(typeArg))));
                    return visited.Expression switch
                    {
                        IdentifierNameSyntax id => visited.WithExpression(name.WithTriviaFrom(id)),
                        MemberAccessExpressionSyntax ma => visited.WithExpression(ma.WithName(name)),
                        _ => visited,
                    };
                }

                return base.VisitInvocationExpression(node);
            }
        }

        // ------------------------------------------------------------------------------------------------------------
        // A class of model parameters

        private static void Model(FuzzProgram p, SyntaxNode root, SemanticModel model, Random rng)
        {
            if (p.Higher)
            {
                return;
            }

            var entry = root.DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == "F");
            var parameters = entry.ParameterList.Parameters.Select(x => model.GetDeclaredSymbol(x)!).ToList();
            var reads = entry.Body!.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Select(id => (Id: id, Symbol: model.GetSymbolInfo(id).Symbol as IParameterSymbol)).Where(t => t.Symbol != null).ToList();
            bool Written(IParameterSymbol s) => reads.Any(t => SymbolEqualityComparer.Default.Equals(t.Symbol, s) && IsWrite(t.Id));

            var scalars = p.Params.Where(q => q.Kind == ParamKind.Double && !Written(parameters.First(s => s.Name == q.Name))).ToList();
            var arrays = p.Params.Where(q => q.Kind == ParamKind.Array).ToList();
            var map = new Dictionary<string, string>();
            ParamSpec? a = null, b = null, w = null;
            if (scalars.Count > 0 && rng.NextDouble() < 0.7)
            {
                a = scalars[rng.Next(scalars.Count)];
                map[a.Name] = "prm.A";
            }

            var rest = scalars.Where(q => q != a).ToList();
            if (rest.Count > 0 && rng.NextDouble() < 0.5)
            {
                b = rest[rng.Next(rest.Count)];
                map[b.Name] = "prm.B";
            }

            if (arrays.Count > 0 && (map.Count == 0 || rng.NextDouble() < 0.8))
            {
                w = arrays[0];
                map[w.Name] = "prm.W";
            }

            if (map.Count == 0)
            {
                return;
            }

            // The int n, where there is one, in half of them becomes the class's int N, read as it is.
            var count = p.Params.FirstOrDefault(q => q.Kind == ParamKind.Int && q.Name == "n");
            if (count != null && rng.NextDouble() < 0.5)
            {
                map[count.Name] = "prm.N";
            }

            // The references, then the signature: Prm prm where the first of them was.
            var targets = reads.Where(t => map.ContainsKey(t.Symbol!.Name) && parameters.Contains(t.Symbol!, SymbolEqualityComparer.Default)).Select(t => t.Id).ToList();
            var newEntry = entry.ReplaceNodes(targets, (old, _) => SyntaxFactory.ParseExpression(map[old.Identifier.Text]).WithTriviaFrom(old));
            var kept = new List<ParameterSyntax>();
            bool placed = false;
            foreach (var x in newEntry.ParameterList.Parameters)
            {
                if (map.ContainsKey(x.Identifier.Text))
                {
                    if (!placed)
                    {
                        kept.Add(SyntaxFactory.Parameter(SyntaxFactory.Identifier("prm")).WithType(SyntaxFactory.ParseTypeName("Prm ")));
                        placed = true;
                    }

                    continue;
                }

                kept.Add(x);
            }

            newEntry = newEntry.WithParameterList(newEntry.ParameterList.WithParameters(SyntaxFactory.SeparatedList(kept, kept.Skip(1).Select(_ => SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space)))));
            var text = root.ReplaceNode(entry, newEntry).ToFullString();
            int ns = text.IndexOf('{', text.IndexOf("namespace ", StringComparison.Ordinal));
            text = text.Insert(ns + 1, Environment.NewLine + ModelClass + Environment.NewLine);

            var specs = new List<ParamSpec>();
            placed = false;
            foreach (var q in p.Params)
            {
                if (map.ContainsKey(q.Name))
                {
                    if (!placed)
                    {
                        specs.Add(new ParamSpec { Kind = ParamKind.Model, Name = "prm", Length = w?.Length ?? 0, IntValue = map.ContainsKey("n") ? count!.IntValue : 2 });
                        placed = true;
                    }

                    continue;
                }

                specs.Add(q);
            }

            p.Params = specs;
            p.Source = text;
            p.Feature = Feature.Model;
        }

        /// <summary>Whether an identifier is written: assigned (also by deconstruction), incremented, or passed by ref or out.</summary>
        private static bool IsWrite(ExpressionSyntax id)
        {
            SyntaxNode node = id;
            while (node.Parent is TupleExpressionSyntax or ArgumentSyntax { Parent: TupleExpressionSyntax })
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                AssignmentExpressionSyntax asg => asg.Left == node,
                PostfixUnaryExpressionSyntax => true,
                PrefixUnaryExpressionSyntax u => u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression),
                ArgumentSyntax arg => !arg.RefKindKeyword.IsKind(SyntaxKind.None),
                _ => false,
            };
        }
    }
}
