using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// A greedy delta reducer over the program's syntax tree: removes callees and statements, replaces an if/loop by
    /// its body, an expression by one of its operands or by a literal, and keeps every change after which the
    /// program still fails with the same key (the same failure class and check). The entry's signature is kept, so
    /// the harness and the checked points stay the same.
    /// </summary>
    internal static class Reducer
    {
        public static ProgramResult Reduce(ProgramResult failing, int seed, TimeSpan budget, int maxTests = 600)
        {
            var clock = Stopwatch.StartNew();
            var best = failing;
            int tests = 0;
            int start = 0;          // where the last successful edit was: the next pass resumes there
            bool progress = true;
            while (progress && clock.Elapsed < budget && tests < maxTests)
            {
                progress = false;
                var root = CSharpSyntaxTree.ParseText(best.Program.Source).GetRoot();
                var candidates = Candidates(root).ToList();
                for (int k = 0; k < candidates.Count && clock.Elapsed < budget && tests < maxTests; k++)
                {
                    int at = (start + k) % candidates.Count;
                    string text;
                    try
                    {
                        text = candidates[at]();
                    }
                    catch (Exception)
                    {
                        continue;
                    }

                    if (text == best.Program.Source || !Terminates(text))
                    {
                        continue;
                    }

                    tests++;
                    var variant = Clone(best.Program, text);
                    var result = DiffRunner.RunBatch(new[] { variant }, seed)[0];
                    if (result.Key == failing.Key)
                    {
                        best = result;
                        progress = true;
                        start = at;
                        break; // re-enumerate on the smaller tree, from the same place
                    }
                }
            }

            return best;
        }

        /// <summary>
        /// An edit must not make the program run forever (a stack overflow kills the test process; a hang leaves a
        /// thread spinning): every recursive method keeps its guard and its decrement, every while/do loop its counter.
        /// </summary>
        private static bool Terminates(string text)
        {
            var root = CSharpSyntaxTree.ParseText(text).GetRoot();
            foreach (var m in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (m.ParameterList.Parameters.Any(p => p.Identifier.Text == "depth"))
                {
                    var body = m.Body?.ToString() ?? "";
                    if (!body.Contains("if (depth <= 0) return", StringComparison.Ordinal) || !body.Contains("depth - 1)", StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
            }

            foreach (var loop in root.DescendantNodes().Where(n => n is WhileStatementSyntax or DoStatementSyntax))
            {
                var condition = loop is WhileStatementSyntax w ? w.Condition.ToString() : ((DoStatementSyntax)loop).Condition.ToString();
                var body = loop is WhileStatementSyntax w2 ? w2.Statement : ((DoStatementSyntax)loop).Statement;
                var counter = System.Text.RegularExpressions.Regex.Match(condition, @"^(k\d+) < \d+");
                if (!counter.Success || !(body is BlockSyntax b && b.Statements.FirstOrDefault()?.ToString() == counter.Groups[1].Value + "++;"))
                {
                    return false;
                }
            }

            foreach (var loop in root.DescendantNodes().OfType<ForStatementSyntax>())
            {
                var condition = loop.Condition?.ToString() ?? "";
                if (!System.Text.RegularExpressions.Regex.IsMatch(condition, @"^[ij]\d+ (<|>=) ") || loop.Incrementors.Count != 1)
                {
                    return false;
                }
            }

            return true;
        }

        private static FuzzProgram Clone(FuzzProgram p, string source) => new FuzzProgram
        {
            Index = p.Index,
            Namespace = p.Namespace,
            EntryType = p.EntryType,
            EntryName = p.EntryName,
            Instance = p.Instance,
            ReturnsFloat = p.ReturnsFloat,
            UsesFloat = p.UsesFloat,
            Higher = p.Higher,
            UsesPoint = p.UsesPoint,
            PointOperators = p.PointOperators,
            Feature = p.Feature,
            GenericEntry = p.GenericEntry,
            SingleCheck = p.SingleCheck,
            OutputEntry = p.OutputEntry,
            OutputWeights = p.OutputWeights,
            OutRefEntry = p.OutRefEntry,
            VoidEntry = p.VoidEntry,
            OutRefWeights = p.OutRefWeights,
            Params = p.Params,
            Source = source,
        };

        /// <summary>Candidate edits, biggest first; each is a thunk giving the edited text.</summary>
        private static IEnumerable<Func<string>> Candidates(SyntaxNode root)
        {
            // Whole callees (not the entry F).
            foreach (var m in root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => m.Identifier.Text != "F"))
            {
                yield return () => root.RemoveNode(m, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
            }

            // Empty partial type declarations.
            foreach (var t in root.DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Members.Count == 0))
            {
                yield return () => root.RemoveNode(t, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
            }

            // Statements, outermost first.
            var statements = root.DescendantNodes().OfType<StatementSyntax>()
                .Where(s => s.Parent is BlockSyntax || s.Parent is SwitchSectionSyntax)
                .ToList();
            foreach (var s in statements)
            {
                yield return () => root.RemoveNode(s, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
            }

            // Remove consecutive pairs (a declaration with its only use).
            for (int k = 0; k + 1 < statements.Count; k++)
            {
                var a = statements[k];
                var b = statements[k + 1];
                if (a.Parent == b.Parent)
                {
                    yield return () => root.RemoveNodes(new[] { a, b }, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString();
                }
            }

            // Control flow replaced by a body.
            foreach (var s in root.DescendantNodes().OfType<StatementSyntax>())
            {
                switch (s)
                {
                    case IfStatementSyntax i:
                        yield return () => root.ReplaceNode(s, i.Statement.WithTriviaFrom(s)).ToFullString();
                        if (i.Else != null)
                        {
                            yield return () => root.ReplaceNode(s, i.Else.Statement.WithTriviaFrom(s)).ToFullString();
                            yield return () => root.ReplaceNode(s, i.WithElse(null)).ToFullString();
                        }

                        break;
                    case ForStatementSyntax f:
                        yield return () => root.ReplaceNode(s, f.Statement.WithTriviaFrom(s)).ToFullString();
                        break;
                    case WhileStatementSyntax w:
                        yield return () => root.ReplaceNode(s, w.Statement.WithTriviaFrom(s)).ToFullString();
                        break;
                    case DoStatementSyntax d:
                        yield return () => root.ReplaceNode(s, d.Statement.WithTriviaFrom(s)).ToFullString();
                        break;
                }
            }

            // Expressions replaced by an operand or a literal.
            foreach (var e in root.DescendantNodes().OfType<ExpressionSyntax>())
            {
                var replacements = new List<ExpressionSyntax>();
                switch (e)
                {
                    case BinaryExpressionSyntax b:
                        replacements.Add(b.Left);
                        replacements.Add(b.Right);
                        break;
                    case InvocationExpressionSyntax inv:
                        replacements.AddRange(inv.ArgumentList.Arguments.Select(a => a.Expression));
                        break;
                    case ConditionalExpressionSyntax c:
                        replacements.Add(c.WhenTrue);
                        replacements.Add(c.WhenFalse);
                        break;
                    case ParenthesizedExpressionSyntax p:
                        replacements.Add(p.Expression);
                        break;
                    case CastExpressionSyntax c:
                        replacements.Add(c.Expression);
                        break;
                    case PrefixUnaryExpressionSyntax u:
                        replacements.Add(u.Operand);
                        break;
                }

                if (e is BinaryExpressionSyntax or InvocationExpressionSyntax or ConditionalExpressionSyntax or ElementAccessExpressionSyntax or MemberAccessExpressionSyntax { Parent: not InvocationExpressionSyntax })
                {
                    replacements.Add(SyntaxFactory.ParseExpression("0.5"));
                }

                foreach (var r in replacements)
                {
                    var replacement = r is BinaryExpressionSyntax or ConditionalExpressionSyntax
                        ? SyntaxFactory.ParenthesizedExpression(r.WithoutTrivia())
                        : r.WithoutTrivia();
                    yield return () => root.ReplaceNode(e, replacement.WithTriviaFrom(e)).ToFullString();
                }
            }
        }
    }
}
