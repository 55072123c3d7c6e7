using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Diagnostics;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// Turns the <see cref="IOperation"/> tree of a method body into the IR, resolving every call, and reports
    /// what cannot be differentiated where it occurs. Locals get unique names so they can all be declared up front.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private const string DifferentiableAttribute = "GradGen.DifferentiableAttribute";

        private readonly IMethodSymbol method;
        private readonly ParseContext context;
        private readonly Dictionary<ILocalSymbol, Var> locals = new(SymbolEqualityComparer.Default);
        private readonly Stack<ILabelSymbol> switchExits = new();
        private List<Stmt>? sideEffects;
        private List<ISymbol>? modified;
        private readonly Stack<List<ISymbol>> hiddenWrites = new();
        private int conditionalDepth;

        /// <param name="parameters">The method's parameters as GradGen sees them: a differentiated tuple's elements are parameters.</param>
        public BodyParser(IMethodSymbol method, ParseContext context, IReadOnlyList<Parameter> parameters)
        {
            this.method = method;
            this.context = context;
            foreach (var aggregate in method.Parameters.Where(MethodParser.IsAggregateWrt))
            {
                aggregateParameters[aggregate] = parameters.Where(p => p.Slot?.Parameter == aggregate.Name).Select(p => new Var(p.Type, p.Name)).ToList();
            }
        }

        public List<Var> Locals { get; } = new();

        /// <summary>Keys of the [Differentiable] methods the body calls.</summary>
        public SortedSet<string> Callees { get; } = new(System.StringComparer.Ordinal);

        /// <summary>
        /// Calls to plain methods, checked once activity is known: whether their result is used (a statement's is not),
        /// and the collections of reals they are given that they could write (<see cref="WritableCollection"/>).
        /// </summary>
        public List<(Expr Node, Location Location, string Name, bool ResultUsed, List<(Expr Collection, string Text, bool Converted)> Writable)> PlainCalls { get; } = new();

        /// <summary>Calls to Floor, Sign...: a warning when a derivative would flow into them.</summary>
        public List<(ImmutableArray<Expr> Args, Location Location, string Name)> PiecewiseConstantCalls { get; } = new();

        /// <summary>Conversions of a real, or a collection of reals, to anything else: a derivative stops there.</summary>
        public List<(TypeCast Node, Location Location, string Operand, string Type, bool ToInteger)> Conversions { get; } = new();

        /// <summary>Arguments of [Differentiable] calls that go to a [NoDerivative] parameter: no derivative may flow there.</summary>
        public List<(Expr Argument, Location Location, string Callee, string Parameter)> NoDerivativeArguments { get; } = new();

        /// <summary>
        /// Calls to [Differentiable] methods, with the derivative kinds the callee generates, and to methods that may
        /// have [DerivativeOf] derivatives (<see cref="DiffCall.Custom"/> set, no kinds).
        /// </summary>
        public List<(DiffCall Node, Location Location, string Name, DerivativeKind Kinds, IMethodSymbol Target)> DifferentiableCalls { get; } = new();

        /// <summary>Each call to a [Differentiable] method with its callee, for the analyzer's check of the callee.</summary>
        public List<(IMethodSymbol Callee, Location Location)> CalleeSymbols { get; } = new();

        /// <summary>
        /// Makes <paramref name="parameter"/> the method's output array: the body reads and writes a local that starts as a
        /// copy of its contents (made in <paramref name="prologue"/>), which is the method's result.
        /// </summary>
        public Var Output(IParameterSymbol parameter, out List<Stmt> prologue)
        {
            var type = TypeNames.Of(parameter.Type);
            var (input, result, counter) = (new Var(type, parameter.Name), new Var(type, context.Names.Fresh(parameter.Name + "Out")), new Var(Types.Int, context.Names.Fresh("i")));
            Locals.AddRange(new[] { result, counter });
            outputArray = parameter;
            boundParameters[parameter] = result;
            var element = new Index(type.Element!, result, EquatableArray.Of<Expr>(counter));
            // A null array stays null, for the method's own code to meet (its ArgumentNullException); tested by a call, as
            // a null test written out would make the nullable analysis of generated code take the array for maybe null.
            prologue = new List<Stmt>
            {
                new If(0, Build.Shapes("Given", EquatableArray.Of<Expr>(input)), EquatableArray.Of<Stmt>(
                    new Assign(0, result, AssignOp.Set, new NewArray(type, type.Element!, EquatableArray.Of(Build.Length(input)))),
                    new For(0, counter, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, counter, Build.Length(result)), LoopStep.Up,
                        EquatableArray.Of<Stmt>(new Store(0, element, AssignOp.Set, new Index(type.Element!, input, EquatableArray.Of<Expr>(counter)))))),
                    EquatableArray<Stmt>.Empty),
            };
            return result;
        }

        /// <summary>The output array parameter (<see cref="Output"/>), whose elements the body may write.</summary>
        private IParameterSymbol? outputArray;

        /// <summary>The locals that stand for the out and ref reals (<see cref="ExtraOutputs"/>), and what the method returns with them.</summary>
        private readonly List<Var> extraOutputs = new();
        private IrType? returnedWithExtra;

        /// <summary>
        /// Makes the out and ref reals <paramref name="parameters"/> extra outputs: the body reads and writes a local for
        /// each (a ref one starting as its value, in the statements returned), which every return returns with the result
        /// as <paramref name="returned"/>.
        /// </summary>
        public List<Stmt> ExtraOutputs(IReadOnlyList<IParameterSymbol> parameters, IrType returned)
        {
            returnedWithExtra = returned;
            var prologue = new List<Stmt>();
            foreach (var parameter in parameters)
            {
                var local = new Var(TypeNames.Of(parameter.Type), context.Names.Fresh(parameter.Name + "Out"));
                Locals.Add(local);
                extraOutputs.Add(local);
                boundParameters[parameter] = local;
                stagedParameters.Add(parameter);
                if (parameter.RefKind == RefKind.Ref)
                {
                    prologue.Add(new Assign(0, local, AssignOp.Set, new Var(local.Type, parameter.Name)));
                }
            }

            return prologue;
        }

        /// <summary>The body, returning the extra outputs at its end when the method is void (one that is not returns on every path).</summary>
        public IEnumerable<Stmt> Returned(IEnumerable<Stmt> body)
        {
            var statements = body.ToList();
            return extraOutputs.Count == 0 || !method.ReturnsVoid || statements.LastOrDefault() is Return ? statements : statements.Append(new Return(0, WithExtraOutputs(null)));
        }

        /// <summary>What a return returns with the extra outputs: the tuple of its value (if any) and theirs, or the one of them.</summary>
        private Expr WithExtraOutputs(Expr? value)
        {
            var items = (value is null ? extraOutputs : extraOutputs.Prepend(value)).ToList();
            return items.Count == 1 ? items[0] : new AggregateValue(returnedWithExtra!, items.ToEquatableArray());
        }

        public EquatableArray<Stmt> ParseBlock(IOperation body)
        {
            root ??= body;
            var output = new List<Stmt>();
            ParseStatement(body, output);
            return output.ToEquatableArray();
        }

        private void ParseStatement(IOperation op, List<Stmt> output)
        {
            if (op.Kind == OperationKind.Invalid)
            {
                context.Invalid = true;
                return;
            }

            if (op is IExpressionStatementOperation or IVariableDeclarationGroupOperation or IReturnOperation)
            {
                // Increments and assignments nested in these statements run just before them.
                var mark = output.Count;
                sideEffects = new List<Stmt>();
                modified = new List<ISymbol>();
                hiddenWrites.Push(new List<ISymbol>());
                ParseSimpleStatement(op, output);
                CheckSideEffects(op, hiddenWrites.Pop());
                output.InsertRange(mark, sideEffects);
                sideEffects = null;
                return;
            }

            ParseSimpleStatement(op, output);
        }

        /// <param name="hidden">
        /// Variables written by lambdas and local functions the statement calls (inlined, so run before it): read anywhere
        /// else in the statement, C# would read them before the call.
        /// </param>
        private void CheckSideEffects(IOperation statement, List<ISymbol> hidden)
        {
            var writes = modified!.Select(symbol => (Symbol: symbol, Allowed: 1)).Concat(hidden.Select(symbol => (Symbol: symbol, Allowed: 0)));
            foreach (var (symbol, allowed) in writes.Distinct())
            {
                var references = statement.DescendantsAndSelf().Count(o =>
                    (o is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, symbol)
                    || o is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, symbol))
                    && (allowed == 1 || !InNestedFunction(o, statement)));
                if (references > allowed)
                {
                    Unsupported(statement, $"reading and modifying '{symbol.Name}' in one statement", "split it into separate statements");
                }
            }
        }

        private void ParseSimpleStatement(IOperation op, List<Stmt> output)
        {
            switch (op)
            {
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        ParseStatement(statement, output);
                    }

                    break;
                case IVariableDeclarationGroupOperation group:
                    foreach (var declaration in group.Declarations)
                    {
                        ParseDeclaration(declaration, output);
                    }

                    break;
                case IExpressionStatementOperation statement:
                    ParseExpressionStatement(statement.Operation, output);
                    break;
                case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned } when IsAggregate(method.ReturnType):
                    var elements = AggregateValues(returned, method.ReturnType, output);
                    output.Add(new Return(Line(op), elements is null ? Placeholder : new AggregateValue(TypeNames.Of(method.ReturnType), elements.ToEquatableArray())));
                    break;
                case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: null } when outputArray is not null:
                    output.Add(new Return(Line(op), boundParameters[outputArray]));
                    break;
                case IReturnOperation { Kind: OperationKind.Return } ret when extraOutputs.Count > 0:
                    output.Add(new Return(Line(op), WithExtraOutputs(ret.ReturnedValue is null ? null : ParseExpression(ret.ReturnedValue))));
                    break;
                case IReturnOperation { Kind: OperationKind.Return } ret:
                    output.Add(new Return(Line(op), ret.ReturnedValue is null || RefersToParameterArray(ret.ReturnedValue, "the returned array") ? null : ParseExpression(ret.ReturnedValue)));
                    break;
                case IReturnOperation:
                    Unsupported(op, "an iterator ('yield')", "return a value computed with a loop instead");
                    break;
                case IConditionalOperation conditional:
                    var (before, test) = ParseCondition(conditional.Condition);
                    output.AddRange(before);
                    output.Add(new If(
                        Line(op),
                        test,
                        ParseBlock(conditional.WhenTrue),
                        conditional.WhenFalse is null ? EquatableArray<Stmt>.Empty : ParseBlock(conditional.WhenFalse)));
                    break;
                case IWhileLoopOperation loop:
                    output.Add(Loop(loop, loop.Condition, loop.Body, !loop.ConditionIsTop, EquatableArray<Stmt>.Empty));
                    break;
                case IForLoopOperation loop:
                    ParseFor(loop, output);
                    break;
                case IBranchOperation { BranchKind: BranchKind.Break } branch when IsSwitchExit(branch):
                    Unsupported(op, "'break' before the end of a switch section", "use if/else inside the section");
                    break;
                case IBranchOperation { BranchKind: BranchKind.Break }:
                    output.Add(new Break(Line(op)));
                    break;
                case IBranchOperation { BranchKind: BranchKind.Continue }:
                    output.Add(new Continue(Line(op)));
                    break;
                case ISwitchOperation switchOp:
                    ParseSwitch(switchOp, output);
                    break;
                case IForEachLoopOperation loop when ForEachCollection(loop) is { } collection:
                    ParseForEach(loop, collection, output);
                    break;
                case IThrowOperation thrown:
                    output.Add(new Throw(Line(op), ParseThrown(thrown)));
                    break;
                case ILocalFunctionOperation:
                    // Inlined where it is called.
                    break;
                case IEmptyOperation:
                    break;
                case ILabeledOperation labeled:
                    // A label is harmless; a goto to it is what is reported.
                    if (labeled.Operation is { } inner)
                    {
                        ParseStatement(inner, output);
                    }

                    break;
                default:
                    UnsupportedStatement(op);
                    break;
            }
        }

        private EquatableArray<Stmt> ParseLoopBody(IOperation body)
        {
            context.LoopDepth++;
            var result = ParseBlock(body);
            context.LoopDepth--;
            return result;
        }

        private void ParseDeclaration(IVariableDeclarationOperation declaration, List<Stmt> output)
        {
            foreach (var declarator in declaration.Declarators)
            {
                var initializer = declarator.Initializer ?? declaration.Initializer;
                if (initializer?.Value is IArrayElementReferenceOperation { ArrayReference: var jagged, Indices.Length: 1 } taken && JaggedLeaves(jagged) is { } rows)
                {
                    // A row of a jagged parameter: where it starts among the elements, and its length.
                    rowViews[declarator.Symbol] = RowView(rows, ParseExpression(taken.Indices[0]), declarator.Symbol.Name, output);
                    continue;
                }

                if (IsAggregate(declarator.Symbol.Type))
                {
                    if (initializer is not null)
                    {
                        AssignElements(AggregateLeaves(declarator.Symbol), initializer.Value, declarator.Symbol.Type, Line(declarator), output);
                    }

                    continue;
                }

                if (MethodParser.IsAggregateCollection(declarator.Symbol.Type))
                {
                    var arrays = AggregateLeaves(declarator.Symbol);
                    if (initializer is not null)
                    {
                        AssignArrays(arrays, initializer.Value, Line(declarator), output);
                    }

                    continue;
                }

                if (IsDelegate(declarator.Symbol.Type))
                {
                    DeclareDelegate(declarator, initializer?.Value);
                    continue;
                }

                var local = DeclareLocal(declarator.Symbol);
                if (IsSpan(declarator.Symbol.Type)
                    && (context.LoopDepth > 0 || initializer?.Value.Syntax is not StackAllocArrayCreationExpressionSyntax))
                {
                    // A span cannot go on the tape: it may only be a stackalloc buffer made once.
                    Unsupported(declarator, "a span local other than one stackalloc buffer made outside loops", "use a local array (new double[n])");
                    continue;
                }

                if (initializer is not null && !RefersToParameterArray(initializer.Value, $"the local array '{local.Name}'"))
                {
                    output.Add(new Assign(Line(declarator), local, AssignOp.Set, ParseExpression(initializer.Value)));
                }
            }
        }

        private static IOperation Unwrapped(IOperation value) => value is IConversionOperation conversion ? Unwrapped(conversion.Operand) : value;

        /// <summary>
        /// Reports a local array made to refer to a parameter's array (<c>double[] v = x;</c>): writes through it would
        /// modify the caller's input, and its derivative would have to be the parameter's own buffer.
        /// </summary>
        private bool RefersToParameterArray(IOperation value, string what)
        {
            switch (value)
            {
                case IParameterReferenceOperation { Type: IArrayTypeSymbol } parameter:
                    Unsupported(value, $"{what} referring to the parameter '{parameter.Parameter.Name}'", $"index '{parameter.Parameter.Name}' directly, or copy it into a new array");
                    return true;
                case IFieldReferenceOperation or IPropertyReferenceOperation when value.Type is IArrayTypeSymbol && ClassField(value) is not null:
                    Unsupported(value, $"{what} referring to the array '{value.Syntax}' of a class parameter", $"index '{value.Syntax}' directly, or copy it into a new array");
                    return true;
                case IConversionOperation conversion:
                    return RefersToParameterArray(conversion.Operand, what);
                case IConditionalOperation conditional:
                    return RefersToParameterArray(conditional.WhenTrue, what) | (conditional.WhenFalse is { } otherwise && RefersToParameterArray(otherwise, what));
                case ICoalesceOperation coalesce:
                    return RefersToParameterArray(coalesce.Value, what) | RefersToParameterArray(coalesce.WhenNull, what);
                default:
                    return false;
            }
        }

        private static bool IsSpan(ITypeSymbol type) => type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", IsGenericType: true };

        private Var DeclareLocal(ILocalSymbol symbol)
        {
            if (locals.TryGetValue(symbol, out var existing))
            {
                return existing;
            }

            if (symbol.IsRef)
            {
                Unsupported(symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation(), "a ref local", "use a plain local");
            }
            else if (IsAggregate(symbol.Type) || MethodParser.IsAggregateCollection(symbol.Type))
            {
                // Such a local is its leaves (AggregateLeaves); one declared any other way would read as zeros.
                Unsupported(symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation(), $"the {Kind(symbol.Type)} local '{symbol.Name}' declared here", "declare it with var and a value of its own");
            }

            var local = new Var(TypeNames.Of(symbol.Type), context.Names.Fresh(symbol.Name));
            locals.Add(symbol, local);
            Locals.Add(local);
            return local;
        }

        private void ParseExpressionStatement(IOperation op, List<Stmt> output)
        {
            switch (op)
            {
                case IAssignmentOperation { Target: var written } when WrittenParameterArray(written) is { } parameter:
                    Report(Descriptors.WriteVisibleToCaller, written, method.Name, $"an element of the parameter '{parameter.Name}'", ComputeLocally);
                    break;
                case ISimpleAssignmentOperation assignment when AggregateArray(assignment.Target) is { } arrays:
                    AssignArrays(arrays, assignment.Value, Line(op), output);
                    break;
                case ISimpleAssignmentOperation assignment when AggregateVariable(assignment.Target) is { } leaves:
                    AssignElements(leaves, assignment.Value, assignment.Target.Type!, Line(op), output);
                    break;
                case ICompoundAssignmentOperation { OperatorMethod: { } vectorOperator } compound when IsNumericsVector(vectorOperator.ContainingType)
                    && BinaryOperator(compound.OperatorKind) is { } vectorOp && IsArithmetic(vectorOp) && AggregateVariable(compound.Target) is { } updated:
                    if (Arithmetic(vectorOp, compound.Target, compound.Value, output) is { } values)
                    {
                        AssignLeaves(updated, values, Line(op), output);
                    }

                    break;
                case ICompoundAssignmentOperation { OperatorMethod: { } complexOperator } compound when IsComplex(complexOperator.ContainingType)
                    && BinaryOperator(compound.OperatorKind) is { } complexOp && IsArithmetic(complexOp) && AggregateVariable(compound.Target) is { } complexTarget:
                    if (ComplexArithmetic(complexOp, compound.Target, compound.Value, output) is var (re, im))
                    {
                        AssignLeaves(complexTarget, new List<Expr> { re ?? Build.Num(Types.Double, 0), im ?? Build.Num(Types.Double, 0) }, Line(op), output);
                    }

                    break;
                case ICompoundAssignmentOperation { OperatorMethod: { } userOperator } compound when !IsNumericsVector(userOperator.ContainingType) && !IsComplex(userOperator.ContainingType)
                    && AggregateVariable(compound.Target) is { } target:
                    // p += q with a user-defined operator: p = op_Addition(p, q).
                    if (CallLeaves(UserOperator(userOperator, compound, compound.Target, compound.Value), Line(op), output, target) is { } results)
                    {
                        AssignLeaves(target, results, Line(op), output);
                    }

                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    ParseDeconstruction(deconstruction, output);
                    break;
                case ISimpleAssignmentOperation { Target: IDiscardOperation } discarded:
                    // _ = a ?? throw ...: what the value needs runs; the value itself goes nowhere.
                    if (ParseExpression(discarded.Value) is Call or DiffCall)
                    {
                        Unsupported(op, "a call's result assigned to _", "call it as a statement, or assign it to a local");
                    }

                    break;
                case IAssignmentOperation or IIncrementOrDecrementOperation:
                    if (ParseAssignment(op) is { } assign)
                    {
                        output.Add(assign);
                    }

                    break;
                case IInvocationOperation invocation when InlinedCall(invocation).Handled:
                    // Its statements went before this one; a value it returns is not used.
                    break;
                case IInvocationOperation invocation:
                    var call = ParseInvocation(invocation, asStatement: true);
                    if (call is not null)
                    {
                        output.Add(new ExprStmt(Line(op), call));
                    }

                    break;
                default:
                    UnsupportedStatement(op);
                    break;
            }
        }

        /// <summary>An assignment, compound assignment, <c>++</c> or <c>--</c> as an IR assignment or store.</summary>
        private Stmt? ParseAssignment(IOperation op)
        {
            switch (op)
            {
                case ISimpleAssignmentOperation assignment when AssignedTarget(assignment.Target) is { } target:
                    return RefersToParameterArray(assignment.Value, $"the local array '{(target as Var)?.Name}'") ? null : MakeAssign(Line(op), target, ParseExpression(assignment.Value));
                case ICompoundAssignmentOperation compound when AssignedTarget(compound.Target) is { } target:
                    if (compound.OperatorMethod is not null && !IsGenericMathOperator(compound.OperatorMethod) || BinaryOperator(compound.OperatorKind) is not { } binary)
                    {
                        Unsupported(op, $"the compound operator '{compound.OperatorKind}'", "write the operation out");
                        return null;
                    }

                    var value = ParseExpression(compound.Value);
                    var type = WiderType(target.Type, value.Type);
                    CheckRemainder(binary, type, op);
                    return MakeAssign(Line(op), target, ConvertTo(target.Type, new Binary(type, binary, ConvertTo(type, target), ConvertTo(type, value))));
                case IIncrementOrDecrementOperation increment when AssignedTarget(increment.Target) is { } target:
                    var step = increment.Kind == OperationKind.Increment ? BinaryOp.Add : BinaryOp.Subtract;
                    return MakeAssign(Line(op), target, new Binary(target.Type, step, target, Literals.Number(target.Type, 1)));
                case IDeconstructionAssignmentOperation:
                    Unsupported(op, "a deconstruction", "assign each variable on its own");
                    return null;
                default:
                    return null;
            }
        }

        private static Stmt MakeAssign(int line, Expr target, Expr value) =>
            target is Index element ? new Store(line, element, AssignOp.Set, value) : new Assign(line, (Var)target, AssignOp.Set, value);

        private static Expr TargetOf(Stmt assignment) => assignment is Store store ? store.Target : ((Assign)assignment).Target;

        /// <summary>
        /// An assignment or increment used as a value: it runs just before the statement, which then reads the
        /// variable (or, for <c>x++</c>, a copy of its old value).
        /// </summary>
        private Expr ParseNestedAssignment(IOperation op)
        {
            if (sideEffects is null || conditionalDepth > 0)
            {
                Unsupported(op, "an assignment in the right operand of && or || or in a branch of ?:, which may not run", "write the assignment as its own statement");
                return Placeholder;
            }

            var targetOperation = op is IAssignmentOperation a ? a.Target : ((IIncrementOrDecrementOperation)op).Target;
            if (ParseAssignment(op) is not { } assign)
            {
                return Placeholder;
            }

            modified!.Add(targetOperation switch
            {
                ILocalReferenceOperation l => l.Local,
                IParameterReferenceOperation p => p.Parameter,
                IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation l } => l.Local,
                _ => method,
            });
            var target = TargetOf(assign);
            if (op is IIncrementOrDecrementOperation { IsPostfix: true })
            {
                var old = new Var(target.Type, context.Names.Fresh("old"));
                Locals.Add(old);
                sideEffects.Add(new Assign(assign.Line, old, AssignOp.Set, target));
                sideEffects.Add(assign);
                return old;
            }

            sideEffects.Add(assign);
            return target;
        }

        /// <summary>
        /// What an assignment writes: a local, a parameter, or an element of a local array. Anything else is visible
        /// to the caller (reported) or unsupported.
        /// </summary>
        private Expr? AssignedTarget(IOperation target)
        {
            switch (target)
            {
                case var written when WrittenParameterArray(written) is { } parameter:
                    Report(Descriptors.WriteVisibleToCaller, target, method.Name, $"an element of the parameter '{parameter.Name}'", ComputeLocally);
                    return null;
                case var aggregate when AggregateVariable(aggregate) is not null || AggregateArray(aggregate) is not null:
                    Unsupported(target, $"assigning a {Kind(aggregate.Type)} inside an expression", "assign it as a statement of its own");
                    return null;
                case ILocalReferenceOperation local when IsSpan(local.Local.Type):
                    Unsupported(target, "assigning a span local after its declaration", "declare it once with stackalloc, outside loops, or use an array");
                    return null;
                case ILocalReferenceOperation local:
                    return DeclareLocal(local.Local);
                case IParameterReferenceOperation parameter when stagedParameters.Contains(parameter.Parameter):
                    return boundParameters[parameter.Parameter];
                case IParameterReferenceOperation parameter when HasAttribute(parameter.Parameter, "GradGen.NoDerivativeAttribute") && !TypeNames.CarriesNoReal(parameter.Parameter.Type):
                    // A constant by declaration: a differentiable value assigned to it would lose its derivative.
                    Unsupported(target, $"assigning to the [NoDerivative] parameter '{parameter.Parameter.Name}'", "copy it into a local first");
                    return null;
                // A value the method holds its own copy of: a value type, or a type parameter of generic math (a real).
                case IParameterReferenceOperation parameter when parameter.Parameter.RefKind == RefKind.None && !parameter.Parameter.Type.IsRefLikeType
                    && (parameter.Parameter.Type.IsValueType || TypeNames.Of(parameter.Parameter.Type) is TypeParameterType):
                    return new Var(TypeNames.Of(parameter.Parameter.Type), parameter.Parameter.Name);
                case IFieldReferenceOperation or IPropertyReferenceOperation when MemberOf(target) is { Instance: { } instance, Name: var name }
                    && AggregateVariable(instance) is { } leaves && LeafRange(TypeNames.Of(instance.Type!), name) is { Count: 1 } leaf:
                    return leaves[leaf.Start];
                case IFieldReferenceOperation { Instance: ILocalReferenceOperation { Local.Type.IsValueType: true } local }:
                    // A member of a struct local: no write the caller sees, but a value of a type not differentiated.
                    context.Report(Descriptors.UndifferentiatedType, target.Syntax.GetLocation(), $"The local '{local.Local.Name}'", local.Local.Type.ToDisplayString(), "keep the numbers in double or float locals");
                    return null;
                case IFieldReferenceOperation field:
                    Report(Descriptors.WriteVisibleToCaller, target, method.Name, $"the field '{field.Field.Name}'", field.Instance is IInstanceReferenceOperation
                        // State a later call reads (a filter's delay line, a controller's integral): what a derivative of one call cannot see.
                        ? $"make the method a function of its state, taking '{field.Field.Name}' as a parameter and returning its new value in a tuple ((y, next) = Step(x, {field.Field.Name})), and store it in the field outside the differentiated method"
                        : ComputeLocally);
                    return null;
                case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation local } when rowViews.ContainsKey(local.Local):
                    Report(Descriptors.WriteVisibleToCaller, target, method.Name, $"an element of the row '{local.Local.Name}' of a parameter", ComputeLocally);
                    return null;
                case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation local } element:
                    return new Index(TypeNames.Of(element.Type!), DeclareLocal(local.Local), ParseIndices(element.Indices));
                case IArrayElementReferenceOperation { ArrayReference: IParameterReferenceOperation parameter } element when SymbolEqualityComparer.Default.Equals(parameter.Parameter, outputArray):
                    return new Index(TypeNames.Of(element.Type!), boundParameters[parameter.Parameter], ParseIndices(element.Indices));
                case IArrayElementReferenceOperation { ArrayReference: IParameterReferenceOperation parameter }:
                    Report(Descriptors.WriteVisibleToCaller, target, method.Name, $"an element of the parameter '{parameter.Parameter.Name}'", ComputeLocally);
                    return null;
                case IArrayElementReferenceOperation:
                    Report(Descriptors.WriteVisibleToCaller, target, method.Name, "an array element", ComputeLocally);
                    return null;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: ILocalReferenceOperation span } element:
                    return new Index(TypeNames.Of(element.Type!), DeclareLocal(span.Local), element.Arguments.Select(a => ParseExpression(a.Value)).ToEquatableArray());
                case IPropertyReferenceOperation property:
                    Report(Descriptors.WriteVisibleToCaller, target, method.Name, property.Property.IsIndexer ? $"an element of '{property.Instance?.Syntax}'" : $"the property '{property.Property.Name}'", ComputeLocally);
                    return null;
                default:
                    Unsupported(target, "assigning to this target", "assign to a local variable");
                    return null;
            }
        }

        private void ParseFor(IForLoopOperation loop, List<Stmt> output)
        {
            var line = Line(loop);
            if (CanonicalCounter(loop) is { } counter)
            {
                var declarator = ((IVariableDeclarationGroupOperation)loop.Before[0]).Declarations[0].Declarators[0];
                var counterVar = DeclareLocal(counter.Local);
                var start = ParseExpression((declarator.Initializer ?? ((IVariableDeclarationGroupOperation)loop.Before[0]).Declarations[0].Initializer)!.Value);
                var condition = loop.Condition is null ? True : ParseExpression(loop.Condition);
                output.Add(new For(line, counterVar, start, condition, counter.Step, ParseLoopBody(loop.Body)));
                return;
            }

            foreach (var before in loop.Before)
            {
                ParseStatement(before, output);
            }

            context.LoopDepth++;
            var step = new List<Stmt>();
            foreach (var bottom in loop.AtLoopBottom)
            {
                ParseStatement(bottom, step);
            }

            context.LoopDepth--;
            output.Add(Loop(loop, loop.Condition, loop.Body, conditionAtEnd: false, step.ToEquatableArray()));
        }

        /// <summary>
        /// A while, do or for loop. A condition that assigns (<c>while (--i &gt; 0)</c>) or needs statements first is
        /// tested inside the loop, those statements run before it on every pass: <c>while (true) { before; if (!c) break; body }</c>
        /// (a do loop's test goes after its body, which then may not <c>continue</c>).
        /// </summary>
        private Stmt Loop(IOperation loop, IOperation? conditionOperation, IOperation bodyOperation, bool conditionAtEnd, EquatableArray<Stmt> step)
        {
            var (before, condition) = conditionOperation is null ? (new List<Stmt>(), True) : ParseCondition(conditionOperation);
            var body = ParseLoopBody(bodyOperation);
            if (before.Count == 0)
            {
                return new While(Line(loop), condition, body, conditionAtEnd) { Step = step };
            }

            if (conditionAtEnd && loop.Descendants().Any(d => d is IBranchOperation { BranchKind: BranchKind.Continue } branch && SymbolEqualityComparer.Default.Equals(branch.Target, ((ILoopOperation)loop).ContinueLabel)))
            {
                Unsupported(conditionOperation!, "an assignment in the condition of a do loop whose body continues", "assign before the loop's end");
            }

            var test = before.Append(new If(Line(loop), Not(condition), EquatableArray.Of<Stmt>(new Break(Line(loop))), EquatableArray<Stmt>.Empty));
            var statements = conditionAtEnd ? body.Concat(test) : test.Concat(body);
            return new While(Line(loop), True, statements.ToEquatableArray(), ConditionAtEnd: false) { Step = step };
        }

        /// <summary>A condition, with the statements it needs first (an assignment in it, a staged value) to run just before it.</summary>
        private (List<Stmt> Before, Expr Condition) ParseCondition(IOperation condition)
        {
            var before = new List<Stmt>();
            var parsed = Into(before, () =>
            {
                hiddenWrites.Push(new List<ISymbol>());
                var test = ParseExpression(condition);
                CheckSideEffects(condition, hiddenWrites.Pop());
                return test;
            });
            return (before, parsed);
        }

        private IOperation? ForEachCollection(IForEachLoopOperation loop)
        {
            var collection = loop.Collection is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : loop.Collection;
            return loop.LoopControlVariable is IVariableDeclaratorOperation && collection.Type is { } type
                && (Types.ElementType(TypeNames.Of(type)) is not null && !Types.IsMatrix(TypeNames.Of(type)) || CollectionItems(collection) is not null
                    || TypeNames.Collection(type) is not null && IsConstantData(collection))
                ? collection
                : null;
        }

        /// <summary>The rows of jagged parameters taken into locals (<c>var row = w[i]</c>): its elements are the parameter's from Start, Length of them.</summary>
        private readonly Dictionary<ILocalSymbol, (Var Items, Expr Start, Expr Length)> rowViews = new(SymbolEqualityComparer.Default);

        /// <summary>The elements (row after row) and row offsets a jagged array parameter is read into (<see cref="Types.IsJagged"/>); null for anything else.</summary>
        private (Var Items, Var Offsets)? JaggedLeaves(IOperation? op) =>
            op is IParameterReferenceOperation { Parameter: var parameter } && Types.IsJagged(TypeNames.Of(parameter.Type)) && aggregateParameters.TryGetValue(parameter, out var leaves)
                ? (leaves[0], leaves[1])
                : null;

        /// <summary>
        /// Row <paramref name="index"/> of a jagged parameter: its start and length, as expressions, or, given
        /// <paramref name="output"/>, as locals named after <paramref name="name"/> set there (a row read more than once).
        /// </summary>
        private (Var Items, Expr Start, Expr Length) RowView((Var Items, Var Offsets) rows, Expr index, string? name = null, List<Stmt>? output = null)
        {
            // Staged where it can run first; in a condition or a branch of ?: the index is read where it stands (three
            // times; an index has no side effect there, or CheckSideEffects reports it).
            var staging = output ?? Hoisted;
            if (output is not null || staging == sideEffects)
            {
                index = StagedScalar(index, staging);
            }

            var start = new Index(Types.Int, rows.Offsets, EquatableArray.Of(index));
            var length = Build.Sub(new Index(Types.Int, rows.Offsets, EquatableArray.Of(Build.Add(index, Build.Num(Types.Int, 1))!)), start)!;
            if (output is null)
            {
                return (rows.Items, start, length);
            }

            var (startLocal, lengthLocal) = (new Var(Types.Int, context.Names.Fresh(name + "Start")), new Var(Types.Int, context.Names.Fresh(name + "Length")));
            Locals.AddRange(new[] { startLocal, lengthLocal });
            output.Add(new Assign(0, startLocal, AssignOp.Set, start));
            output.Add(new Assign(0, lengthLocal, AssignOp.Set, length));
            return (rows.Items, startLocal, lengthLocal);
        }

        /// <summary>Element <paramref name="index"/> of a row, bounds checked as the row's own indexer is (an index past its end is no element of the next row).</summary>
        private static Index RowElement((Var Items, Expr Start, Expr Length) row, Expr index) =>
            new(row.Items.Type.Element!, row.Items, EquatableArray.Of<Expr>(new Call(Types.Int, null, "global::GradGen.Runtime.Shapes", "Element", EquatableArray.Of(row.Start, row.Length, index))));

        /// <summary>The array a differentiated collection parameter (<see cref="CollectionType"/>) is copied into, which the body reads; null for anything else.</summary>
        private Var? CollectionItems(IOperation? op) =>
            op is IParameterReferenceOperation { Parameter: var parameter } && TypeNames.Collection(parameter.Type) is not null && aggregateParameters.TryGetValue(parameter, out var items)
                ? items[0]
                : null;

        /// <summary>The elements of a collection no derivative is in ([NoDerivative], a field of this), read into an array as a differentiated one's are; null for anything else.</summary>
        private Expr? ConstantItems(IOperation op) =>
            op.Type is { } type && TypeNames.Collection(type) is { } collection && CollectionItems(op) is null && IsConstantData(op)
                ? Build.Shapes("Items", EquatableArray.Of(ParseReceiver(op)!), Types.Array(collection.ItemType))
                : null;

        /// <summary>
        /// Whether <paramref name="op"/> is the source of a foreach or of a LINQ operator, which read it element by element,
        /// or is only tested for null (<c>x == null</c>, <c>x is null</c>, <c>ArgumentNullException.ThrowIfNull(x)</c>), which its copy answers alike.
        /// </summary>
        private static bool IsEnumerated(IOperation op)
        {
            var at = op;
            while (at.Parent is IConversionOperation conversion)
            {
                at = conversion;
            }

            return at.Parent is IForEachLoopOperation
                || at.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: var target } } && (target.ContainingType?.ToDisplayString() == "System.Linq.Enumerable" || IsGuard(target))
                || at.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test && (test.LeftOperand == at ? test.RightOperand : test.LeftOperand).ConstantValue is { HasValue: true, Value: null }
                || at.Parent is IIsPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } or INegatedPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } } };
        }

        /// <summary>
        /// <c>foreach (var v in a) body</c> is <c>for (int i = 0; i &lt; a.Length; i++) { var v = a[i]; body }</c>, reversed by
        /// counting back unless the body leaves the loop early.
        /// </summary>
        private void ParseForEach(IForEachLoopOperation loop, IOperation collectionOperation, List<Stmt> output)
        {
            var line = Line(loop);
            var variable = ((IVariableDeclaratorOperation)loop.LoopControlVariable).Symbol;
            var arrays = AggregateArray(collectionOperation);
            var rows = JaggedLeaves(collectionOperation);
            // The collection is evaluated once, before the loop, with what it needs (new[] { a, b }) just before it.
            Expr? collection = arrays?[0] ?? rows?.Items ?? ConstantItems(collectionOperation);
            if (collection is null)
            {
                var (before, parsed) = ParseCondition(collectionOperation);
                output.AddRange(before);
                collection = parsed;
            }

            if (collection is not Var)
            {
                var copy = new Var(collection.Type, context.Names.Fresh("collection"));
                Locals.Add(copy);
                output.Add(new Assign(line, copy, AssignOp.Set, collection));
                collection = copy;
            }

            var counter = new Var(Types.Int, context.Names.Fresh("index"));
            Locals.Add(counter);
            var body = new List<Stmt>();
            var elementType = TypeNames.Collection(collectionOperation.Type!)?.ItemType ?? TypeNames.Of(collectionOperation.Type!).Element!;
            if (Types.Shape(TypeNames.Of(variable.Type)) != Types.Shape(elementType))
            {
                Unsupported(loop.LoopControlVariable, $"a foreach variable of type '{TypeNames.Of(variable.Type)}' over elements of type '{elementType}'", "declare it with the element type, or var");
            }
            else if (rows is { } jagged)
            {
                // A row of a jagged parameter, as a row taken into a local.
                rowViews[variable] = RowView(jagged, counter, variable.Name, body);
            }
            else if (IsAggregate(variable.Type))
            {
                // A struct's leaves: from the leaf arrays of one GradGen follows, else read from the (constant) element.
                var element = new Index(elementType, collection, EquatableArray.Of<Expr>(counter));
                var values = arrays is not null ? Build.Elements(arrays, counter) : Types.Leaves(elementType)!.Select((_, k) => (Expr)Build.Leaf(element, k)).ToList();
                AssignLeaves(AggregateLeaves(variable), values, line, body);
            }
            else
            {
                var element = DeclareLocal(variable);
                body.Add(new Assign(line, element, AssignOp.Set, new Index(element.Type, collection, EquatableArray.Of<Expr>(counter))));
            }

            var count = rows is { } counted ? Build.Sub(Build.Length(counted.Offsets), Build.Num(Types.Int, 1))! : Build.Length(collection);
            var condition = new Binary(Types.Bool, BinaryOp.Less, counter, count);
            context.LoopDepth++;
            ParseStatement(loop.Body, body);
            context.LoopDepth--;

            var leaves = loop.Body.DescendantsAndSelf().Any(d => d is IReturnOperation
                || d is IBranchOperation { BranchKind: BranchKind.Break } b && SymbolEqualityComparer.Default.Equals(b.Target, loop.ExitLabel));
            var zero = Literals.Number(Types.Int, 0);
            if (!leaves)
            {
                output.Add(new For(line, counter, zero, condition, LoopStep.Up, body.ToEquatableArray()));
                return;
            }

            output.Add(new Assign(line, counter, AssignOp.Set, zero));
            var increment = new Assign(line, counter, AssignOp.Set, new Binary(Types.Int, BinaryOp.Add, counter, Literals.Number(Types.Int, 1)));
            output.Add(new While(line, condition, body.ToEquatableArray(), ConditionAtEnd: false) { Step = EquatableArray.Of<Stmt>(increment) });
        }

        /// <summary>
        /// The counter of <c>for (int i = a; cond; i++)</c> (or <c>i--</c>) when the body neither assigns it nor leaves
        /// the loop early: such a loop is reversed by counting back, with no per-iteration record.
        /// </summary>
        private static (ILocalSymbol Local, LoopStep Step)? CanonicalCounter(IForLoopOperation loop)
        {
            if (loop.Before.Length != 1
                || loop.Before[0] is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
                || group.Declarations[0].Declarators.Length != 1
                || loop.AtLoopBottom.Length != 1
                || loop.AtLoopBottom[0] is not IExpressionStatementOperation { Operation: IIncrementOrDecrementOperation step }
                || step.Target is not ILocalReferenceOperation stepTarget)
            {
                return null;
            }

            var declarator = group.Declarations[0].Declarators[0];
            var local = declarator.Symbol;
            if (loop.Condition?.DescendantsAndSelf().Any(d => d is IAssignmentOperation or IIncrementOrDecrementOperation) == true)
            {
                // Its condition needs statements first (Loop).
                return null;
            }

            if (local.Type.SpecialType != SpecialType.System_Int32
                || (declarator.Initializer ?? group.Declarations[0].Initializer) is null
                || !SymbolEqualityComparer.Default.Equals(stepTarget.Local, local))
            {
                return null;
            }

            foreach (var descendant in loop.Body.DescendantsAndSelf())
            {
                var writesCounter = descendant switch
                {
                    ISimpleAssignmentOperation a => IsLocal(a.Target, local),
                    ICompoundAssignmentOperation c => IsLocal(c.Target, local),
                    IIncrementOrDecrementOperation i => IsLocal(i.Target, local),
                    IArgumentOperation { Parameter.RefKind: not RefKind.None } arg => IsLocal(arg.Value, local),
                    _ => false,
                };
                var leaves = descendant is IReturnOperation
                    || descendant is IBranchOperation { BranchKind: BranchKind.Break } b && SymbolEqualityComparer.Default.Equals(b.Target, loop.ExitLabel);
                if (writesCounter || leaves)
                {
                    return null;
                }
            }

            return (local, step.Kind == OperationKind.Increment ? LoopStep.Up : LoopStep.Down);
        }

        private static bool IsLocal(IOperation operation, ILocalSymbol local) =>
            operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

        private void ParseSwitch(ISwitchOperation switchOp, List<Stmt> output)
        {
            // A switch steers: on a real value too, whose derivative flows around it.
            var value = ParseExpression(switchOp.Value);
            Var subject;
            if (value is Var v)
            {
                subject = v;
            }
            else
            {
                subject = new Var(value.Type, context.Names.Fresh("switchValue"));
                Locals.Add(subject);
                output.Add(new Assign(Line(switchOp), subject, AssignOp.Set, value));
            }

            switchExits.Push(switchOp.ExitLabel);
            var sections = new List<(Expr? Condition, EquatableArray<Stmt> Body, int Line)>();
            EquatableArray<Stmt>? defaultBody = null;
            foreach (var section in switchOp.Cases)
            {
                Expr? condition = null;
                var isDefault = false;
                foreach (var clause in section.Clauses)
                {
                    switch (clause)
                    {
                        case IDefaultCaseClauseOperation:
                            isDefault = true;
                            break;
                        case ISingleValueCaseClauseOperation single:
                            condition = Either(condition, new Binary(Types.Bool, BinaryOp.Equal, subject, ParseExpression(single.Value)));
                            break;
                        case IPatternCaseClauseOperation { Pattern: IDiscardPatternOperation, Guard: null }:
                            isDefault = true;
                            break;
                        case IPatternCaseClauseOperation patternClause:
                            var matches = Matches(subject, patternClause.Pattern);
                            condition = Either(condition, patternClause.Guard is { } guard ? new Binary(Types.Bool, BinaryOp.And, matches, ParseExpression(guard)) : matches);
                            break;
                        default:
                            Unsupported(clause, "this case label", "use constant and pattern case labels");
                            break;
                    }
                }

                var statements = WithoutFinalBreak(section.Body, switchOp.ExitLabel);
                var body = new List<Stmt>();
                foreach (var statement in statements)
                {
                    ParseStatement(statement, body);
                }

                if (isDefault)
                {
                    defaultBody = body.ToEquatableArray();
                }
                else if (condition is not null)
                {
                    sections.Add((condition, body.ToEquatableArray(), section.Syntax is { } s ? Line(s.GetLocation()) : 0));
                }
            }

            switchExits.Pop();
            var chain = defaultBody ?? EquatableArray<Stmt>.Empty;
            for (var i = sections.Count - 1; i >= 0; i--)
            {
                chain = EquatableArray.Of<Stmt>(new If(sections[i].Line, sections[i].Condition!, sections[i].Body, chain));
            }

            foreach (var statement in chain)
            {
                output.Add(statement);
            }
        }

        private static Expr Either(Expr? condition, Expr test) => condition is null ? test : new Binary(Types.Bool, BinaryOp.Or, condition, test);

        /// <summary>A switch section's statements without the break that ends it, also when it ends a trailing block.</summary>
        private static ImmutableArray<IOperation> WithoutFinalBreak(ImmutableArray<IOperation> statements, ILabelSymbol exit)
        {
            if (statements.IsEmpty)
            {
                return statements;
            }

            var last = statements[statements.Length - 1];
            return last switch
            {
                IBranchOperation { BranchKind: BranchKind.Break } branch when SymbolEqualityComparer.Default.Equals(branch.Target, exit) => statements.RemoveAt(statements.Length - 1),
                IBlockOperation block => statements.RemoveAt(statements.Length - 1).AddRange(WithoutFinalBreak(block.Operations, exit)),
                _ => statements,
            };
        }

        private bool IsSwitchExit(IBranchOperation branch) =>
            switchExits.Count > 0 && SymbolEqualityComparer.Default.Equals(branch.Target, switchExits.Peek());

        /// <summary>Array indices; only <c>int</c> ones, which is all a derivative buffer (a span) can be indexed with.</summary>
        private EquatableArray<Expr> ParseIndices(IEnumerable<IOperation> indices)
        {
            foreach (var index in indices.Where(i => i.Type is { SpecialType: not SpecialType.System_Int32 }))
            {
                Unsupported(index, $"an array index of type '{index.Type!.ToDisplayString()}'", "index with an int");
            }

            return indices.Select(ParseExpression).ToEquatableArray();
        }

        private Expr ParseExpression(IOperation op)
        {
            if (op is IThrowOperation)
            {
                Unsupported(op, "a throw expression other than a branch of ?: or the right of ??", "throw from an if statement");
                return Placeholder;
            }

            if (op.Kind == OperationKind.Invalid || op.Type is null && op is not IInvocationOperation)
            {
                context.Invalid = true;
                return Placeholder;
            }

            if (op.Type is { TypeKind: TypeKind.Dynamic })
            {
                Unsupported(op, "'dynamic'", "give the value a static type");
                return Placeholder;
            }

            if (op.ConstantValue.HasValue && op.Type is { } constantType)
            {
                return Constant(op.ConstantValue.Value, constantType);
            }

            switch (op)
            {
                case var aggregate when AggregateVariable(aggregate) is not null:
                    Unsupported(op, $"the {Kind(op.Type)} '{op.Syntax}' as a whole", "use its elements, assign it to a local, or return it");
                    return Placeholder;
                case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } array } when AggregateArray(array) is { } arrays:
                    return Build.Length(arrays[0]);
                case IFieldReferenceOperation or IPropertyReferenceOperation when ClassField(op) is { } field:
                    return field;
                case IParameterReferenceOperation parameter when IsDifferentiatedClass(parameter.Parameter)
                    && !(op.Parent is IMemberReferenceOperation { Instance: var receiver } && receiver == op && op.Parent is not IMethodReferenceOperation):
                    Unsupported(op, $"the class instance '{parameter.Parameter.Name}' as a whole here (passed on, stored, or a method called on it)", "read its fields in this method, or pass them as arguments");
                    return Placeholder;
                case IArrayElementReferenceOperation { ArrayReference: IArrayElementReferenceOperation { ArrayReference: var jagged, Indices.Length: 1 } row, Indices.Length: 1 } element
                    when JaggedLeaves(jagged) is { } rows:
                    return RowElement(RowView(rows, ParseExpression(row.Indices[0])), ParseExpression(element.Indices[0]));
                case IPropertyReferenceOperation { Property.Name: "Length", Instance: IArrayElementReferenceOperation { ArrayReference: var jagged, Indices.Length: 1 } row } when JaggedLeaves(jagged) is { } rows:
                    return RowView(rows, ParseExpression(row.Indices[0])).Length;
                case IPropertyReferenceOperation { Property.Name: "Length", Instance: var jagged } when JaggedLeaves(jagged) is { } rows:
                    return Build.Sub(Build.Length(rows.Offsets), Build.Num(Types.Int, 1))!;
                case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation local, Indices.Length: 1 } element when rowViews.TryGetValue(local.Local, out var view):
                    return RowElement(view, ParseExpression(element.Indices[0]));
                case IPropertyReferenceOperation { Property.Name: "Length", Instance: ILocalReferenceOperation local } when rowViews.TryGetValue(local.Local, out var view):
                    return view.Length;
                case ILocalReferenceOperation local when rowViews.ContainsKey(local.Local):
                    Unsupported(op, $"the row '{local.Local.Name}' other than indexed or its Length read", "index it (row[j]), or copy it into a new array");
                    return Placeholder;
                case var jagged when JaggedLeaves(jagged) is not null || jagged is IArrayElementReferenceOperation { ArrayReference: var rows } && JaggedLeaves(rows) is not null:
                    Unsupported(op, $"the jagged array '{op.Syntax}' other than indexed (w[i][j]), its rows' Length read, or a row taken into a local (var row = w[i])", "index it");
                    return Placeholder;
                case IPropertyReferenceOperation { Property.Name: "Count", Instance: var collection } when CollectionItems(collection) is { } items:
                    return Build.Length(items);
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: var collection } indexer when CollectionItems(collection) is { } items:
                    return new Index(items.Type.Element!, items, EquatableArray.Of(ParseExpression(indexer.Arguments[0].Value)));
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } receiver, Arguments.Length: 1 } indexer
                    when receiver.Type is { } receiverType && TypeNames.Collection(receiverType) is not null && IsConstantData(receiver):
                    // An element of a collection no derivative is in ([NoDerivative], a field of this): a constant.
                    return new Index(TypeNames.Of(op.Type!), ParseReceiver(receiver)!, EquatableArray.Of(ParseExpression(indexer.Arguments[0].Value)));
                case var collection when CollectionItems(collection) is { } items:
                    if (!IsEnumerated(op))
                    {
                        Unsupported(op, $"the collection '{op.Syntax}' other than indexed, counted or enumerated here", "read v[i] and v.Count, enumerate it with foreach or LINQ, or take an array");
                        return Placeholder;
                    }

                    return items;
                case var array when AggregateArray(array) is not null:
                    Unsupported(op, $"the array of structs '{op.Syntax}' as a whole here", "index it (a[i], a[i].X), read its Length, or pass it to a [Differentiable] method");
                    return Placeholder;
                case IFieldReferenceOperation or IPropertyReferenceOperation when ParseLeaf(op) is { } leaf:
                    return leaf;
                case ILocalReferenceOperation local when delegates.ContainsKey(local.Local):
                    Unsupported(op, $"the delegate '{local.Local.Name}' other than called", "call it, or pass the lambda itself");
                    return Placeholder;
                case ILocalReferenceOperation local:
                    return DeclareLocal(local.Local);
                case IParameterReferenceOperation parameter when boundParameters.TryGetValue(parameter.Parameter, out var argument):
                    return argument;
                case IParameterReferenceOperation parameter when !IsOwn(parameter.Parameter):
                    // A member read in place whose parameter was not bound to its argument: never a variable of this method.
                    Unsupported(op, $"the parameter '{parameter.Parameter.Name}' of '{parameter.Parameter.ContainingSymbol.Name}' here", "compute it in this method");
                    return Placeholder;
                case IParameterReferenceOperation parameter:
                    if (parameter.Parameter.RefKind is not (RefKind.None or RefKind.In))
                    {
                        Unsupported(op, "a ref or out parameter", "pass it by value");
                    }

                    return new Var(IsDifferentiatedClass(parameter.Parameter) ? MethodParser.AggregateOf(parameter.Parameter) : TypeNames.Of(parameter.Parameter.Type), parameter.Parameter.Name);
                case IInstanceReferenceOperation:
                    return new This(TypeNames.Of(op.Type!));
                case IFieldReferenceOperation field:
                    return new Member(TypeNames.Of(op.Type!), ParseReceiver(field.Instance), field.Field.IsStatic ? TypeNames.Spelled(field.Field.ContainingType) : null, field.Field.Name);
                case IArrayElementReferenceOperation element:
                    return new Index(TypeNames.Of(op.Type!), ParseExpression(element.ArrayReference), ParseIndices(element.Indices));
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } span } indexer when Types.ElementType(TypeNames.Of(span.Type!)) is not null:
                    return new Index(TypeNames.Of(op.Type!), ParseExpression(span), indexer.Arguments.Select(a => ParseExpression(a.Value)).ToEquatableArray());
                case { Kind: OperationKind.None, Syntax: StackAllocArrayCreationExpressionSyntax { Initializer: null } } stackAllocation
                    when Types.ElementType(TypeNames.Of(op.Type!)) is { } stackElement && stackAllocation.ChildOperations.Count == 1:
                    return new NewArray(TypeNames.Of(op.Type!), stackElement, EquatableArray.Of(ParseExpression(stackAllocation.ChildOperations.First()))) { OnStack = true };
                case IArrayCreationOperation { Type: IArrayTypeSymbol { ElementType: IArrayTypeSymbol } }:
                    Unsupported(op, "an array of arrays made in the body (not yet)", "use a matrix (new double[m, n]) or separate arrays");
                    return Placeholder;
                case IArrayCreationOperation { Initializer: { } initializer, DimensionSizes.Length: 1, Type: IArrayTypeSymbol { ElementType: var elementType } } creation when !IsAggregate(elementType):
                    return ArrayOf(creation, initializer);
                case IArrayCreationOperation { Initializer: null } creation:
                    return new NewArray(TypeNames.Of(op.Type!), TypeNames.Of(((IArrayTypeSymbol)op.Type!).ElementType), creation.DimensionSizes.Select(ParseExpression).ToEquatableArray());
                case IPropertyReferenceOperation { Instance: null, Property.Name: "Zero" or "One" } identity when TypeNames.Of(op.Type!) is TypeParameterType generic && TypeNames.StaticOwner(identity.Property) == generic.Name:
                    return Literals.Number(generic, identity.Property.Name == "One" ? 1 : 0);
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty:
                    return new Member(TypeNames.Of(op.Type!), ParseReceiver(property.Instance), property.Property.IsStatic ? TypeNames.StaticOwner(property.Property) : null, property.Property.Name);
                case IConversionOperation conversion:
                    return ParseConversion(conversion);
                case IBinaryOperation binary:
                    return ParseBinary(binary);
                case IUnaryOperation unary:
                    return ParseUnary(unary);
                case IConditionalOperation conditional when (Thrown(conditional.WhenTrue) ?? Thrown(conditional.WhenFalse)) is { } thrown:
                    var throwsOnTrue = Thrown(conditional.WhenTrue) is not null;
                    var decision = ParseExpression(conditional.Condition);
                    HoistThrow(thrown, throwsOnTrue ? decision : Not(decision), ParseThrown(thrown));
                    return ParseExpression(throwsOnTrue ? conditional.WhenFalse! : conditional.WhenTrue);
                case ICoalesceOperation coalesce when Thrown(coalesce.WhenNull) is { } thrown:
                    var checkedValue = ParseExpression(coalesce.Value);
                    if (checkedValue is not Var)
                    {
                        Unsupported(coalesce.Value, "'?? throw' after anything but a variable", "check the variable it is assigned to");
                        return Placeholder;
                    }

                    HoistThrow(thrown, Build.NullTest(BinaryOp.Equal, checkedValue), ParseThrown(thrown));
                    return checkedValue;
                case IInterpolatedStringOperation interpolated:
                    return ParseInterpolated(interpolated);
                case IObjectCreationOperation { Initializer: null, Type: { TypeKind: TypeKind.Class } type } creation when TypeNames.Of(type) is NamedType
                    && creation.Arguments.All(a => a.ArgumentKind != ArgumentKind.ParamArray && a.Parameter?.RefKind is null or RefKind.None):
                    // An object of the body's own (an exception, a helper like a distribution whose methods are
                    // [Differentiable]): constant, as a plain call's result; a derivative its constructor would need is reported.
                    var made = new New(TypeNames.Of(type), Arguments(creation.Arguments).Select(ParseExpression).ToEquatableArray());
                    PlainCalls.Add((made, creation.Syntax.GetLocation(), $"{type.Name}..ctor", true, new List<(Expr, string, bool)>()));
                    return made;
                case IIsPatternOperation isPattern:
                    return Matches(Subject(isPattern.Value, Tests(isPattern.Pattern) > 1), isPattern.Pattern);
                case ISwitchExpressionOperation switchExpression:
                    return ParseSwitchExpression(switchExpression);
                case IConditionalOperation conditional when conditional.WhenFalse is not null:
                    var test = ParseExpression(conditional.Condition);
                    conditionalDepth++;
                    var whenTrue = ParseExpression(conditional.WhenTrue);
                    var whenFalse = ParseExpression(conditional.WhenFalse);
                    conditionalDepth--;
                    return new Conditional(TypeNames.Of(op.Type!), test, whenTrue, whenFalse);
                case IInvocationOperation invocation when IsAggregate(invocation.Type):
                    // A tuple-valued call's elements are assigned to locals where it is deconstructed, assigned or read
                    // (BodyParser.Tuples); as a value anywhere else (a branch of ?:, an array element, an argument, a
                    // conversion) its derivative would not follow it.
                    Unsupported(op, "a tuple-valued call used as a whole here", "deconstruct it into locals (var (a, b) = G(x)), assign it to a tuple local, or read one element (G(x).Item1)");
                    return Placeholder;
                case IInvocationOperation invocation:
                    return VectorScalar(invocation) ?? ComplexScalar(invocation) ?? ParseInvocation(invocation, asStatement: false) ?? Placeholder;
                case IParenthesizedOperation parenthesized:
                    return ParseExpression(parenthesized.Operand);
                case IAssignmentOperation or IIncrementOrDecrementOperation:
                    return ParseNestedAssignment(op);
                default:
                    Unsupported(op, Describe(op), "rewrite it with arithmetic, locals and calls");
                    return Placeholder;
            }
        }

        /// <summary>
        /// <c>new[] { a, b }</c> (or a params list) as a local array made and filled just before the statement that reads
        /// it: where nothing may run first (a condition, a branch of ?:), reported.
        /// </summary>
        private Expr ArrayOf(IArrayCreationOperation creation, IArrayInitializerOperation initializer)
        {
            var type = TypeNames.Of(creation.Type!);
            var array = new Var(type, context.Names.Fresh("array"));
            Locals.Add(array);
            var output = Hoisted;
            var line = Line(creation);
            output.Add(new Assign(line, array, AssignOp.Set, new NewArray(type, type.Element!, EquatableArray.Of<Expr>(Literals.Number(Types.Int, initializer.ElementValues.Length)))));
            for (var i = 0; i < initializer.ElementValues.Length; i++)
            {
                var element = new Index(type.Element!, array, EquatableArray.Of<Expr>(Literals.Number(Types.Int, i)));
                output.Add(new Store(line, element, AssignOp.Set, ConvertTo(element.Type, ParseExpression(initializer.ElementValues[i]))));
            }

            return CannotHoist(output, creation, "an array initializer") ? Placeholder : array;
        }

        private const string ComputeLocally = "compute into a local instead";

        private static IThrowOperation? Thrown(IOperation? operation) => operation switch
        {
            IThrowOperation thrown => thrown,
            IConversionOperation { Operand: IThrowOperation thrown } => thrown,
            _ => null,
        };

        /// <summary>
        /// The throw of <c>c ? v : throw e</c>, <c>v ?? throw e</c> or a switch arm as <c>if (<paramref name="condition"/>) throw e;</c>
        /// just before the statement, which then reads <c>v</c>: where nothing may run first (a condition, a branch of ?:), reported.
        /// </summary>
        private void HoistThrow(IOperation at, Expr condition, Expr exception)
        {
            var hoisted = Hoisted;
            hoisted.Add(ThrowWhen(Line(at), condition, exception));
            CannotHoist(hoisted, at, "a throw expression");
        }

        /// <summary><c>if (<paramref name="condition"/>) throw <paramref name="exception"/>;</c></summary>
        private static If ThrowWhen(int line, Expr condition, Expr exception) =>
            new(line, condition, EquatableArray.Of<Stmt>(new Throw(line, exception)), EquatableArray<Stmt>.Empty);

        /// <summary><c>new <paramref name="type"/>("...", ...)</c>, a BCL exception with string arguments.</summary>
        private static New NewException(string type, params string[] arguments) =>
            new(new NamedType("global::System." + type), arguments.Select(a => (Expr)new Const(Types.String, SymbolDisplay.FormatLiteral(a, quote: true), null)).ToEquatableArray());

        private static Expr Not(Expr condition) => new Unary(Types.Bool, UnaryOp.Not, condition);

        /// <summary>
        /// The value a pattern or switch tests, read as often as it has tests: a variable or constant as it is, anything
        /// else computed once into a local just before the statement (reported where nothing may run first).
        /// </summary>
        private Expr Subject(IOperation value, bool readAgain)
        {
            var subject = ParseExpression(value);
            if (!readAgain || subject is Leaf || subject is Member { Receiver: null or Leaf })
            {
                return subject;
            }

            var local = new Var(subject.Type, context.Names.Fresh("subject"));
            Locals.Add(local);
            var hoisted = Hoisted;
            hoisted.Add(new Assign(Line(value), local, AssignOp.Set, subject));
            return CannotHoist(hoisted, value, "the value a pattern tests") ? Placeholder : local;
        }

        /// <summary>How many times a pattern reads the value it tests.</summary>
        private static int Tests(IPatternOperation pattern) => pattern switch
        {
            IBinaryPatternOperation binary => Tests(binary.LeftPattern) + Tests(binary.RightPattern),
            INegatedPatternOperation negated => Tests(negated.Pattern),
            IDiscardPatternOperation => 0,
            _ => 1,
        };

        /// <summary>
        /// Whether <paramref name="subject"/> matches <paramref name="pattern"/>, as a condition: constant (NaN by IsNaN, as
        /// C# matches it), relational, <c>not</c>, <c>and</c>, <c>or</c>, discard, and a type pattern of the value's own type.
        /// </summary>
        private Expr Matches(Expr subject, IPatternOperation pattern)
        {
            switch (pattern)
            {
                case IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: double or float } constant } when double.IsNaN(System.Convert.ToDouble(constant.Value, CultureInfo.InvariantCulture)):
                    return new Call(Types.Bool, null, subject.Type.ToString(), "IsNaN", EquatableArray.Of(subject));
                case IConstantPatternOperation constant:
                    return Build.Compare(BinaryOp.Equal, subject, Tested(subject, constant.Value));
                case IRelationalPatternOperation relational when BinaryOperator(relational.OperatorKind) is { } comparison:
                    return Build.Compare(comparison, subject, Tested(subject, relational.Value));
                case INegatedPatternOperation negated:
                    return Not(Matches(subject, negated.Pattern));
                case IBinaryPatternOperation binary:
                    var left = Matches(subject, binary.LeftPattern);
                    return new Binary(Types.Bool, binary.OperatorKind == BinaryOperatorKind.Or ? BinaryOp.Or : BinaryOp.And, left, Matches(subject, binary.RightPattern));
                case IDiscardPatternOperation:
                    return True;
                case ITypePatternOperation { MatchedType: { IsValueType: true } matched } when SymbolEqualityComparer.Default.Equals(matched, pattern.InputType) && matched.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T:
                    return True;
                default:
                    Unsupported(pattern, "this pattern", "use constant, relational, not, and, or and discard patterns, or if/else");
                    return Placeholder;
            }
        }

        /// <summary>A pattern's constant as the value it is tested against is typed (C# converts it; generic math's T has no literals).</summary>
        private Expr Tested(Expr subject, IOperation constant)
        {
            var value = ParseExpression(constant);
            return Types.IsReal(subject.Type) && Types.IsReal(value.Type) || subject.Type is TypeParameterType ? ConvertTo(subject.Type, value) : value;
        }

        /// <summary>
        /// <c>v switch { p1 =&gt; a, p2 when g =&gt; b, _ =&gt; c }</c> as <c>m1 ? a : m2 &amp;&amp; g ? b : c</c>. An arm that throws
        /// is an if statement before the one holding the switch, taken when no arm before it matched and it does; with no
        /// catch-all last arm, C#'s SwitchExpressionException is thrown that way for a value no arm matches.
        /// </summary>
        private Expr ParseSwitchExpression(ISwitchExpressionOperation switchExpression)
        {
            var arms = switchExpression.Arms;
            var subject = Subject(switchExpression.Value, arms.Sum(a => Tests(a.Pattern)) > 1);
            Expr? matchedBefore = null;
            var values = new List<(Expr Condition, IOperation Value)>();
            foreach (var arm in arms)
            {
                if (!arm.Locals.IsEmpty)
                {
                    Unsupported(arm.Pattern, "a switch arm that declares a variable", "test the value itself");
                    return Placeholder;
                }

                var condition = Matches(subject, arm.Pattern);
                if (arm.Guard is { } guard)
                {
                    condition = new Binary(Types.Bool, BinaryOp.And, condition, ParseExpression(guard));
                }

                if (Thrown(arm.Value) is { } thrown)
                {
                    HoistThrow(arm, matchedBefore is null ? condition : new Binary(Types.Bool, BinaryOp.And, Not(matchedBefore), condition), ParseThrown(thrown));
                }
                else
                {
                    values.Add((condition, arm.Value));
                }

                matchedBefore = matchedBefore is null ? condition : new Binary(Types.Bool, BinaryOp.Or, matchedBefore, condition);
            }

            if (arms.Last() is not { Pattern: IDiscardPatternOperation, Guard: null } && matchedBefore is not null)
            {
                HoistThrow(switchExpression, Not(matchedBefore), new New(new NamedType("global::System.Runtime.CompilerServices.SwitchExpressionException"), EquatableArray.Of(subject)));
            }

            if (values.Count == 0)
            {
                Unsupported(switchExpression, "a switch expression every arm of which throws", "throw from an if statement");
                return Placeholder;
            }

            // Each value is computed only where its arm is taken; when every other case throws, the last one needs no test.
            conditionalDepth += values.Count > 1 ? 1 : 0;
            var parsed = values.Select(v => (v.Condition, Value: ParseExpression(v.Value))).ToList();
            conditionalDepth -= values.Count > 1 ? 1 : 0;
            var result = parsed[parsed.Count - 1].Value;
            for (var i = parsed.Count - 2; i >= 0; i--)
            {
                result = new Conditional(TypeNames.Of(switchExpression.Type!), parsed[i].Condition, parsed[i].Value, result);
            }

            return result;
        }

        /// <summary>
        /// The exception a throw makes. No derivative flows into an exception, so what it is made from (a value in its
        /// message, <c>x.ToString()</c>, an interpolated string) is neither differentiated nor checked; a derivative a
        /// [Differentiable] call there would need is reported.
        /// </summary>
        private Expr ParseThrown(IThrowOperation thrown)
        {
            if (thrown.Exception is null)
            {
                Unsupported(thrown, "'throw;'", "throw an exception");
                return Placeholder;
            }

            var (plain, conversions, piecewise, noDerivative, differentiable) =
                (PlainCalls.Count, Conversions.Count, PiecewiseConstantCalls.Count, NoDerivativeArguments.Count, DifferentiableCalls.Count);
            var exception = ParseExpression(Unwrapped(thrown.Exception));
            if (DifferentiableCalls.Count > differentiable)
            {
                Unsupported(thrown.Exception, "a [Differentiable] call in a thrown exception", "compute the value into a local first");
            }

            PlainCalls.RemoveRange(plain, PlainCalls.Count - plain);
            Conversions.RemoveRange(conversions, Conversions.Count - conversions);
            PiecewiseConstantCalls.RemoveRange(piecewise, PiecewiseConstantCalls.Count - piecewise);
            NoDerivativeArguments.RemoveRange(noDerivative, NoDerivativeArguments.Count - noDerivative);
            return exception;
        }

        /// <summary>
        /// <c>$"a {x:F2} b"</c> as <c>string.Format("a {0:F2} b", x)</c>, the same text (both format with the current
        /// culture): a plain call, which a derivative may not flow into outside a thrown exception's message.
        /// </summary>
        private Expr ParseInterpolated(IInterpolatedStringOperation interpolated)
        {
            var format = new System.Text.StringBuilder();
            var args = new List<Expr>();
            foreach (var part in interpolated.Parts)
            {
                switch (part)
                {
                    case IInterpolatedStringTextOperation { Text.ConstantValue.Value: string text }:
                        format.Append(text.Replace("{", "{{").Replace("}", "}}"));
                        break;
                    case IInterpolationOperation hole:
                        format.Append('{').Append(args.Count);
                        if (hole.Alignment is { ConstantValue: { HasValue: true, Value: var alignment } })
                        {
                            format.Append(',').Append(System.Convert.ToString(alignment, CultureInfo.InvariantCulture));
                        }

                        if (hole.FormatString is { ConstantValue.Value: string specifier })
                        {
                            format.Append(':').Append(specifier);
                        }

                        format.Append('}');
                        args.Add(ParseExpression(hole.Expression));
                        break;
                    default:
                        Unsupported(part, "this part of an interpolated string", "use string.Format");
                        return Placeholder;
                }
            }

            var call = new Call(Types.String, null, "string", "Format", args.Prepend(new Const(Types.String, SymbolDisplay.FormatLiteral(format.ToString(), quote: true), null)).ToEquatableArray());
            PlainCalls.Add((call, interpolated.Syntax.GetLocation(), "string interpolation", true, new List<(Expr, string, bool)>()));
            return call;
        }

        /// <summary>A parameter of the method being differentiated (of either part of a partial method).</summary>
        private bool IsOwn(IParameterSymbol parameter) =>
            SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method)
            || SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method.PartialImplementationPart)
            || SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method.PartialDefinitionPart);

        private Expr? ParseReceiver(IOperation? instance)
        {
            if (instance is null)
            {
                return null;
            }

            // A receiver declared nullable (Next!.G(x)) keeps its '?', so generated code dereferences it with its own '!'.
            var receiver = ParseExpression(instance);
            var declared = instance switch
            {
                IFieldReferenceOperation field => field.Field.Type,
                IPropertyReferenceOperation property => property.Property.Type,
                ILocalReferenceOperation local => local.Local.Type,
                IParameterReferenceOperation parameter => parameter.Parameter.Type,
                _ => instance.Type,
            };
            return declared?.NullableAnnotation == NullableAnnotation.Annotated ? receiver with { Type = Types.Nullable(receiver.Type) } : receiver;
        }

        private Expr ParseConversion(IConversionOperation conversion)
        {
            var operand = ParseExpression(conversion.Operand);
            var type = TypeNames.Of(conversion.Type!);
            if (Types.ElementType(type) is { } element && element == Types.ElementType(operand.Type) && !Types.IsMatrix(operand.Type))
            {
                // An array or span seen as a (read-only) span: the same elements, so the same derivative. C# converts
                // implicitly wherever the generated code passes it on.
                return operand;
            }

            if (conversion.OperatorMethod is not null)
            {
                Unsupported(conversion, "a user-defined conversion", "convert with arithmetic");
                return Placeholder;
            }

            if (type == operand.Type)
            {
                return operand;
            }

            var result = new TypeCast(type, operand);
            if (Types.IsDifferentiable(operand.Type) && !Types.IsReal(type))
            {
                // A derivative stops at any other type: cut on purpose by an integer (GG0006), or lost (GG0019).
                var toInteger = Types.IsReal(operand.Type) && conversion.Type!.SpecialType is SpecialType.System_Char or (>= SpecialType.System_SByte and <= SpecialType.System_UInt64);
                Conversions.Add((result, conversion.Syntax.GetLocation(), conversion.Operand.Syntax.ToString(), conversion.Type!.ToDisplayString(), toInteger));
            }

            return result;
        }

        /// <summary>
        /// The operator of a type parameter of generic math (<c>IAdditionOperators&lt;T, T, T&gt;.op_Addition</c>): the
        /// built-in operator as far as GradGen is concerned, since <c>T</c> is a real.
        /// </summary>
        private static bool IsGenericMathOperator(IMethodSymbol? method) =>
            method?.ContainingType is { TypeKind: TypeKind.Interface } numerics && ArithmeticInterfaces.Contains(numerics.Name)
            && numerics.TypeArguments.FirstOrDefault() is ITypeParameterSymbol self
            && numerics.ContainingNamespace?.ToDisplayString() == "System.Numerics" && TypeNames.Generic(self) is not null;

        /// <summary>The operator interfaces of generic math whose operators are the reals' (not the bitwise or shift ones).</summary>
        private static readonly HashSet<string> ArithmeticInterfaces = new()
        {
            "IAdditionOperators", "ISubtractionOperators", "IMultiplyOperators", "IDivisionOperators", "IModulusOperators",
            "IUnaryNegationOperators", "IUnaryPlusOperators", "IComparisonOperators", "IEqualityOperators",
            "IIncrementOperators", "IDecrementOperators",
        };

        private Expr ParseBinary(IBinaryOperation binary)
        {
            var builtIn = binary.OperatorMethod is null || IsGenericMathOperator(binary.OperatorMethod);
            if (!builtIn && !binary.IsLifted)
            {
                return UserOperator(binary.OperatorMethod!, binary, binary.LeftOperand, binary.RightOperand);
            }

            if (!builtIn || binary.IsLifted || BinaryOperator(binary.OperatorKind) is not { } op)
            {
                Unsupported(binary, $"the operator '{binary.OperatorKind}' on these operands", "use built-in numeric operators");
                return Placeholder;
            }

            if (op is BinaryOp.Equal or BinaryOp.NotEqual && (IsNull(binary.LeftOperand) || IsNull(binary.RightOperand)))
            {
                // a == null: a null test of the reference itself, not a conversion of its values to object.
                return Build.NullTest(op, ParseExpression(Unwrapped(IsNull(binary.LeftOperand) ? binary.RightOperand : binary.LeftOperand)));
            }

            var left = ParseExpression(binary.LeftOperand);
            var shortCircuit = op is BinaryOp.And or BinaryOp.Or;
            conditionalDepth += shortCircuit ? 1 : 0;
            var right = ParseExpression(binary.RightOperand);
            conditionalDepth -= shortCircuit ? 1 : 0;
            var type = TypeNames.Of(binary.Type!);
            CheckRemainder(op, type, binary);
            return new Binary(type, op, left, right);
        }

        private static bool IsNull(IOperation operand) => Unwrapped(operand) is { ConstantValue: { HasValue: true, Value: null } };

        private void CheckRemainder(BinaryOp op, IrType type, IOperation operation)
        {
            if (op == BinaryOp.Remainder && type is TypeParameterType { Interfaces: var interfaces } generic && !interfaces.Contains("IFloatingPoint"))
            {
                // Its derivative truncates a / b.
                Unsupported(operation, $"'%' on {generic} where {generic} is not IFloatingPoint<{generic}>, which its derivative needs", $"add IFloatingPoint<{generic}> to the constraints of {generic}");
            }
        }

        private Expr ParseUnary(IUnaryOperation unary)
        {
            var builtIn = unary.OperatorMethod is null || IsGenericMathOperator(unary.OperatorMethod);
            if (!builtIn && !unary.IsLifted)
            {
                return UserOperator(unary.OperatorMethod!, unary, unary.Operand);
            }

            if (!builtIn || unary.IsLifted)
            {
                Unsupported(unary, "a lifted operator", "use built-in numeric operators");
                return Placeholder;
            }

            UnaryOp? op = unary.OperatorKind switch
            {
                UnaryOperatorKind.Minus => UnaryOp.Minus,
                UnaryOperatorKind.Plus => UnaryOp.Plus,
                UnaryOperatorKind.Not => UnaryOp.Not,
                UnaryOperatorKind.BitwiseNegation => UnaryOp.BitNot,
                _ => null,
            };
            if (op is null)
            {
                Unsupported(unary, $"the operator '{unary.OperatorKind}'", "use built-in numeric operators");
                return Placeholder;
            }

            var operand = ParseExpression(unary.Operand);
            return op == UnaryOp.Plus ? operand : new Unary(TypeNames.Of(unary.Type!), op.Value, operand);
        }

        private Expr? ParseInvocation(IInvocationOperation invocation, bool asStatement)
        {
            if (InlinedCall(invocation) is (var inlined, true))
            {
                return inlined;
            }

            var target = invocation.TargetMethod;
            if (HasAttribute(target, DifferentiableAttribute) && target.Parameters.Any(MethodParser.IsExtraOutput))
            {
                return ParseWithExtraOutputs(invocation, target, asStatement);
            }

            if (IsMatrix(target.ContainingType) && target.Name == "Invert" && target.Parameters.Length == 2)
            {
                return ParseInvert(invocation, asStatement);
            }

            if (!asStatement && IsStructMember(target) && !target.ReturnsVoid && invocation.Instance is { } structValue)
            {
                return MemberInPlace(invocation, target, structValue, invocation.Arguments.Select(a => (a.Parameter!, a.Value)).ToList());
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.RefKind is not (null or RefKind.None or RefKind.In))
                {
                    Unsupported(argument, "a ref or out argument", "pass values");
                    return null;
                }

                // An array chosen by ?: or ?? becomes a local of the generated code: one referring to a parameter, as above.
                if (Unwrapped(argument.Value) is IConditionalOperation or ICoalesceOperation
                    && RefersToParameterArray(argument.Value, $"the array argument of '{target.Name}'"))
                {
                    return null;
                }
            }

            // A params list is the array C# makes of it (ArrayOf).
            var arguments = invocation.Arguments
                .OrderBy(a => a.Parameter?.Ordinal ?? 0)
                .Select(a => (a.Parameter, a.Value))
                .ToList();
            if (asStatement && HasAttribute(target, DifferentiableAttribute) && invocation.SemanticModel is { } model && MethodParser.OutputOf(target, model.Compilation) is { } filled)
            {
                return ParseFilling(invocation, target, arguments, filled);
            }

            return ParseCall(target, invocation.Instance, arguments, invocation.Syntax, asStatement);
        }

        /// <summary>
        /// A call of a [Differentiable] method with out and ref reals (<c>G(x, out var y, ref z)</c>): the function it
        /// stands for (<see cref="DerivativeNames.Returning"/>), given the inputs (z's value among them), its tuple
        /// deconstructed into a local for the result and the caller's variables, just before the statement, which reads the result.
        /// </summary>
        private Expr? ParseWithExtraOutputs(IInvocationOperation invocation, IMethodSymbol target, bool asStatement)
        {
            var arguments = invocation.Arguments.OrderBy(a => a.Parameter!.Ordinal).ToList();
            var targets = new List<Expr>();
            foreach (var argument in arguments.Where(a => MethodParser.IsExtraOutput(a.Parameter!)))
            {
                var written = argument.Value is IDeclarationExpressionOperation { Expression: var declared } ? declared : argument.Value;
                switch (written)
                {
                    case ILocalReferenceOperation local:
                        // Written where the call stands: read or written again in the same statement, it is reported (CheckSideEffects).
                        modified?.Add(local.Local);
                        targets.Add(DeclareLocal(local.Local));
                        break;
                    case IDiscardOperation:
                        var discarded = new Var(TypeNames.Of(argument.Parameter!.Type), context.Names.Fresh("discarded"));
                        Locals.Add(discarded);
                        targets.Add(discarded);
                        break;
                    default:
                        Unsupported(argument, $"the out or ref argument '{argument.Value.Syntax}' other than a local variable", "pass a local, and copy it");
                        return null;
                }
            }

            var inputs = arguments.Where(a => a.Parameter!.RefKind != RefKind.Out).ToList();
            if (inputs.FirstOrDefault(a => MethodParser.IsAggregateWrt(a.Parameter!) || a.Parameter!.RefKind is not (RefKind.None or RefKind.In or RefKind.Ref)) is { } unsupported)
            {
                Unsupported(unsupported, $"the argument '{unsupported.Value.Syntax}' of a method with out or ref outputs (not yet)", "pass doubles, floats or arrays of them");
                return null;
            }

            var type = MethodParser.ReturnedWith(target, target.Parameters.Where(MethodParser.IsExtraOutput).ToList());
            var call = new DiffCall(
                type,
                ParseReceiver(invocation.Instance),
                target.IsStatic ? TypeNames.StaticOwner(target) : null,
                DerivativeNames.Returning(target.Name, array: false),
                inputs.Select(a => ParseExpression(a.Value)).ToEquatableArray(),
                inputs.Select(a => MethodParser.IsWrt(a.Parameter!) || MethodParser.IsExtraOutput(a.Parameter!)).ToImmutableArray())
            {
                TypeArguments = target.IsGenericMethod ? $"<{string.Join(", ", target.TypeArguments.Select(TypeNames.Of))}>" : string.Empty,
                CalleeKey = MethodKeys.Of(target),
            };
            Callees.Add(MethodKeys.Of(target));
            CalleeSymbols.Add((target.OriginalDefinition, invocation.Syntax.GetLocation()));
            DifferentiableCalls.Add((call, invocation.Syntax.GetLocation(), $"{target.ContainingType.Name}.{target.Name}", MethodParser.Kinds(target.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute)), target.OriginalDefinition));

            Var? result = null;
            if (!target.ReturnsVoid)
            {
                result = new Var(TypeNames.Of(target.ReturnType), context.Names.Fresh(char.ToLowerInvariant(target.Name[0]) + target.Name.Substring(1)));
                Locals.Add(result);
                targets.Insert(0, result);
            }

            var hoisted = Hoisted;
            hoisted.Add(targets.Count == 1 ? new Assign(Line(invocation), (Var)targets[0], AssignOp.Set, call) : new AssignTuple(Line(invocation), targets.ToEquatableArray(), call));
            return CannotHoist(hoisted, invocation, "a call with out or ref outputs") || asStatement ? null : result;
        }

        /// <summary>
        /// A call of a [Differentiable] method that fills an output array (<c>Rhs(x, k1)</c>): the function it stands for
        /// (<see cref="DerivativeNames.Returning"/>) called on the array, whose elements then take what it returns, so
        /// that every name for the array sees them, as the call would leave it.
        /// </summary>
        private Expr? ParseFilling(IInvocationOperation invocation, IMethodSymbol target, List<(IParameterSymbol? Parameter, IOperation Value)> arguments, IParameterSymbol filled)
        {
            var given = arguments.First(a => SymbolEqualityComparer.Default.Equals(a.Parameter, filled)).Value;
            if (given is IParameterReferenceOperation { Parameter: var parameter } && !SymbolEqualityComparer.Default.Equals(parameter, outputArray))
            {
                Report(Descriptors.WriteVisibleToCaller, given, method.Name, $"the parameter '{parameter.Name}' through '{target.Name}'", "pass a local array, and copy it");
                return null;
            }

            if (ParseCall(target, invocation.Instance, arguments, invocation.Syntax, asStatement: false) is not DiffCall call || ParseExpression(given) is not Var array)
            {
                Unsupported(given, $"the output array '{given.Syntax}' of '{target.Name}' other than a local array", "pass a local array");
                return null;
            }

            // The call as parsed stands in the list the checks go through: it becomes the function's.
            var returning = call with { Type = array.Type, Name = DerivativeNames.Returning(call.Name) };
            var line = Line(invocation);
            var hoisted = Hoisted;
            foreach (var read in call.Args.Where(a => a != array && a.Type is ArrayType && Types.IsRealCollection(a.Type)))
            {
                // The function reads its inputs as they were, where the method would see its own writes through them.
                var message = $"{filled.Name} must not be an array {target.Name} also reads.";
                hoisted.Add(ThrowWhen(line, Build.Shapes("Shared", EquatableArray.Of(read, (Expr)array)), NewException("ArgumentException", message, filled.Name)));
            }

            if (call.Args.Count(a => a == array) > 1)
            {
                Unsupported(given, $"the array '{given.Syntax}' given to '{target.Name}' as its output and as an input", "pass a copy as the input");
                return null;
            }

            DifferentiableCalls[DifferentiableCalls.Count - 1] = DifferentiableCalls[DifferentiableCalls.Count - 1] with { Node = returning };
            var (result, counter) = (new Var(array.Type, context.Names.Fresh(filled.Name)), new Var(Types.Int, context.Names.Fresh("i")));
            Locals.AddRange(new[] { result, counter });
            hoisted.Add(new Assign(line, result, AssignOp.Set, returning));
            hoisted.Add(new For(line, counter, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, counter, Build.Length(result)), LoopStep.Up,
                EquatableArray.Of<Stmt>(new Store(line, new Index(array.Type.Element!, array, EquatableArray.Of<Expr>(counter)), AssignOp.Set, new Index(array.Type.Element!, result, EquatableArray.Of<Expr>(counter))))));
            return null;
        }

        /// <summary>
        /// A user-defined operator (<c>a + b</c> on a struct): a call of its method when that is [Differentiable],
        /// else an error, as for any other method GradGen cannot see into.
        /// </summary>
        private Expr UserOperator(IMethodSymbol method, IOperation op, params IOperation[] operands)
        {
            if (method.ContainingType.Locations.Any(l => !l.IsInSource))
            {
                Unsupported(op, $"the operator '{method.ToDisplayString()}' (not yet)", "write it with the fields");
                return Placeholder;
            }

            if (!HasAttribute(method, DifferentiableAttribute))
            {
                Unsupported(op, $"the user-defined operator '{method.ToDisplayString()}'", "mark it [Differentiable], or write the arithmetic out");
                return Placeholder;
            }

            return ParseCall(method, null, method.Parameters.Zip(operands, (p, o) => ((IParameterSymbol?)p, o)).ToList(), op.Syntax, asStatement: false) ?? Placeholder;
        }

        /// <summary>A call of <paramref name="target"/> with <paramref name="arguments"/> in the order of its parameters.</summary>
        /// <param name="parsed">The arguments already parsed (a method group's, called by LINQ); else parsed from <paramref name="arguments"/>.</param>
        private Expr? ParseCall(IMethodSymbol target, IOperation? instance, List<(IParameterSymbol? Parameter, IOperation Value)> arguments, SyntaxNode syntax, bool asStatement, List<Expr>? parsed = null)
        {
            var differentiable = target.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute);
            // A method with no [Differentiable] may have user-written derivatives: the registry of [DerivativeOf]
            // methods says whether it does once activity says whether a derivative flows into it.
            var differentiated = !asStatement && (differentiable is not null || CustomDerivativeParser.CannotHave(target.OriginalDefinition) is null);
            // A collection is split into its array for a [Differentiable] callee only: [DerivativeOf] derivatives take none.
            bool Splits(IParameterSymbol p) => MethodParser.IsAggregateWrt(p) && (differentiable is not null || TypeNames.Collection(p.Type) is null);
            var split = differentiated && target.Parameters.Any(Splits);
            if (split && parsed is not null)
            {
                Unsupported(syntax.GetLocation(), $"'{target.Name}' as a delegate, which takes a struct", "call it in a lambda");
                return Placeholder;
            }

            var conversions = Conversions.Count;
            if ((parsed ?? (split ? Split(arguments, Splits) : arguments.Select(a => ParseExpression(a.Value)).ToList())) is not { } argumentList)
            {
                return Placeholder;
            }

            var args = argumentList.ToImmutableArray();
            var type = target.ReturnsVoid ? Types.Void : TypeNames.Of(target.ReturnType);

            if (!asStatement && TypeNames.IsNumericConversion(target) && arguments.Count == 1)
            {
                // T.CreateChecked(x), double.CreateTruncating(t): a conversion between reals, or from an integer.
                return ConvertTo(type, args[0]);
            }

            if (!asStatement && MathFunctions.Resolve(target) is { } function)
            {
                if (function.Function is { } generic && type is TypeParameterType parameter && MathFunctions.NeededForDerivative(generic) is { } needed && !parameter.Interfaces.Contains(needed))
                {
                    Unsupported(syntax.GetLocation(), $"{parameter}.{generic} where {parameter} is not {needed}<{parameter}>, which its derivative needs", $"add {needed}<{parameter}> to the constraints of {parameter} (IFloatingPointIeee754<{parameter}> has them all)");
                }

                if (function.IsPiecewiseConstant)
                {
                    PiecewiseConstantCalls.Add((args, syntax.GetLocation(), $"{target.ContainingType.Name}.{target.Name}"));
                }

                if (function.Function is { } f)
                {
                    return new Intrinsic(type, f, args);
                }

                // Sign returns an integer: a plain call that no derivative flows through.
                return new Call(type, null, TypeNames.StaticOwner(target), target.Name, args);
            }

            var receiver = target.IsStatic ? null : ParseReceiver(instance);
            var staticType = target.IsStatic ? TypeNames.StaticOwner(target) : null;
            var name = target.Name;
            var typeArguments = target.IsGenericMethod ? $"<{string.Join(", ", target.TypeArguments.Select(TypeNames.Of))}>" : string.Empty;

            if (differentiated)
            {
                var display = $"{target.ContainingType.Name}.{target.Name}";
                var diffCall = new DiffCall(type, receiver, staticType, name, args, target.Parameters.SelectMany(WrtOf).ToImmutableArray())
                {
                    TypeArguments = typeArguments,
                    Custom = differentiable is null ? new CustomDerivatives(MethodKeys.Of(target)) : null,
                    CalleeKey = differentiable is null ? null : MethodKeys.Of(target),
                    Packed = split ? target.Parameters.Select(p => Splits(p) ? new ArgumentGroup(MethodParser.AggregateOf(p)) : ArgumentGroup.AsIs).ToEquatableArray() : default,
                };
                if (differentiable is not null)
                {
                    Callees.Add(MethodKeys.Of(target));
                    CalleeSymbols.Add((target.OriginalDefinition, syntax.GetLocation()));
                }

                DifferentiableCalls.Add((diffCall, syntax.GetLocation(), display, differentiable is null ? DerivativeKind.None : MethodParser.Kinds(differentiable), target.OriginalDefinition));
                // The arguments of parameters before this one may be split into leaves, so it starts where they end.
                var start = 0;
                foreach (var parameter in target.Parameters)
                {
                    var count = WrtOf(parameter).Count();
                    if (start >= args.Length)
                    {
                        // A params list, whose arguments are not among args.
                        break;
                    }

                    if (!MethodParser.IsWrt(parameter) && !MethodParser.IsAggregateWrt(parameter) && (Types.IsDifferentiable(TypeNames.Of(parameter.Type)) || IsAggregate(parameter.Type)))
                    {
                        NoDerivativeArguments.Add((args[start], syntax.GetLocation(), display, parameter.Name));
                    }

                    start += count;
                }

                return diffCall;
            }

            if (IsGuard(target))
            {
                // ArgumentNullException.ThrowIfNull(a) and its kin only test what they are given (as object): no derivative
                // reaches a value there, and they write nothing.
                Conversions.RemoveRange(conversions, Conversions.Count - conversions);
            }

            var call = new Call(type, receiver, staticType, name, args) { TypeArguments = typeArguments };
            var writable = new List<(Expr, string, bool)>();
            if (differentiable is null && !ReadsOnly(target))
            {
                if (receiver is not null && WritableCollection(receiver) is { } written)
                {
                    writable.Add((written, instance!.Syntax.ToString(), receiver is TypeCast));
                }

                for (var i = 0; i < arguments.Count; i++)
                {
                    if (arguments[i].Parameter?.Type is not INamedTypeSymbol { Name: "ReadOnlySpan" } && WritableCollection(args[i]) is { } argument)
                    {
                        writable.Add((argument, arguments[i].Value.Syntax.ToString(), args[i] is TypeCast));
                    }
                }
            }

            PlainCalls.Add((call, syntax.GetLocation(), $"{target.ContainingType.Name}.{target.Name}", !target.ReturnsVoid && !asStatement, writable));
            return call;

            // Whether each argument of a parameter has a derivative: one per leaf of a split aggregate.
            IEnumerable<bool> WrtOf(IParameterSymbol parameter) =>
                split && Splits(parameter)
                    ? Enumerable.Repeat(true, Types.Split(MethodParser.AggregateOf(parameter))!.Length)
                    : new[] { MethodParser.IsWrt(parameter) };
        }

        /// <summary>
        /// The arguments of a call to a [Differentiable] method that takes a differentiated aggregate: such an argument as
        /// its leaves (the callee's leaf parameters, see <see cref="DiffCall.Packed"/>), any other as it is. Null, and
        /// reported, when an aggregate argument is none GradGen follows.
        /// </summary>
        private List<Expr>? Split(List<(IParameterSymbol? Parameter, IOperation Value)> arguments, System.Func<IParameterSymbol, bool> splits)
        {
            var args = new List<Expr>();
            foreach (var (parameter, value) in arguments)
            {
                if (!splits(parameter!))
                {
                    args.Add(ParseExpression(value));
                    continue;
                }

                if (TypeNames.DifferentiableClass(parameter!.Type) is not null)
                {
                    Unsupported(value, $"the class instance '{value.Syntax}' as a whole, given to a method (not yet)", "pass its fields");
                    return null;
                }

                if (Types.IsJagged(TypeNames.Of(parameter.Type)))
                {
                    Unsupported(value, $"the jagged array '{value.Syntax}' given to a [Differentiable] method (not yet)", "pass a matrix (double[,]) or the rows one by one");
                    return null;
                }

                if (TypeNames.Collection(parameter.Type) is not null)
                {
                    // The callee's copy of its elements is the caller's array: a List<T> parameter would need one made.
                    var source = value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : value;
                    var items = CollectionItems(source) ?? (parameter.Type.Name == "List" ? null : ConstantItems(source) ?? (TypeNames.Of(source.Type!) is ArrayType { Rank: 1 } ? ParseExpression(source) : null));
                    if (items is null)
                    {
                        Unsupported(value, $"'{value.Syntax}' given as the {parameter.Type.ToDisplayString()} of a [Differentiable] method", "pass an array, or a collection parameter of this method, to an IReadOnlyList, IList, ICollection or IEnumerable parameter");
                        return null;
                    }

                    args.Add(items);
                    continue;
                }

                if (MethodParser.IsAggregateCollection(parameter.Type))
                {
                    if (Hoisted != sideEffects)
                    {
                        // A called callee gets an array of the struct made before the call, which a condition evaluated
                        // again on every pass of a loop would not see remade.
                        Unsupported(value, "an array of structs passed on in a condition or a branch of ?:", "compute the call into a local first");
                        return null;
                    }

                    var operand = value is IConversionOperation conversion && MethodParser.IsAggregateCollection(conversion.Operand.Type) ? conversion.Operand : value;
                    if ((AggregateArray(value) ?? (IsConstantData(operand) ? ConstantLeafArrays(ParseExpression(operand), sideEffects!) : null)) is not { } arrays)
                    {
                        Unsupported(value, "an array of structs argument other than a parameter, a local or constant data", "pass a differentiated parameter or a local array");
                        return null;
                    }

                    args.AddRange(arrays);
                    continue;
                }

                var hoisted = Hoisted;
                if (AggregateValues(value, parameter.Type, hoisted) is not { } leaves)
                {
                    return null;
                }

                if (CannotHoist(hoisted, value, $"a {Kind(parameter.Type)} argument"))
                {
                    return null;
                }

                args.AddRange(leaves);
            }

            return args;
        }

        /// <summary>
        /// Where the statements an operand needs (a call's results, staged values) go: before the statement, or, in a
        /// condition or a branch of ?:, where nothing may run ahead of the operand, a list of its own the caller rejects
        /// when it is not empty.
        /// </summary>
        private List<Stmt> Hoisted => sideEffects is not null && conditionalDepth == 0 ? sideEffects : new List<Stmt>();

        /// <summary>Whether <see cref="Hoisted"/> gave a list of its own that statements went to, which cannot run first: then reported.</summary>
        private bool CannotHoist(List<Stmt> hoisted, IOperation at, string what)
        {
            if (hoisted == sideEffects || hoisted.Count == 0)
            {
                return false;
            }

            Unsupported(at, what + " computed inside a condition or a branch of ?:", "compute it into a local first");
            return true;
        }

        /// <summary>
        /// The array, matrix or span of reals that <paramref name="value"/> is, maybe converted (to <c>object</c>, an
        /// interface): a plain method given it could write its elements. Null for anything else.
        /// </summary>
        private static Expr? WritableCollection(Expr value) =>
            value is TypeCast cast ? WritableCollection(cast.Operand)
            : Types.IsRealCollection(value.Type) && value.Type is not SpanType { ReadOnly: true } ? value
            : null;

        /// <summary>The argument checks of the base library: <c>ArgumentNullException.ThrowIfNull</c>, <c>ArgumentOutOfRangeException.ThrowIfNegative</c>...</summary>
        private static bool IsGuard(IMethodSymbol target) =>
            target.IsStatic && target.ReturnsVoid && target.Name.StartsWith("ThrowIf", System.StringComparison.Ordinal)
            && target.ContainingType is { Name: "ArgumentNullException" or "ArgumentException" or "ArgumentOutOfRangeException" or "ObjectDisposedException", ContainingNamespace.Name: "System" };

        /// <summary>Methods known to read, never write, the arrays they are given: the shape, search and copy methods of System.Array.</summary>
        private static bool ReadsOnly(IMethodSymbol target) =>
            IsGuard(target)
            || target.ContainingType.SpecialType == SpecialType.System_Array
            && target.Name is "GetLength" or "GetLongLength" or "GetLowerBound" or "GetUpperBound" or "IndexOf" or "LastIndexOf" or "BinarySearch" or "Clone";

        internal static bool HasAttribute(ISymbol symbol, string fullName) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == fullName);

        private static BinaryOp? BinaryOperator(BinaryOperatorKind kind) => kind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Subtract,
            BinaryOperatorKind.Multiply => BinaryOp.Multiply,
            BinaryOperatorKind.Divide => BinaryOp.Divide,
            BinaryOperatorKind.Remainder => BinaryOp.Remainder,
            BinaryOperatorKind.And => BinaryOp.BitAnd,
            BinaryOperatorKind.Or => BinaryOp.BitOr,
            BinaryOperatorKind.ExclusiveOr => BinaryOp.BitXor,
            BinaryOperatorKind.LeftShift => BinaryOp.ShiftLeft,
            BinaryOperatorKind.RightShift => BinaryOp.ShiftRight,
            BinaryOperatorKind.ConditionalAnd => BinaryOp.And,
            BinaryOperatorKind.ConditionalOr => BinaryOp.Or,
            BinaryOperatorKind.Equals => BinaryOp.Equal,
            BinaryOperatorKind.NotEquals => BinaryOp.NotEqual,
            BinaryOperatorKind.LessThan => BinaryOp.Less,
            BinaryOperatorKind.LessThanOrEqual => BinaryOp.LessOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOp.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.GreaterOrEqual,
            _ => null,
        };

        private static IrType WiderType(IrType a, IrType b) =>
            a is TypeParameterType ? a : a == Types.Double || b == Types.Double ? Types.Double : a == Types.Float || b == Types.Float ? Types.Float : a;

        private static Expr ConvertTo(IrType type, Expr value) => value.Type == type ? value : new TypeCast(type, value);

        private static readonly Const True = new(Types.Bool, "true", null);

        private static readonly Const Placeholder = new(Types.Double, "default", null);

        private static Expr Constant(object? value, ITypeSymbol type)
        {
            var typeName = TypeNames.Of(type);
            return value switch
            {
                null => new Const(typeName, "default", null),
                bool b => new Const(Types.Bool, b ? "true" : "false", null),
                string s => new Const(typeName, SymbolDisplay.FormatLiteral(s, quote: true), null),
                char c => new Const(typeName, SymbolDisplay.FormatLiteral(c, quote: true), null),
                double d => Literals.Number(Types.Double, d),
                float f => Literals.Number(Types.Float, f),
                decimal m => new Const(typeName, m.ToString(CultureInfo.InvariantCulture) + "m", null),
                _ => Literals.Number(typeName, System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            };
        }

        private void UnsupportedStatement(IOperation op)
        {
            var (what, instead) = op switch
            {
                ITryOperation => ("'try'/'catch'/'finally'", "check inputs before the computation instead"),
                IUsingOperation or IUsingDeclarationOperation => ("'using'", "keep resources out of differentiable code"),
                ILockOperation => ("'lock'", "keep synchronization out of differentiable code"),
                IBranchOperation => ("'goto'", "use loops, break and continue"),
                IForEachLoopOperation => ("'foreach' over anything but an array or span", "use a 'for' loop over indices"),
                _ => (Describe(op), "rewrite it with assignments, branches, loops and calls"),
            };
            Unsupported(op, what, instead);
        }

        private static string Describe(IOperation op) => op switch
        {
            IAnonymousFunctionOperation or IDelegateCreationOperation => "a lambda or delegate",
            IAwaitOperation => "'await'",
            IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation => "a 'dynamic' operation",
            IAddressOfOperation => "a pointer operation",
            ITranslatedQueryOperation => "a LINQ query",
            IObjectCreationOperation => "creating an object other than of a class with no differentiable fields, without an initializer",
            IArrayCreationOperation => "an array initializer",
            _ => $"'{op.Syntax.ToString().Split('\n')[0].Trim()}'",
        };

        private void Unsupported(IOperation op, string what, string instead) => Unsupported(op.Syntax.GetLocation(), what, instead);

        private void Unsupported(Location? location, string what, string instead) =>
            context.Report(Descriptors.UnsupportedConstruct, location, what, instead);

        private void Report(DiagnosticDescriptor descriptor, IOperation op, params object[] args) =>
            context.Report(descriptor, op.Syntax.GetLocation(), args);

        private static int Line(IOperation op) => Line(op.Syntax.GetLocation());

        private static int Line(Location location) => location.GetLineSpan().StartLinePosition.Line + 1;
    }
}
