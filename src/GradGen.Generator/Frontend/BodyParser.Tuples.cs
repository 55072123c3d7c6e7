using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// Tuples of reals: a tuple local is one IR variable per element, a tuple literal is its elements, and a call that
    /// returns a tuple assigns all its elements at once (<see cref="AssignTuple"/>), so no pass ever sees a tuple value.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private readonly Dictionary<ILocalSymbol, List<Var>> tupleLocals = new(SymbolEqualityComparer.Default);

        /// <summary>The element parameters of each differentiated tuple parameter.</summary>
        private readonly Dictionary<IParameterSymbol, List<Var>> tupleParameters = new(SymbolEqualityComparer.Default);

        /// <summary>The element variables of the tuple local or differentiated tuple parameter <paramref name="op"/> reads; null for anything else.</summary>
        private List<Var>? TupleVariable(IOperation? op) => op switch
        {
            ILocalReferenceOperation local when IsRealTuple(local.Type) => TupleComponents(local.Local),
            IParameterReferenceOperation parameter when tupleParameters.TryGetValue(parameter.Parameter, out var elements) => elements,
            _ => null,
        };

        public static bool IsRealTuple(ITypeSymbol? type) =>
            type is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.All(e => TypeNames.IsReal(e.Type));

        /// <summary>The variables that hold the elements of a tuple local: <c>p_X</c>, <c>p_Y</c> for <c>(double X, double Y) p</c>.</summary>
        private List<Var> TupleComponents(ILocalSymbol symbol)
        {
            if (!tupleLocals.TryGetValue(symbol, out var components))
            {
                components = ((INamedTypeSymbol)symbol.Type).TupleElements
                    .Select(e => new Var(TypeNames.Of(e.Type), context.Names.Fresh(symbol.Name + "_" + e.Name)))
                    .ToList();
                tupleLocals.Add(symbol, components);
                Locals.AddRange(components);
            }

            return components;
        }

        /// <summary>
        /// The elements of a tuple-valued expression, each converted to the element type of <paramref name="type"/>; a
        /// call first assigns its elements to <paramref name="targets"/> when they fit, else to new locals. Null, and
        /// reported, when the expression is no tuple literal, tuple local or call.
        /// </summary>
        private List<Expr>? TupleValues(IOperation value, INamedTypeSymbol type, List<Stmt> output, IReadOnlyList<Expr>? targets = null)
        {
            var elementTypes = type.TupleElements.Select(e => TypeNames.Of(e.Type)).ToList();
            switch (value)
            {
                case IConversionOperation { OperatorMethod: null } conversion when IsRealTuple(conversion.Operand.Type):
                    return Converted(TupleValues(conversion.Operand, (INamedTypeSymbol)conversion.Operand.Type!, output, targets), elementTypes);
                case IParenthesizedOperation parenthesized:
                    return TupleValues(parenthesized.Operand, type, output, targets);
                case ITupleOperation literal:
                    return Converted(literal.Elements.Select(ParseExpression).ToList(), elementTypes);
                case var variable when TupleVariable(variable) is { } elements:
                    return Converted(elements.Cast<Expr>().ToList(), elementTypes);
                case IInvocationOperation invocation when IsRealTuple(invocation.Type):
                    if (ParseInvocation(invocation, asStatement: false) is not { } call)
                    {
                        return null;
                    }

                    var callTypes = ((INamedTypeSymbol)invocation.Type!).TupleElements.Select(e => TypeNames.Of(e.Type)).ToList();
                    var fits = targets is not null
                        && targets.All(t => t is Var)
                        && targets.Select((t, i) => t.Type == callTypes[i]).All(b => b)
                        && targets.Distinct().Count() == targets.Count;
                    var receivers = fits ? targets!.Cast<Var>().ToList() : callTypes.Select(NewTemporary).ToList();
                    output.Add(new AssignTuple(Line(invocation), receivers.Cast<Expr>().ToEquatableArray(), call));
                    return Converted(receivers.Cast<Expr>().ToList(), elementTypes);
                default:
                    Unsupported(value, "this tuple expression", "use a tuple literal (a, b), a tuple local or a call");
                    return null;
            }
        }

        private static List<Expr>? Converted(List<Expr>? values, List<IrType> types) =>
            values?.Select((v, i) => ConvertTo(types[i], v)).ToList();

        private Var NewTemporary(IrType type)
        {
            var temporary = new Var(type, context.Names.Numbered("t"));
            Locals.Add(temporary);
            return temporary;
        }

        /// <summary>
        /// Assigns the elements of <paramref name="value"/> to <paramref name="targets"/> (variables or elements); through
        /// temporaries when an element's value reads a target assigned before it (<c>(a, b) = (b, a)</c>).
        /// </summary>
        private void AssignElements(IReadOnlyList<Expr> targets, IOperation value, INamedTypeSymbol type, int line, List<Stmt> output)
        {
            if (TupleValues(value, type, output, targets) is not { } values)
            {
                return;
            }

            var pending = new List<(Expr Target, Expr Value)>();
            for (var i = 0; i < targets.Count; i++)
            {
                if (values[i] == targets[i])
                {
                    continue;
                }

                var readsEarlierTarget = targets.Take(i).Any(t => Reads(values[i], t));
                pending.Add((targets[i], readsEarlierTarget || values.Skip(i + 1).Any(v => Reads(v, targets[i])) ? Staged(values[i], line, output) : values[i]));
            }

            foreach (var (target, assigned) in pending)
            {
                output.Add(MakeAssign(line, target, assigned));
            }
        }

        private Var Staged(Expr value, int line, List<Stmt> output)
        {
            var temporary = NewTemporary(value.Type);
            output.Add(new Assign(line, temporary, AssignOp.Set, value));
            return temporary;
        }

        private static bool Reads(Expr value, Expr target)
        {
            var name = target is Index element ? ((Var)element.Collection).Name : ((Var)target).Name;
            return IrWalker.ReadsVariable(value, name);
        }

        /// <summary><c>var (u, v) = value</c> or <c>(u, v) = value</c>: each element to its target; <c>_</c> to a temporary.</summary>
        private void ParseDeconstruction(IDeconstructionAssignmentOperation deconstruction, List<Stmt> output)
        {
            var pattern = deconstruction.Target is IDeclarationExpressionOperation declaration ? declaration.Expression : deconstruction.Target;
            if (pattern is not ITupleOperation tuple || !IsRealTuple(deconstruction.Value.Type) || tuple.Elements.Any(e => e is ITupleOperation))
            {
                Unsupported(deconstruction, "a deconstruction other than of a tuple of reals into variables", "assign each variable on its own");
                return;
            }

            var targets = new List<Expr>();
            var valueType = (INamedTypeSymbol)deconstruction.Value.Type!;
            for (var i = 0; i < tuple.Elements.Length; i++)
            {
                var element = tuple.Elements[i] is IDeclarationExpressionOperation declared ? declared.Expression : tuple.Elements[i];
                if (element is IDiscardOperation)
                {
                    targets.Add(NewTemporary(TypeNames.Of(valueType.TupleElements[i].Type)));
                }
                else if (AssignedTarget(element) is { } target)
                {
                    targets.Add(target);
                }
                else
                {
                    return;
                }
            }

            // The value's elements arrive in the targets' types.
            var targetType = tuple.Type as INamedTypeSymbol is { IsTupleType: true } named && IsRealTuple(named) ? named : valueType;
            AssignElements(targets, deconstruction.Value, targetType, Line(deconstruction), output);
        }

        /// <summary>
        /// <c>t.Item1</c>, <c>p.X</c>: the element's variable for a tuple local, a call's element through a temporary,
        /// or, for a tuple no derivative flows through (a parameter, a field), a plain member read.
        /// </summary>
        private Expr ParseTupleElement(IFieldReferenceOperation field)
        {
            var tupleType = (INamedTypeSymbol)field.Instance!.Type!;
            if (TupleVariable(field.Instance) is { } elements)
            {
                return elements[ElementIndex(field)];
            }

            if (field.Instance is not IInvocationOperation)
            {
                return new Member(TypeNames.Of(field.Type!), ParseExpression(field.Instance), null, field.Field.Name);
            }

            if (sideEffects is null || conditionalDepth > 0)
            {
                // In a condition or a branch the call cannot run ahead of its statement: the element stays a read of
                // the call's result, which splitting gives a statement of its own wherever a derivative flows.
                return ParseInvocation((IInvocationOperation)field.Instance, asStatement: false) is { } call
                    ? new Member(TypeNames.Of(field.Type!), call, null, Types.TupleItem(ElementIndex(field)))
                    : Placeholder;
            }

            return TupleValues(field.Instance, tupleType, sideEffects)?[ElementIndex(field)] ?? Placeholder;
        }

        /// <summary>The position of a tuple element: every element, named or not, corresponds to its ItemN field.</summary>
        private static int ElementIndex(IFieldReferenceOperation field) =>
            Types.TupleItemIndex((field.Field.CorrespondingTupleField ?? field.Field).Name);
    }
}
