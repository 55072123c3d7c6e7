using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// The computed properties and instance methods of a struct of reals of the user's source (<c>v.Length</c>,
    /// <c>a.Dot(b)</c>): read in place, their one expression parsed with <c>this</c> bound to the receiver's leaves and
    /// each parameter to its argument, as if written at the call. Their generated derivatives (if [Differentiable])
    /// hold <c>this</c> constant, as the contract says of instance methods, so a derivative through the receiver
    /// must come from here.
    /// </summary>
    internal sealed partial class BodyParser
    {
        /// <summary>How deep members may read other members in place (a member that reads itself is reported).</summary>
        private const int MaxMemberDepth = 8;

        private readonly Stack<(ISymbol Member, List<Var> This)> members = new();

        /// <summary>The leaves <c>this</c> stands for inside a member read in place; null outside one.</summary>
        private List<Var>? ThisLeaves => members.Count > 0 ? members.Peek().This : null;

        /// <summary>
        /// Whether <paramref name="member"/> is an instance member of a struct of reals of the source, read through one;
        /// not of a generic struct, whose body is written in its type parameters, not the caller's types.
        /// </summary>
        private static bool IsStructMember(ISymbol member) =>
            !member.IsStatic && member.ContainingType is { TypeKind: TypeKind.Struct, IsGenericType: false } type && IsAggregate(type) && type.Locations.All(l => l.IsInSource);

        /// <summary>
        /// The value of <paramref name="member"/> (a property getter or a method) of <paramref name="receiver"/> with
        /// <paramref name="arguments"/>, its body parsed in place. Placeholder, and reported at <paramref name="at"/>, when
        /// its body is not one expression, reads what the caller cannot see, or has something GradGen does not follow.
        /// </summary>
        private Expr MemberInPlace(IOperation at, IMethodSymbol member, IOperation receiver, IReadOnlyList<(IParameterSymbol Parameter, IOperation Value)> arguments) =>
            MemberInPlace(at, member, receiver, arguments, ParseExpression) ?? Placeholder;

        /// <summary>The leaves of a struct-valued <paramref name="member"/> read in place, as <see cref="MemberInPlace(IOperation, IMethodSymbol, IOperation, IReadOnlyList{ValueTuple{IParameterSymbol, IOperation}})"/>; null when reported.</summary>
        private List<Expr>? MemberLeavesInPlace(IOperation at, IMethodSymbol member, IOperation receiver, IReadOnlyList<(IParameterSymbol Parameter, IOperation Value)> arguments, List<Stmt> output) =>
            MemberInPlace(at, member, receiver, arguments, body => AggregateValues(body, member.ReturnType, output));

        private T? MemberInPlace<T>(IOperation at, IMethodSymbol member, IOperation receiver, IReadOnlyList<(IParameterSymbol Parameter, IOperation Value)> arguments, System.Func<IOperation, T?> parse)
            where T : class
        {
            var display = $"'{member.ContainingType.Name}.{(member.AssociatedSymbol ?? member).Name}'";
            var body = OneExpression(member, at.SemanticModel!.Compilation);
            if (body?.SemanticModel!.GetDiagnostics(body.Syntax.Span).Any(d => d.Severity == DiagnosticSeverity.Error) == true)
            {
                // The member does not compile yet (mid-edit): the compiler reports it, and nothing is emitted.
                context.Invalid = true;
                return null;
            }

            if (body is null)
            {
                Unsupported(at, $"the member {display}, whose body is not one expression or return", "write it as one expression (=> ...)");
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(member, method) || members.Any(m => SymbolEqualityComparer.Default.Equals(m.Member, member)))
            {
                Unsupported(at, $"the member {display}, which reads itself", "compute it in the method");
                return null;
            }

            if (members.Count >= MaxMemberDepth)
            {
                Unsupported(at, $"the member {display}, read through more than {MaxMemberDepth} members in place", "compute part of it in the method");
                return null;
            }

            if (body.DescendantsAndSelf().Select(ReadMember).FirstOrDefault(s => s is not null && !at.SemanticModel.Compilation.IsSymbolAccessibleWithin(s, method.ContainingType)) is { } hidden)
            {
                Unsupported(at, $"the member {display}, which reads '{hidden.Name}', not accessible here", "make it internal or public");
                return null;
            }

            // The receiver and the arguments as variables (a member reads a parameter any number of times).
            var output = Hoisted;
            var receiverLeaves = (AggregateVariable(receiver) ?? AggregateValues(receiver, receiver.Type!, output))?.Select(v => v as Var ?? Staged(v, 0, output)).ToList();
            var aggregates = new List<(IParameterSymbol Parameter, List<Var> Leaves)>();
            var scalars = new List<(IParameterSymbol Parameter, Expr Value)>();
            foreach (var (parameter, value) in arguments)
            {
                if (!IsAggregate(parameter.Type))
                {
                    scalars.Add((parameter, StagedScalar(ConvertTo(TypeNames.Of(parameter.Type), ParseExpression(value)), output)));
                }
                else if (AggregateValues(value, parameter.Type, output) is { } leaves)
                {
                    aggregates.Add((parameter, leaves.Select(v => v as Var ?? Staged(v, 0, output)).ToList()));
                }
                else
                {
                    return null;
                }
            }

            if (receiverLeaves is null || CannotHoist(output, at, $"the member {display} of a value"))
            {
                return null;
            }

            var reported = context.Diagnostics.Count;
            aggregates.ForEach(a => aggregateParameters[a.Parameter] = a.Leaves);
            scalars.ForEach(a => boundParameters[a.Parameter] = a.Value);
            members.Push((member, receiverLeaves));
            var result = parse(body);
            members.Pop();
            aggregates.ForEach(a => aggregateParameters.Remove(a.Parameter));
            scalars.ForEach(a => boundParameters.Remove(a.Parameter));

            // What the member's body has that GradGen does not follow is said where it is read.
            if (context.Diagnostics.Skip(reported).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } inner)
            {
                context.Diagnostics.RemoveRange(reported, context.Diagnostics.Count - reported);
                Unsupported(at, $"the member {display}, whose body has this error: {inner.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}", "write the member's expression in the method");
                return null;
            }

            return result;
        }

        /// <summary>The parameters of members read in place, bound to their arguments' values.</summary>
        private readonly Dictionary<IParameterSymbol, Expr> boundParameters = new(SymbolEqualityComparer.Default);

        /// <summary>The one expression of a getter or method: <c>=> e</c>, <c>get => e</c>, or a body of one <c>return e;</c>.</summary>
        private static IOperation? OneExpression(IMethodSymbol member, Compilation compilation)
        {
            var syntax = member.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).FirstOrDefault();
            var expression = syntax switch
            {
                ArrowExpressionClauseSyntax arrow => arrow.Expression,
                AccessorDeclarationSyntax accessor => accessor.ExpressionBody?.Expression ?? SingleReturn(accessor.Body),
                MethodDeclarationSyntax declaration => declaration.ExpressionBody?.Expression ?? SingleReturn(declaration.Body),
                _ => null,
            };
            // C# binds no operation to parentheses: (X) is X.
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression is null ? null : compilation.GetSemanticModel(expression.SyntaxTree).GetOperation(expression);
        }

        private static ExpressionSyntax? SingleReturn(BlockSyntax? body) =>
            body is { Statements.Count: 1 } && body.Statements[0] is ReturnStatementSyntax { Expression: { } returned } ? returned : null;

        /// <summary>The member or method an operation reads or calls, for the accessibility check.</summary>
        private static ISymbol? ReadMember(IOperation op) => op switch
        {
            IMemberReferenceOperation reference => reference.Member,
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation { Constructor: { } constructor } => constructor,
            _ => null,
        };
    }
}
