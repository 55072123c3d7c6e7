using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Generator.Diagnostics;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// Aggregates: tuples of reals and structs of reals (<see cref="Types.Leaves"/>). An aggregate local or differentiated
    /// parameter is one IR variable per leaf, a tuple literal, a construction (<c>new P(x, y)</c>, <c>new P { X = x }</c>,
    /// <c>default</c>, <c>p with { X = x }</c>) or another aggregate is its leaves, a call that returns one assigns all
    /// its leaves at once (<see cref="AssignTuple"/>), and a call that takes one gets its leaves (<see cref="DiffCall.Packed"/>),
    /// so no pass ever sees an aggregate value.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private readonly Dictionary<ILocalSymbol, List<Var>> aggregateLocals = new(SymbolEqualityComparer.Default);

        /// <summary>The leaf parameters of each differentiated aggregate parameter (leaf arrays for an array of structs).</summary>
        private readonly Dictionary<IParameterSymbol, List<Var>> aggregateParameters = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The leaf variables of what <paramref name="op"/> reads: an aggregate local, a differentiated aggregate
        /// parameter, or a struct-valued field of one (<c>body.Position</c>); null for anything else.
        /// </summary>
        private List<Expr>? AggregateVariable(IOperation? op) => op switch
        {
            ILocalReferenceOperation local when IsAggregate(local.Type) => AggregateLeaves(local.Local).ToList<Expr>(),
            IInstanceReferenceOperation when ThisLeaves is { } leaves => leaves.ToList<Expr>(),
            IParameterReferenceOperation parameter when IsAggregate(parameter.Type) && aggregateParameters.TryGetValue(parameter.Parameter, out var leaves) => leaves.ToList<Expr>(),
            IFieldReferenceOperation or IPropertyReferenceOperation when IsAggregate(op.Type) && MemberOf(op) is { Instance: { } instance, Name: var name }
                && AggregateVariable(instance) is { } outer && LeafRange(TypeNames.Of(instance.Type!), name) is { } range =>
                outer.GetRange(range.Start, range.Count),
            IArrayElementReferenceOperation { Indices.Length: 1 } element when AggregateArray(element.ArrayReference) is { } arrays => ElementLeaves(element, element.Indices[0], arrays),
            IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer when AggregateArray(indexer.Instance) is { } arrays => ElementLeaves(indexer, indexer.Arguments[0].Value, arrays),
            _ => null,
        };

        /// <summary>Elements of arrays of structs already parsed: an element is asked for more than once, its index parsed once.</summary>
        private readonly Dictionary<IOperation, List<Expr>> elements = new();

        /// <summary>
        /// The leaf arrays of an array of structs no derivative is in (a [NoDerivative] parameter's, a field's), copied
        /// into new locals in <paramref name="output"/>: what a callee that takes one as leaf arrays is given.
        /// </summary>
        private List<Var> ConstantLeafArrays(Expr array, List<Stmt> output)
        {
            var leaves = Types.ElementLeaves(array.Type)!.Select(l => NewTemporary(l.Type)).ToList();
            output.AddRange(leaves.Select(l => new Assign(0, l, AssignOp.Set, new NewArray(l.Type, l.Type.Element!, EquatableArray.Of(Build.Length(array))))));
            output.Add(Build.CopyElements(array, leaves, NewTemporary(Types.Int), intoLeaves: true));
            return leaves;
        }

        /// <summary>An element of an array of structs: its leaf in each leaf array (<c>ps_X[i]</c>, <c>ps_Y[i]</c>).</summary>
        private List<Expr> ElementLeaves(IOperation element, IOperation index, List<Var> arrays)
        {
            if (!elements.TryGetValue(element, out var leaves))
            {
                // The index is computed once, before the statement, as C# does: a field stored first could change it.
                var at = ParseExpression(index);
                leaves = Build.Elements(arrays, at is Var or Const || Hoisted != sideEffects ? at : Staged(at, 0, sideEffects!));
                elements.Add(element, leaves);
            }

            return leaves;
        }

        /// <summary>
        /// The leaf arrays of an array of structs GradGen follows (<see cref="Types.ElementLeaves"/>): a differentiated
        /// parameter's, or a local's; null for anything else (a [NoDerivative] parameter's or a field's hold constants).
        /// </summary>
        private List<Var>? AggregateArray(IOperation? op) => op switch
        {
            ILocalReferenceOperation local when MethodParser.IsAggregateCollection(local.Type) => AggregateLeaves(local.Local),
            IParameterReferenceOperation parameter when MethodParser.IsAggregateCollection(parameter.Type) && aggregateParameters.TryGetValue(parameter.Parameter, out var arrays) => arrays,
            IParenthesizedOperation parenthesized => AggregateArray(parenthesized.Operand),
            // An array seen as a read-only span (C# converts through op_Implicit): the same elements.
            IConversionOperation conversion when MethodParser.IsAggregateCollection(conversion.Type) => AggregateArray(conversion.Operand),
            _ => null,
        };

        private static bool IsAggregate(ITypeSymbol? type) => MethodParser.IsAggregate(type);

        /// <summary>
        /// The parameter whose array of structs <paramref name="target"/> writes an element of (<c>ps[i] = v</c>,
        /// <c>ps[i].X += s</c>): a write the caller would see, where GradGen keeps copies of its leaves.
        /// </summary>
        private static IParameterSymbol? WrittenParameterArray(IOperation target) => target switch
        {
            IArrayElementReferenceOperation { ArrayReference: IParameterReferenceOperation parameter } when MethodParser.IsAggregateCollection(parameter.Type) => parameter.Parameter,
            IFieldReferenceOperation or IPropertyReferenceOperation when MemberOf(target) is { Instance: { } instance } => WrittenParameterArray(instance),
            _ => null,
        };

        /// <summary>
        /// An array of structs set as a whole: <c>new P[n]</c> (an array of zeros per leaf), <c>new[] { a, b }</c>, or
        /// another local array of structs (each leaf array then refers to the other's, as the arrays would).
        /// </summary>
        private void AssignArrays(List<Var> arrays, IOperation value, int line, List<Stmt> output)
        {
            switch (value)
            {
                case IConversionOperation conversion when MethodParser.IsAggregateCollection(conversion.Operand.Type):
                    AssignArrays(arrays, conversion.Operand, line, output);
                    return;
                case IArrayCreationOperation { DimensionSizes.Length: 1 } creation:
                    var length = StagedScalar(ParseExpression(creation.DimensionSizes[0]), output);
                    output.AddRange(arrays.Select(a => new Assign(line, a, AssignOp.Set, new NewArray(a.Type, a.Type.Element!, EquatableArray.Of(length)))));
                    var items = creation.Initializer?.ElementValues ?? ImmutableArray<IOperation>.Empty;
                    for (var i = 0; i < items.Length; i++)
                    {
                        if (AggregateValues(items[i], ((IArrayTypeSymbol)creation.Type!).ElementType, output) is not { } leaves)
                        {
                            return;
                        }

                        AssignLeaves(Build.Elements(arrays, Build.Num(Types.Int, i)), leaves, line, output);
                    }

                    return;
                case ILocalReferenceOperation when AggregateArray(value) is { } other:
                    output.AddRange(arrays.Select((a, i) => new Assign(line, a, AssignOp.Set, other[i])));
                    return;
                case IParameterReferenceOperation parameter when AggregateArray(value) is not null:
                    Unsupported(value, $"a local array referring to the parameter '{parameter.Parameter.Name}'", $"index '{parameter.Parameter.Name}' directly, or copy it into a new array");
                    return;
                default:
                    Unsupported(value, "this array of structs", "make it with new P[n] and set its elements");
                    return;
            }
        }

        /// <summary>A parameter whose class instance holds model parameters GradGen differentiates (its fields are leaves).</summary>
        private bool IsDifferentiatedClass(IParameterSymbol parameter) =>
            aggregateParameters.ContainsKey(parameter) && TypeNames.DifferentiableClass(parameter.Type) is not null;

        /// <summary>
        /// A field of a differentiated class parameter read: its leaf variable (a real, or an array read in place); null
        /// for a member that holds no real (read as it is). Any other member is reported: its reals would be constants.
        /// </summary>
        private Expr? ClassField(IOperation member)
        {
            if (MemberOf(member) is not { Instance: IParameterReferenceOperation { Parameter: var owner }, Name: var name }
                || !aggregateParameters.TryGetValue(owner, out var leaves) || TypeNames.DifferentiableClass(owner.Type) is not { } model)
            {
                return null;
            }

            var field = model.Fields.Select(f => f.Name).ToList().IndexOf(name);
            if (field >= 0)
            {
                return leaves[field];
            }

            if (TypeNames.CarriesNoReal(member.Type!))
            {
                return null;
            }

            context.Report(Descriptors.UndifferentiatedType, member.Syntax.GetLocation(), $"The member '{name}' of '{owner.Name}'", member.Type!.ToDisplayString(), "keep the model's numbers in double or float fields, or arrays of them");
            return Placeholder;
        }

        /// <summary>The instance and name of a field or property read.</summary>
        private static (IOperation? Instance, string Name)? MemberOf(IOperation op) => op switch
        {
            IFieldReferenceOperation field => (field.Instance, (field.Field.CorrespondingTupleField ?? field.Field).Name),
            IPropertyReferenceOperation { Arguments.IsEmpty: true } property => (property.Instance, property.Property.Name),
            _ => null,
        };

        /// <summary>The leaves of the member <paramref name="name"/> of an aggregate: where they start and how many; null when it is no field (a computed property).</summary>
        private static (int Start, int Count)? LeafRange(IrType aggregate, string name)
        {
            if (aggregate is TupleType)
            {
                return name.StartsWith("Item", System.StringComparison.Ordinal) ? (Types.TupleItemIndex(name), 1) : null;
            }

            var start = 0;
            foreach (var field in ((StructType)aggregate).Fields)
            {
                var count = Types.Leaves(field.Type)?.Length ?? 1;
                if (field.Name == name)
                {
                    return (start, count);
                }

                start += count;
            }

            return null;
        }

        /// <summary>
        /// The variables that hold the leaves of an aggregate local, <c>p_X</c>, <c>p_Y</c> for <c>(double X, double Y) p</c>,
        /// or the leaf arrays of a local array of structs.
        /// </summary>
        private List<Var> AggregateLeaves(ILocalSymbol symbol)
        {
            if (!aggregateLocals.TryGetValue(symbol, out var leaves))
            {
                var type = TypeNames.Of(symbol.Type);
                leaves = Types.Split(type)!
                    .Select((leaf, i) => new Var(leaf.Type, context.Names.Fresh(MethodParser.LeafName(symbol.Name, type, i))))
                    .ToList();
                aggregateLocals.Add(symbol, leaves);
                Locals.AddRange(leaves);
            }

            return leaves;
        }

        /// <summary>
        /// The leaves of an aggregate-valued expression, each converted to the leaf type of <paramref name="type"/>; a call
        /// first assigns its elements to <paramref name="targets"/> when they fit, else to new locals. Null, and
        /// reported, when the expression is none of those GradGen follows.
        /// </summary>
        private List<Expr>? AggregateValues(IOperation value, ITypeSymbol type, List<Stmt> output, IReadOnlyList<Expr>? targets = null)
        {
            var leafTypes = Types.Leaves(TypeNames.Of(type))!.Select(l => l.Type).ToList();
            switch (value)
            {
                case IConversionOperation { OperatorMethod: null } conversion when IsAggregate(conversion.Operand.Type):
                    return Converted(AggregateValues(conversion.Operand, conversion.Operand.Type!, output, targets), leafTypes);
                case IParenthesizedOperation parenthesized:
                    return AggregateValues(parenthesized.Operand, type, output, targets);
                case ITupleOperation literal:
                    return Converted(literal.Elements.Select(ParseExpression).ToList(), leafTypes);
                case var variable when AggregateVariable(variable) is { } leaves:
                    return Converted(leaves.Cast<Expr>().ToList(), leafTypes);
                case IDefaultValueOperation:
                    return leafTypes.Select(t => (Expr)Build.Num(t, 0)).ToList();
                case var numerics when IsVectorOperation(numerics):
                    return Converted(VectorValues(numerics, output), leafTypes);
                case var complex when IsComplexOperation(complex):
                    return Converted(ComplexValues(complex, output), leafTypes);
                case IObjectCreationOperation creation when TypeNames.Of(creation.Type!) is StructType structure:
                    return Constructed(creation, structure, output);
                case IWithOperation with when AggregateValues(with.Operand, with.Operand.Type!, output) is { } copied:
                    return Initialized(copied, (StructType)TypeNames.Of(with.Type!), with.Initializer, output);
                case IPropertyReferenceOperation { Property.GetMethod: { } getter, Instance: { } instance, Arguments.IsEmpty: true } property when IsStructMember(getter) && LeafRange(TypeNames.Of(instance.Type!), property.Property.Name) is null:
                    return Converted(MemberLeavesInPlace(value, getter, instance, System.Array.Empty<(IParameterSymbol, IOperation)>(), output), leafTypes);
                case IInvocationOperation { TargetMethod: { ReturnsVoid: false } member, Instance: { } receiver } memberCall when IsStructMember(member):
                    return Converted(MemberLeavesInPlace(value, member, receiver, memberCall.Arguments.Select(a => (a.Parameter!, a.Value)).ToList(), output), leafTypes);
                case IInvocationOperation or IBinaryOperation { OperatorMethod: not null } or IUnaryOperation { OperatorMethod: not null }:
                    // A user-defined operator on structs is a call of its [Differentiable] method.
                    var call = value is IInvocationOperation invocation ? ParseInvocation(invocation, asStatement: false) : ParseExpression(value);
                    return Converted(CallLeaves(call, Line(value), output, targets), leafTypes);
                case IConditionalOperation:
                    Unsupported(value, $"a choice between two {Kind(type)}s", "assign the chosen value in an if/else");
                    return null;
                case var constant when IsConstantData(constant):
                    var whole = ParseExpression(constant);
                    return Converted(Types.Leaves(whole.Type)!.Select((_, i) => (Expr)Build.Leaf(whole, i)).ToList(), leafTypes);
                default:
                    Unsupported(value, $"this {Kind(type)} expression", "use a local, a literal (new P(x, y), (a, b)) or default");
                    return null;
            }
        }

        /// <summary>
        /// The leaves of an aggregate <paramref name="call"/> returns: all assigned at once, to <paramref name="targets"/>
        /// when they are distinct variables of the leaf types, else to new locals. Null when the call is none (reported).
        /// </summary>
        private List<Expr>? CallLeaves(Expr? call, int line, List<Stmt> output, IReadOnlyList<Expr>? targets)
        {
            if (call is not (DiffCall or Call))
            {
                return null;
            }

            var callTypes = Types.Leaves(call.Type)!.Select(l => l.Type).ToList();
            var fits = targets is not null
                && targets.All(t => t is Var)
                && targets.Select((t, i) => t.Type == callTypes[i]).All(b => b)
                && targets.Distinct().Count() == targets.Count;
            var receivers = fits ? targets!.Cast<Var>().ToList() : callTypes.Select(NewTemporary).ToList();
            output.Add(new AssignTuple(line, receivers.Cast<Expr>().ToEquatableArray(), call));
            return receivers.Cast<Expr>().ToList();
        }

        /// <summary>
        /// An aggregate no derivative can be in, read leaf by leaf: a [NoDerivative] parameter, <c>this</c>, a static
        /// member, an array element, and the fields and properties of those (the contract's constants).
        /// </summary>
        private bool IsConstantData(IOperation op) => op switch
        {
            IParameterReferenceOperation parameter => !aggregateParameters.ContainsKey(parameter.Parameter),
            IInstanceReferenceOperation => true,
            IFieldReferenceOperation field => field.Instance is null || IsConstantData(field.Instance),
            IPropertyReferenceOperation { Arguments.IsEmpty: true } property => property.Instance is null || IsConstantData(property.Instance),
            // Storing a differentiated aggregate in an array is an error, so an array of them holds constants.
            IArrayElementReferenceOperation => true,
            _ => false,
        };

        private static string Kind(ITypeSymbol? type) => type is INamedTypeSymbol { IsTupleType: true } ? "tuple" : "struct";

        /// <summary><c>new P(a, b)</c> by a constructor that stores each argument in its field, <c>new P()</c> of zeros, then the object initializer.</summary>
        private List<Expr>? Constructed(IObjectCreationOperation creation, StructType type, List<Stmt> output)
        {
            var order = creation.Constructor is { Parameters.Length: > 0 } constructor ? TypeNames.MemberwiseOrder(constructor, type.Fields) : System.Array.Empty<int>();
            if (order is null && IsNumericsVector(creation.Type) && creation.Arguments.All(a => IsNumericsVector(a.Value.Type) || TypeNames.IsReal(a.Value.Type)))
            {
                // new Vector4(xyz, w), new Vector3(xy, z), new Quaternion(xyz, w): the arguments' leaves in order; new Vector3(s): s in each.
                var leaves = new List<Expr>();
                foreach (var argument in creation.Arguments.Select(a => a.Value))
                {
                    if ((IsNumericsVector(argument.Type) ? VectorOperand(argument, output) : new List<Expr> { ScalarOperand(argument) }) is not { } values)
                    {
                        return null;
                    }

                    leaves.AddRange(values);
                }

                var count = Types.Leaves(type)!.Length;
                if (leaves.Count == count || leaves.Count == 1)
                {
                    return leaves.Count == count ? leaves : Enumerable.Repeat(StagedScalar(leaves[0], output), count).ToList();
                }
            }

            if (order is null)
            {
                Unsupported(creation, $"the constructor '{creation.Constructor!.ToDisplayString()}', which does more than store its arguments in the fields", "construct it with an object initializer (new P { X = x }) or a constructor that only stores its arguments");
                return null;
            }

            var fieldValues = type.Fields.Select(f => (IReadOnlyList<Expr>?)Types.Leaves(f.Type)?.Select(l => (Expr)Build.Num(l.Type, 0)).ToList() ?? new[] { Build.Num(f.Type, 0) }).ToArray();
            for (var i = 0; i < order.Length; i++)
            {
                if (FieldValue(creation.Arguments[i].Value, type.Fields[order[i]].Type, output) is not { } values)
                {
                    return null;
                }

                fieldValues[order[i]] = values;
            }

            return Initialized(fieldValues.SelectMany(v => v).ToList(), type, creation.Initializer, output);
        }

        /// <summary>The leaves a value gives a field: itself converted for a real field, its leaves for a struct one.</summary>
        private List<Expr>? FieldValue(IOperation value, IrType fieldType, List<Stmt> output) =>
            fieldType is StructType ? AggregateValues(value, value.Type!, output) : new List<Expr> { ConvertTo(fieldType, ParseExpression(value)) };

        /// <summary><paramref name="leaves"/> with the members an object initializer or <c>with</c> sets replaced.</summary>
        private List<Expr>? Initialized(List<Expr> leaves, StructType type, IObjectOrCollectionInitializerOperation? initializer, List<Stmt> output)
        {
            foreach (var set in initializer?.Initializers ?? ImmutableArray<IOperation>.Empty)
            {
                if (set is not ISimpleAssignmentOperation { Target: var member } assignment || MemberOf(member) is not { Name: var name } || LeafRange(type, name) is not { } range)
                {
                    Unsupported(set, "this initializer", "set each field to a value (X = x)");
                    return null;
                }

                if (FieldValue(assignment.Value, type.Fields.First(f => f.Name == name).Type, output) is not { } values)
                {
                    return null;
                }

                leaves.RemoveRange(range.Start, range.Count);
                leaves.InsertRange(range.Start, values);
            }

            return leaves;
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
        private void AssignElements(IReadOnlyList<Expr> targets, IOperation value, ITypeSymbol type, int line, List<Stmt> output)
        {
            if (AggregateValues(value, type, output, targets) is { } values)
            {
                AssignLeaves(targets, values, line, output);
            }
        }

        /// <summary>Each of <paramref name="values"/> to its target, staged where it reads a target assigned before it.</summary>
        private void AssignLeaves(IReadOnlyList<Expr> targets, List<Expr> values, int line, List<Stmt> output)
        {
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

        private static bool IsRealTuple(ITypeSymbol? type) => type is INamedTypeSymbol { IsTupleType: true } && IsAggregate(type);

        /// <summary>
        /// <c>t.Item1</c>, <c>p.X</c>, <c>body.Position.Z</c>: the leaf's variable for an aggregate local or parameter, a
        /// call's element through a temporary, or, for an aggregate no derivative flows through (a [NoDerivative]
        /// parameter, a field of this), a plain member read. Null when <paramref name="member"/> reads no leaf of an aggregate.
        /// </summary>
        private Expr? ParseLeaf(IOperation member)
        {
            if (MemberOf(member) is not { Instance: { Type: { } aggregateType } instance, Name: var name } || !IsAggregate(aggregateType) || IsAggregate(member.Type))
            {
                return null;
            }

            var aggregate = TypeNames.Of(aggregateType);
            if (LeafRange(aggregate, name) is not { Start: var index })
            {
                if (ComplexScalar(member) is { } complexScalar)
                {
                    return complexScalar;
                }

                if (member is IPropertyReferenceOperation { Property.GetMethod: { } getter } && IsStructMember(getter))
                {
                    return MemberInPlace(member, getter, instance, System.Array.Empty<(IParameterSymbol, IOperation)>());
                }

                Unsupported(member, $"the computed property '{name}' of a struct GradGen differentiates (not yet)", "compute it from the struct's fields in the method");
                return Placeholder;
            }

            if (AggregateVariable(instance) is { } leaves)
            {
                return leaves[index];
            }

            if (IsConstantData(instance))
            {
                return new Member(TypeNames.Of(member.Type!), ParseExpression(instance), null, name);
            }

            if (sideEffects is null || conditionalDepth > 0)
            {
                // In a condition or a branch a call cannot run ahead of its statement: the element stays a read of the
                // call's result, which splitting gives a statement of its own wherever a derivative flows.
                if (instance is IInvocationOperation invocation && !IsStructMember(invocation.TargetMethod))
                {
                    return ParseInvocation(invocation, asStatement: false) is { } call && Types.Leaves(call.Type) is not null ? Build.Leaf(call, index) : Placeholder;
                }

                Unsupported(member, $"a field of a {Kind(aggregateType)} computed in a condition or a branch of ?:", "compute it into a local first");
                return Placeholder;
            }

            return AggregateValues(instance, aggregateType, sideEffects)?[index] ?? Placeholder;
        }
    }
}
