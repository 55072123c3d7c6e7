using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// Lambdas, local functions and LINQ: code that C# runs later or elsewhere, which GradGen inlines where it runs. A
    /// local function or a lambda held in a local is inlined at each call, its parameters computed into locals of their
    /// own; a LINQ query over an array, a span or Enumerable.Range becomes the loop it stands for, its lambdas inlined in
    /// the loop's body. So their derivatives are those of the code written out, in every mode.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private const int MaxInlining = 8;

        /// <summary>The method's local functions, wherever declared in it (C# lets a call come before the declaration).</summary>
        private Dictionary<IMethodSymbol, IBlockOperation>? localFunctions;

        /// <summary>Locals holding a lambda or a method group, assigned once where declared: their calls are inlined.</summary>
        private readonly Dictionary<ILocalSymbol, IOperation> delegates = new(SymbolEqualityComparer.Default);

        /// <summary>The bodies being inlined, innermost last: a body found again is recursion, which is reported.</summary>
        private readonly List<IOperation> inlining = new();

        /// <summary>Delegate parameters of inlined helpers, bound to the lambda or method group given for them.</summary>
        private readonly Dictionary<IParameterSymbol, IOperation> delegateParameters = new(SymbolEqualityComparer.Default);

        /// <summary>Parameters of inlined lambdas and local functions: bound to locals of their own, which the body may write.</summary>
        private readonly HashSet<IParameterSymbol> stagedParameters = new(SymbolEqualityComparer.Default);

        private IOperation? root;

        private static bool IsDelegate(ITypeSymbol? type) => type?.TypeKind == TypeKind.Delegate;

        /// <summary>A local of delegate type declared with a lambda or a method group and never assigned again; null (reported) otherwise.</summary>
        private bool DeclareDelegate(IVariableDeclaratorOperation declarator, IOperation? value)
        {
            var target = (value is null ? null : Unwrapped(value)) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation or IMethodReferenceOperation } creation ? creation.Target : null;
            var reassigned = root!.DescendantsAndSelf().Any(o => o is IAssignmentOperation { Target: ILocalReferenceOperation written } && SymbolEqualityComparer.Default.Equals(written.Local, declarator.Symbol));
            if (target is IMethodReferenceOperation { Instance: { } instance } && instance is not IInstanceReferenceOperation)
            {
                // C# binds the object where the delegate is made; inlined where it is called, a later object would be read.
                Unsupported(declarator, $"the delegate '{declarator.Symbol.Name}' of an object's method", "call the method in a lambda, or where it is needed");
                return false;
            }

            if (target is null || reassigned)
            {
                Unsupported(declarator, $"the delegate '{declarator.Symbol.Name}' other than one lambda or method assigned where it is declared", "declare it with its lambda once, or call a method");
                return false;
            }

            delegates[declarator.Symbol] = target;
            return true;
        }

        /// <summary>
        /// A call GradGen inlines: of a local function, of a delegate local or parameter, of a plain helper given a lambda or
        /// a variable by ref, of a LINQ operator (<see cref="ParseLinq"/>). Not <c>Handled</c> when the call is none of these;
        /// else its value (null for one that returns nothing).
        /// </summary>
        private (Expr? Value, bool Handled) InlinedCall(IInvocationOperation invocation)
        {
            var target = invocation.TargetMethod;
            var args = Arguments(invocation);
            if (target.MethodKind == MethodKind.LocalFunction && LocalFunction(target) is { } body)
            {
                return (Inline(invocation, body, target.Parameters, args.Select(ParseExpression).ToList(), target.ReturnType), true);
            }

            if (target.MethodKind == MethodKind.DelegateInvoke
                && (invocation.Instance is ILocalReferenceOperation { Local: var local } && delegates.TryGetValue(local, out var callable)
                    || invocation.Instance is IParameterReferenceOperation { Parameter: var parameter } && delegateParameters.TryGetValue(parameter, out callable)))
            {
                return (Invoke(invocation, callable, args.Select(ParseExpression).ToList()), true);
            }

            // A plain helper given a lambda or a method (an easing combinator, a quadrature rule), or a variable by ref or
            // out (Clamp(ref v)): inlined with the lambda bound, and the variable itself as its parameter.
            var callables = args.Select(a => IsDelegate(a.Type) ? Callable(a) : null).ToList();
            if ((callables.Any(c => c is not null) || target.Parameters.Any(p => p.RefKind is RefKind.Ref or RefKind.Out))
                && !HasAttribute(target, DifferentiableAttribute) && SourceBody(target) is { } helper)
            {
                var values = args.Select((a, i) => callables[i] is not null ? null
                    : target.Parameters[i].RefKind is RefKind.Ref or RefKind.Out ? ReferencedVariable(a)
                    : ParseExpression(a)).ToList();
                return (Inline(invocation, helper, target.Parameters, values, target.ReturnType, callables), true);
            }

            if (IsLinqQuery(invocation))
            {
                return (ParseLinq(invocation), true);
            }

            return (null, false);
        }

        /// <summary>
        /// The variable a ref or out argument passes (<c>ref v</c>, <c>out var w</c>, <c>out _</c>), as the helper's body writes it:
        /// a local or a parameter the method may assign; anything else reported where it is written.
        /// </summary>
        private Expr? ReferencedVariable(IOperation argument)
        {
            switch (argument)
            {
                case IDiscardOperation discard:
                    return NewTemporary(TypeNames.Of(discard.Type!));
                case IDeclarationExpressionOperation { Expression: var declared }:
                    return ReferencedVariable(declared);
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    modified?.Add(argument is ILocalReferenceOperation local ? local.Local : ((IParameterReferenceOperation)argument).Parameter);
                    return AssignedTarget(argument) as Var;
                default:
                    Unsupported(argument, "a ref or out argument other than a local or a parameter", "pass a local, and copy it where it belongs");
                    return null;
            }
        }

        /// <summary>The body of an ordinary method declared in the compilation's source, or null.</summary>
        private IBlockOperation? SourceBody(IMethodSymbol target)
        {
            var syntax = target.OriginalDefinition.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().FirstOrDefault();
            var body = syntax is null || root?.SemanticModel is not { } model ? null : model.Compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax) as IMethodBodyOperation;
            return target.IsGenericMethod ? null : body?.BlockBody ?? body?.ExpressionBody;
        }

        private IBlockOperation? LocalFunction(IMethodSymbol function)
        {
            localFunctions ??= root!.DescendantsAndSelf().OfType<ILocalFunctionOperation>().Where(f => f.Body is not null)
                .ToDictionary(f => f.Symbol, f => f.Body!, (IEqualityComparer<IMethodSymbol>)SymbolEqualityComparer.Default);
            return localFunctions.TryGetValue(function.OriginalDefinition, out var body) ? body : null;
        }

        /// <summary>A lambda (inlined) or a method group (called) with these arguments.</summary>
        private Expr? Invoke(IOperation at, IOperation callable, IReadOnlyList<Expr> args)
        {
            switch (callable)
            {
                case IAnonymousFunctionOperation lambda when lambda.Symbol.Parameters.Length == args.Count:
                    return Inline(at, lambda.Body, lambda.Symbol.Parameters, args, lambda.Symbol.ReturnType);
                case IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } function } when function.Parameters.Length == args.Count && LocalFunction(function) is { } body:
                    return Inline(at, body, function.Parameters, args, function.ReturnType);
                case IMethodReferenceOperation { Method: var method, Instance: var instance } when method.Parameters.Length == args.Count && method.Parameters.All(p => p.RefKind == RefKind.None):
                    return ParseCall(method, instance, method.Parameters.Select(p => ((IParameterSymbol?)p, (IOperation)null!)).ToList(), at.Syntax, asStatement: false, args.Zip(method.Parameters, (a, p) => ConvertTo(TypeNames.Of(p.Type), a)).ToList());
                default:
                    Unsupported(at, "this delegate", "call a lambda, a local function or a method");
                    return Placeholder;
            }
        }

        /// <summary>
        /// The body of a lambda, local function or delegate-taking helper run here: its parameters as locals of their own
        /// (a delegate parameter bound to its lambda or method), its statements before the statement that calls it, and
        /// what it returns as the call's value. A return before the end is taken where it stands in an if (guard clauses:
        /// the rest of the body is the else); one anywhere else (in a loop), or a body that calls itself, is reported.
        /// </summary>
        private Expr? Inline(IOperation at, IBlockOperation body, ImmutableArray<IParameterSymbol> parameters, IReadOnlyList<Expr?> args, ITypeSymbol returnType, IReadOnlyList<IOperation?>? callables = null)
        {
            if (inlining.Contains(body) || inlining.Count >= MaxInlining)
            {
                Unsupported(at, "a lambda or local function that calls itself", "write the recursion as a loop, or make it a [Differentiable] method");
                return Placeholder;
            }

            if (!Returns(body.Operations))
            {
                Unsupported(at, "a lambda or local function that returns from inside a loop", "return once, at the end, or from an if");
                return Placeholder;
            }

            if (parameters.Select((p, i) => p.RefKind is RefKind.Ref or RefKind.Out && args[i] is not Var).Any(missing => missing))
            {
                // Reported where the argument is.
                return Placeholder;
            }

            // What the body writes of the caller's variables, every statement that calls it (inlined or not) must not read.
            foreach (var statement in hiddenWrites)
            {
                statement.AddRange(body.Descendants().Select(WrittenOuter).OfType<ISymbol>());
            }

            var output = Hoisted;
            for (var i = 0; i < parameters.Length; i++)
            {
                if (callables?[i] is { } callable)
                {
                    delegateParameters[parameters[i]] = callable;
                    continue;
                }

                if (parameters[i].RefKind is RefKind.Ref or RefKind.Out)
                {
                    // The caller's variable is the parameter: what the body writes, the caller sees.
                    boundParameters[parameters[i]] = args[i]!;
                    stagedParameters.Add(parameters[i]);
                    continue;
                }

                var local = NewTemporary(TypeNames.Of(parameters[i].Type));
                output.Add(new Assign(Line(at), local, AssignOp.Set, ConvertTo(local.Type, args[i]!)));
                boundParameters[parameters[i]] = local;
                stagedParameters.Add(parameters[i]);
            }

            var result = returnType.SpecialType == SpecialType.System_Void ? null : NewTemporary(TypeNames.Of(returnType));
            inlining.Add(body);
            Into(output, () =>
            {
                InlineStatements(body.Operations, result, output);
                return true;
            });
            inlining.RemoveAt(inlining.Count - 1);
            foreach (var parameter in parameters)
            {
                boundParameters.Remove(parameter);
                stagedParameters.Remove(parameter);
                delegateParameters.Remove(parameter);
            }

            return CannotHoist(output, at, "a call of a lambda or local function") ? Placeholder : result;
        }

        /// <summary>Whether every return of <paramref name="statements"/> is one <see cref="InlineStatements"/> takes: at the end, or ending a branch of an if.</summary>
        private static bool Returns(IEnumerable<IOperation> statements)
        {
            foreach (var statement in statements)
            {
                var ok = statement switch
                {
                    IReturnOperation => true,
                    IConditionalOperation { WhenFalse: var otherwise } conditional => Returns(Block(conditional.WhenTrue)) && (otherwise is null || Returns(Block(otherwise))),
                    IBlockOperation block => Returns(block.Operations),
                    _ => !statement.DescendantsAndSelf().Any(d => d is IReturnOperation && !InNestedFunction(d, statement)),
                };
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private static IEnumerable<IOperation> Block(IOperation statement) => statement is IBlockOperation block ? block.Operations : new[] { statement };

        /// <summary>
        /// The statements of an inlined body into <paramref name="output"/>, a return as an assignment of
        /// <paramref name="result"/>; an if one of whose branches returns gets the statements after it in its other branch.
        /// </summary>
        private void InlineStatements(IEnumerable<IOperation> statements, Var? result, List<Stmt> output)
        {
            var list = statements.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var rest = list.Skip(i + 1);
                switch (list[i])
                {
                    case IReturnOperation ret:
                        if (ret.ReturnedValue is { } value && result is not null)
                        {
                            output.Add(new Assign(Line(ret), result, AssignOp.Set, Into(output, () => ConvertTo(result.Type, ParseExpression(value)))));
                        }

                        return;
                    case IBlockOperation block:
                        InlineStatements(block.Operations.Concat(rest), result, output);
                        return;
                    case IConditionalOperation conditional when conditional.DescendantsAndSelf().Any(d => d is IReturnOperation && !InNestedFunction(d, conditional)):
                        var condition = Into(output, () => ParseExpression(conditional.Condition));
                        var then = new List<Stmt>();
                        var otherwise = new List<Stmt>();
                        InlineStatements(Block(conditional.WhenTrue).Concat(rest), result, then);
                        InlineStatements((conditional.WhenFalse is null ? Enumerable.Empty<IOperation>() : Block(conditional.WhenFalse)).Concat(rest), result, otherwise);
                        output.Add(new If(Line(conditional), condition, then.ToEquatableArray(), otherwise.ToEquatableArray()));
                        return;
                    default:
                        ParseStatement(list[i], output);
                        break;
                }
            }
        }

        /// <summary>A local or parameter of the method that an operation of an inlined body assigns (not one of the body's own).</summary>
        private ISymbol? WrittenOuter(IOperation operation)
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };
            return target switch
            {
                ILocalReferenceOperation local when locals.ContainsKey(local.Local) || local.Local.ContainingSymbol is IMethodSymbol owner && SymbolEqualityComparer.Default.Equals(owner, method) => local.Local,
                IParameterReferenceOperation parameter when IsOwn(parameter.Parameter) => parameter.Parameter,
                _ => null,
            };
        }

        private static bool InNestedFunction(IOperation operation, IOperation body)
        {
            for (var parent = operation.Parent; parent is not null && parent != body; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Parses with the statements an expression needs going to <paramref name="output"/> (a loop's body, the statements before one).</summary>
        private T Into<T>(List<Stmt> output, System.Func<T> parse)
        {
            var (savedEffects, savedModified, savedDepth) = (sideEffects, modified, conditionalDepth);
            (sideEffects, modified, conditionalDepth) = (output, new List<ISymbol>(), 0);
            var result = parse();
            (sideEffects, modified, conditionalDepth) = (savedEffects, savedModified, savedDepth);
            return result;
        }

        /// <summary>
        /// A sequence LINQ reads: how many elements, and, in a loop's body at index i, whether element i is kept (Where) and
        /// its value (which may need statements in the body first).
        /// </summary>
        private sealed record Sequence(Expr Count, System.Func<Expr, List<Stmt>, Expr?>? Kept, System.Func<Expr, List<Stmt>, Expr> Element);

        private static List<IOperation> Arguments(IInvocationOperation invocation) => Arguments(invocation.Arguments);

        /// <summary>Argument values in the order of the parameters they are for (named arguments may come in any order).</summary>
        private static List<IOperation> Arguments(ImmutableArray<IArgumentOperation> arguments) =>
            arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToList();

        /// <summary>
        /// Whether <see cref="ParseLinq"/> takes this call: one of its operators over a sequence <see cref="IsSequence"/>
        /// takes. Any other call of Enumerable is a plain call (allowed where no derivative flows into it).
        /// </summary>
        private bool IsLinqQuery(IInvocationOperation query)
        {
            var args = Arguments(query);
            return query.TargetMethod.ContainingType?.ToDisplayString() == "System.Linq.Enumerable"
                && (query.TargetMethod.Name, args.Count) switch
                {
                    ("Sum" or "Average" or "Min" or "Max" or "Count" or "ToArray", 1) => true,
                    ("Sum" or "Average" or "Min" or "Max" or "Count", 2) => Callable(args[1]) is { } selector && Arity(selector) == 1,
                    ("Aggregate", 3) => Callable(args[2]) is { } fold && Arity(fold) == 2,
                    _ => false,
                }
                && IsSequence(args[0]);
        }

        /// <summary>Whether <see cref="ParseSequence"/> takes this source.</summary>
        private bool IsSequence(IOperation operation)
        {
            var source = Unwrapped(operation);
            if (source is IInvocationOperation { TargetMethod: var method } query && method.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
            {
                var args = Arguments(query);
                return (method.Name, args.Count) switch
                {
                    ("Range", 2) => true,
                    ("Select", 2) => Callable(args[1]) is { } selector && IsSequence(args[0]) && (Arity(selector) == 1 || Arity(selector) == 2 && !Filters(args[0])),
                    ("Where", 2) => Callable(args[1]) is { } predicate && Arity(predicate) == 1 && IsSequence(args[0]),
                    ("Zip", 3) => Callable(args[2]) is { } zipper && Arity(zipper) == 2 && IsSequence(args[0]) && IsSequence(args[1]) && !Filters(args[0]) && !Filters(args[1]),
                    _ => false,
                };
            }

            return source is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation
                && source.Type is { } type && Types.ElementType(TypeNames.Of(type)) is not null && !Types.IsMatrix(TypeNames.Of(type))
                || CollectionItems(source) is not null
                || ConstantItems(source) is not null;
        }

        /// <summary>How many parameters a lambda or method takes.</summary>
        private static int Arity(IOperation callable) => callable switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol.Parameters.Length,
            IMethodReferenceOperation reference => reference.Method.Parameters.Length,
            _ => -1,
        };

        /// <summary>Whether a sequence leaves elements out (a Where in it), which Zip cannot pair.</summary>
        private static bool Filters(IOperation source) => Unwrapped(source) is IInvocationOperation { TargetMethod.Name: "Where" or "Select" or "Zip" } query
            && (query.TargetMethod.Name == "Where" || query.Arguments.Any(a => Filters(a.Value)));

        /// <summary>The sequence of a source <see cref="IsSequence"/> takes.</summary>
        private Sequence ParseSequence(IOperation operation)
        {
            var source = Unwrapped(operation);
            if (source is IInvocationOperation query && query.TargetMethod.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
            {
                var args = Arguments(query);
                switch (query.TargetMethod.Name)
                {
                    case "Range":
                        var start = StagedScalar(ParseExpression(args[0]), Hoisted);
                        return new Sequence(StagedScalar(ParseExpression(args[1]), Hoisted), null, (i, _) => Build.Add(start, i)!);
                    case "Select":
                        var inner = ParseSequence(args[0]);
                        var selector = Callable(args[1])!;
                        var indexed = Arity(selector) == 2;
                        return inner with { Element = (i, body) => Into(body, () => Invoke(query, selector, indexed ? new[] { inner.Element(i, body), i } : new[] { inner.Element(i, body) })) ?? Placeholder };
                    case "Where":
                        return Filtered(query, ParseSequence(args[0]), Callable(args[1])!);
                    default:
                        var (first, second, zipper) = (ParseSequence(args[0]), ParseSequence(args[1]), Callable(args[2])!);
                        return new Sequence(Build.Math(MathFunction.Min, Types.Int, first.Count, second.Count), null, (i, body) => Into(body, () => Invoke(query, zipper, new[] { first.Element(i, body), second.Element(i, body) })) ?? Placeholder);
                }
            }

            var collection = ConstantItems(source) is { } items ? ItemsBefore(items, source) : ParseExpression(source);
            return new Sequence(Build.Length(collection), null, (i, _) => new Index(collection.Type.Element!, collection, EquatableArray.Of(i)));
        }

        /// <summary>A constant collection's items, read once into a local before the statement.</summary>
        private Expr ItemsBefore(Expr items, IOperation source)
        {
            var output = Hoisted;
            var local = Staged(items, Line(source), output);
            return CannotHoist(output, source, "the elements of a collection") ? Placeholder : local;
        }

        /// <summary>The elements of <paramref name="sequence"/> that <paramref name="predicate"/> keeps (Where, and Count's predicate).</summary>
        private Sequence Filtered(IOperation at, Sequence sequence, IOperation predicate) => sequence with
        {
            Kept = (i, body) =>
            {
                var kept = sequence.Kept?.Invoke(i, body);
                var test = Into(body, () => Invoke(at, predicate, new[] { sequence.Element(i, body) })) ?? Placeholder;
                return kept is null ? test : new Binary(Types.Bool, BinaryOp.And, kept, test);
            },
        };

        /// <summary>The lambda or method a delegate argument is: written there, or held by a delegate local.</summary>
        private IOperation? Callable(IOperation argument) => Unwrapped(argument) switch
        {
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation or IMethodReferenceOperation } creation => creation.Target,
            ILocalReferenceOperation local when delegates.TryGetValue(local.Local, out var held) => held,
            _ => null,
        };

        /// <summary>
        /// A LINQ operator over a <see cref="Sequence"/>, as the loop it stands for: Sum, Average, Min, Max (the element
        /// taken gets the derivative), Count, Aggregate and ToArray, with an optional selector; Select, Where, Zip and Range
        /// feed them. Empty sequences throw as LINQ does.
        /// </summary>
        private Expr ParseLinq(IInvocationOperation query)
        {
            var method = query.TargetMethod;
            var args = Arguments(query);
            var output = Hoisted;
            if (output != sideEffects)
            {
                Unsupported(query, "a LINQ query inside a condition or a branch of ?:", "compute it into a local first");
                return Placeholder;
            }

            var selector = args.Count == 2 ? Callable(args[1]) : null;
            var sequence = ParseSequence(args[0]);
            if (method.Name == "Count" && selector is not null)
            {
                // Count(p) is Where(p).Count().
                sequence = Filtered(query, sequence, selector);
                selector = null;
            }

            // Enumerable sums floats in double, as its Average does.
            var resultType = TypeNames.Of(method.ReturnType);
            var type = method.Name is "Sum" or "Average" && resultType == Types.Float ? Types.Double : resultType;
            var line = Line(query);
            var counter = new Var(Types.Int, context.Names.Fresh("index"));
            Locals.Add(counter);
            var count = NewTemporary(Types.Int);
            var result = type is ArrayType ? new Var(type, context.Names.Fresh("array")) : NewTemporary(type);
            if (type is ArrayType)
            {
                Locals.Add(result);
            }

            Expr Zero() => Literals.Number(type is ArrayType ? type.Element! : type, 0);
            output.Add(new Assign(line, count, AssignOp.Set, Literals.Number(Types.Int, 0)));
            switch (method.Name)
            {
                case "ToArray" when sequence.Kept is not null:
                    Unsupported(query, "ToArray of a Where", "count the elements kept, then fill an array in a loop");
                    return Placeholder;
                case "ToArray":
                    output.Add(new Assign(line, result, AssignOp.Set, new NewArray(type, type.Element!, EquatableArray.Of(sequence.Count))));
                    break;
                case "Aggregate":
                    output.Add(new Assign(line, result, AssignOp.Set, ConvertTo(type, ParseExpression(args[1]))));
                    break;
                default:
                    output.Add(new Assign(line, result, AssignOp.Set, Zero()));
                    break;
            }

            var body = new List<Stmt>();
            context.LoopDepth++;
            var kept = sequence.Kept?.Invoke(counter, body);
            var taken = new List<Stmt>();
            var element = sequence.Element(counter, taken);
            var value = selector is null ? element : Into(taken, () => Invoke(query, selector, new[] { element })) ?? Placeholder;
            var next = new Assign(line, count, AssignOp.Set, Build.Add(count, Literals.Number(Types.Int, 1))!);
            switch (method.Name)
            {
                case "ToArray":
                    taken.Add(new Store(line, new Index(type.Element!, result, EquatableArray.Of<Expr>(counter)), AssignOp.Set, value));
                    break;
                case "Aggregate":
                    // IsLinqQuery took only a fold of two parameters.
                    taken.Add(new Assign(line, result, AssignOp.Set, Into(taken, () => Invoke(query, Callable(args[2])!, new[] { result, value })) ?? Placeholder));
                    break;
                case "Min" or "Max":
                    var staged = StagedScalar(ConvertTo(type, value), taken);
                    // As Enumerable: Max passes over NaNs (one is kept only while nothing else came), Min returns NaN if any is.
                    Expr better = Build.Compare(method.Name == "Max" ? BinaryOp.Greater : BinaryOp.Less, staged, result);
                    if (Types.IsReal(type))
                    {
                        better = new Binary(Types.Bool, BinaryOp.Or, better, new Call(Types.Bool, null, type.ToString(), "IsNaN", EquatableArray.Of(method.Name == "Max" ? result : staged)));
                    }

                    // The first element taken (none counted yet) is the best so far.
                    var first = Build.Compare(BinaryOp.Equal, count, Literals.Number(Types.Int, 0));
                    taken.Add(new If(line, new Binary(Types.Bool, BinaryOp.Or, first, better), EquatableArray.Of<Stmt>(new Assign(line, result, AssignOp.Set, staged)), EquatableArray<Stmt>.Empty));
                    break;
                case "Count":
                    break;
                default:
                    taken.Add(new Assign(line, result, AssignOp.Set, new Binary(type, BinaryOp.Add, result, ConvertTo(type, value))));
                    break;
            }

            taken.Add(next);
            context.LoopDepth--;
            body.AddRange(kept is null ? taken : new List<Stmt> { new If(line, kept, taken.ToEquatableArray(), EquatableArray<Stmt>.Empty) });
            output.Add(new For(line, counter, Literals.Number(Types.Int, 0), Build.Compare(BinaryOp.Less, counter, sequence.Count), LoopStep.Up, body.ToEquatableArray()));
            switch (method.Name)
            {
                case "Count":
                    return count;
                case "Average" or "Min" or "Max":
                    // LINQ throws for an empty sequence rather than return a value.
                    output.Add(ThrowWhen(line, Build.Compare(BinaryOp.Equal, count, Literals.Number(Types.Int, 0)), NewException("InvalidOperationException", "Sequence contains no elements")));
                    return ConvertTo(resultType, method.Name == "Average" ? new Binary(type, BinaryOp.Divide, result, ConvertTo(type, count)) : result);
                default:
                    return ConvertTo(resultType, result);
            }
        }
    }
}
