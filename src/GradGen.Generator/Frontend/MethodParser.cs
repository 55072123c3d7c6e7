using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GradGen.Generator.Analysis;
using GradGen.Generator.Diagnostics;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>What parsing one [Differentiable] method gives: the model (null if it cannot be generated) and the diagnostics.</summary>
    internal sealed record ParseResult(DiffMethodModel? Model, ImmutableArray<Diagnostic> Diagnostics, EquatableArray<string> Callees)
    {
        /// <summary>The methods without [Differentiable] whose [DerivativeOf] derivatives the model calls.</summary>
        public EquatableArray<string> CustomCallees { get; init; } = EquatableArray<string>.Empty;

        /// <summary>The [Differentiable] methods the body calls, with where: the analyzer reports calls to ones with errors.</summary>
        public ImmutableArray<(IMethodSymbol Callee, Location Location)> CallSites { get; init; } = ImmutableArray<(IMethodSymbol, Location)>.Empty;
    }

    /// <summary>
    /// The one checker behind both the generator and the analyzer: checks a [Differentiable] method's signature and body
    /// and builds its model.
    /// </summary>
    internal static class MethodParser
    {
        private const string NoDerivativeAttribute = "GradGen.NoDerivativeAttribute";
        private const DerivativeKind DefaultKinds = DerivativeKind.Forward | DerivativeKind.Reverse;

        public static bool IsWrt(IParameterSymbol parameter) => Types.IsDifferentiable(TypeNames.Of(parameter.Type)) && Differentiated(parameter);

        /// <summary>An aggregate passed by value and differentiated (a tuple of 2 to 7 reals, a struct of reals): one parameter per leaf inside GradGen.</summary>
        public static bool IsAggregateWrt(IParameterSymbol parameter) =>
            (IsSignatureAggregate(parameter.Type) || IsAggregateCollection(parameter.Type) || TypeNames.DifferentiableClass(parameter.Type) is not null || TypeNames.Collection(parameter.Type) is not null
                || Types.IsJagged(TypeNames.Of(parameter.Type)))
            && Differentiated(parameter);

        /// <summary>What a differentiated aggregate parameter is split into: its type, a class of model parameters, or a collection's copy.</summary>
        public static IrType AggregateOf(IParameterSymbol parameter) =>
            TypeNames.DifferentiableClass(parameter.Type) ?? (IrType?)TypeNames.Collection(parameter.Type) ?? TypeNames.Of(parameter.Type);

        /// <summary>A tuple or struct of reals (<see cref="Types.Leaves"/>): one variable per leaf inside GradGen.</summary>
        public static bool IsAggregate(ITypeSymbol? type) => type is not null && Types.Leaves(TypeNames.Of(type)) is not null;

        /// <summary>An aggregate a signature may take or return: a struct of reals, or a tuple of 2 to 7 (the contract's vector-valued results).</summary>
        private static bool IsSignatureAggregate(ITypeSymbol type) =>
            TypeNames.Of(type) is var ir && Types.Leaves(ir) is { } leaves && (ir is StructType || leaves.Length <= 7);

        /// <summary>An array or read-only span of structs of reals (<c>Vector3[]</c>): one array per leaf inside GradGen.</summary>
        public static bool IsAggregateCollection(ITypeSymbol? type) =>
            type is not null && TypeNames.Of(type) is var ir && Types.ElementLeaves(ir) is not null && ir.Element is StructType;

        /// <summary>Passed by value (or <c>in</c>: read only) and not [NoDerivative]: a parameter of a differentiable type is then differentiated.</summary>
        private static bool Differentiated(IParameterSymbol parameter) =>
            parameter.RefKind is RefKind.None or RefKind.In && !BodyParser.HasAttribute(parameter, NoDerivativeAttribute);

        /// <summary>
        /// The parameters as GradGen sees them, in order: a differentiated aggregate becomes one parameter per leaf,
        /// named after the aggregate and the leaf's path (<c>p_X</c>, <c>body_Position_Z</c>), each with its <see cref="LeafSlot"/>.
        /// </summary>
        private static ImmutableArray<Parameter> ParametersOf(IMethodSymbol method)
        {
            var names = new NameScope(method.Parameters.Select(p => p.Name));
            // An out parameter (an extra output) is no input; a ref one is both, its value before the call the input.
            return method.Parameters.Where(p => !IsExtraOutput(p) || p.RefKind == RefKind.Ref).SelectMany(p => IsAggregateWrt(p) && AggregateOf(p) is var aggregate
                ? Types.Split(aggregate)!.Select((leaf, i) =>
                    new Parameter(names.Fresh(LeafName(p.Name, aggregate, i)), leaf.Type, Types.IsDifferentiable(leaf.Type)) { Slot = new LeafSlot(p.Name, aggregate, i) })
                : new[] { new Parameter(p.Name, TypeNames.Of(p.Type), IsWrt(p) || IsExtraOutput(p)) }).ToImmutableArray();
        }

        /// <summary>An <c>out</c> or <c>ref</c> real parameter: an extra output of the method (and, <c>ref</c>, an input too).</summary>
        public static bool IsExtraOutput(IParameterSymbol parameter) =>
            parameter.RefKind is RefKind.Out or RefKind.Ref && TypeNames.IsReal(parameter.Type) && !BodyParser.HasAttribute(parameter, NoDerivativeAttribute);

        /// <summary>The value a method with extra outputs stands for: its result (unless void) and their values after the call, in a tuple.</summary>
        public static IrType ReturnedWith(IMethodSymbol method, IReadOnlyList<IParameterSymbol> extra)
        {
            var items = (method.ReturnsVoid ? Enumerable.Empty<(IrType Type, string Name)>() : new[] { (TypeNames.Of(method.ReturnType), string.Empty) })
                .Concat(extra.Select(p => (TypeNames.Of(p.Type), p.Name))).ToArray();
            return extra.Count == 0 ? TypeNames.Of(method.ReturnType) : items.Length == 1 ? items[0].Item1 : Types.Tuple(items);
        }

        /// <summary>The variable that holds leaf <paramref name="index"/> of <paramref name="name"/>: <c>p_X</c> for a tuple's named element or a field, <c>p_Item1</c> for an unnamed one.</summary>
        public static string LeafName(string name, IrType aggregate, int index) =>
            name + "_" + (aggregate is TupleType tuple && tuple.Names[index].Length > 0 ? tuple.Names[index] : Types.Split(aggregate)![index].Path.Replace('.', '_'));

        /// <summary>The generator's view: the model when the method can be generated, and what it calls.</summary>
        public static MethodResult ParseForGenerator(IMethodSymbol method, SemanticModel semanticModel, AttributeData attribute, CancellationToken cancellationToken)
        {
            var result = Parse(method, semanticModel, attribute, cancellationToken);
            return new MethodResult(MethodKeys.Of(method), result.Model, result.Callees, result.CustomCallees);
        }

        /// <summary>
        /// Parses and checks <paramref name="method"/>. With a <paramref name="registry"/> (the analyzer's), calls to
        /// methods with [DerivativeOf] derivatives are checked against it; without (the generator's), they are left for
        /// the generator to check once it has its registry.
        /// </summary>
        public static ParseResult Parse(IMethodSymbol method, SemanticModel semanticModel, AttributeData attribute, CancellationToken cancellationToken, System.Lazy<CustomDerivativeRegistry>? registry = null)
        {
            try
            {
                return ParseChecked(method, semanticModel, attribute, cancellationToken, registry);
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                // A bug of the parser's: GG0021 on the method, and nothing generated for it, rather than a generator that stops.
                var error = Diagnostic.Create(Descriptors.InternalError, method.Locations.FirstOrDefault(), method.Name, ex.GetType().Name + ": " + ex.Message);
                return new ParseResult(null, ImmutableArray.Create(error), EquatableArray<string>.Empty);
            }
        }

        private static ParseResult ParseChecked(IMethodSymbol method, SemanticModel semanticModel, AttributeData attribute, CancellationToken cancellationToken, System.Lazy<CustomDerivativeRegistry>? registry)
        {
            // A partial method's body is in its implementing declaration, wherever the attribute is.
            var syntax = (method.PartialImplementationPart ?? method).DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<BaseMethodDeclarationSyntax>()
                .FirstOrDefault(m => m.Body is not null || m.ExpressionBody is not null);
            if (syntax is not null && syntax.SyntaxTree != semanticModel.SyntaxTree)
            {
                semanticModel = semanticModel.Compilation.GetSemanticModel(syntax.SyntaxTree);
            }

            if (!HasValidNames(method))
            {
                // Half-typed code (a method outside any type, a namespace without a name): the compiler reports it.
                return new ParseResult(null, ImmutableArray<Diagnostic>.Empty, EquatableArray<string>.Empty);
            }

            var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? method.Locations.FirstOrDefault();

            var parameters = ParametersOf(method);
            var context = new ParseContext(new NameScope(DerivativeNames.BeforeLocals(parameters)));

            if (syntax?.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp8 } options)
            {
                context.Report(Descriptors.LanguageVersionTooLow, attributeLocation, method.Name, options.LanguageVersion.ToDisplayString());
            }

            var outputs = syntax is null ? new List<IParameterSymbol>() : WrittenArrays(syntax, semanticModel, cancellationToken);
            CheckSignature(method, syntax, attributeLocation, context, outputs);
            CheckNames(method, Kinds(attribute), attributeLocation, context);
            if ((Kinds(attribute) & DerivativeKind.Hessian) != 0 && (!TypeNames.IsReal(method.ReturnType) || method.Parameters.Any(IsExtraOutput)))
            {
                context.Report(Descriptors.KindNotApplicable, attributeLocation, "Hessian", method.Name, "it is vector-valued; a Hessian is of a scalar function (use Jacobian, or differentiate each output)");
            }

            foreach (var kind in new[] { DerivativeKind.Jacobian, DerivativeKind.Hessian }.Where(k => (Kinds(attribute) & k) != 0))
            {
                if (method.Parameters.FirstOrDefault(p => IsAggregateWrt(p) && TypeNames.DifferentiableClass(p.Type) is not null) is { } instance)
                {
                    context.Report(Descriptors.KindNotApplicable, attributeLocation, kind.ToString(), method.Name, $"its parameter '{instance.Name}' is a class, whose derivative is an instance of it rather than a flat vector (take the numbers as arrays or structs for a {kind})");
                }
            }

            if (!context.HasErrors)
            {
                CheckSomethingToDifferentiate(method, attributeLocation, context);
            }

            if (context.HasErrors)
            {
                // The body of a method whose signature is wrong would only repeat the same problem.
                return new ParseResult(null, context.Diagnostics.ToImmutableArray(), EquatableArray<string>.Empty);
            }

            if (syntax is null || semanticModel.GetOperation(syntax, cancellationToken) is not IMethodBodyOperation bodyOperation
                || (bodyOperation.BlockBody ?? bodyOperation.ExpressionBody) is not { } body
                || semanticModel.GetDiagnostics(syntax.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return new ParseResult(null, context.Diagnostics.ToImmutableArray(), EquatableArray<string>.Empty);
            }

            var parser = new BodyParser(method, context, parameters);
            // A void method's output array: its contents after the call are the result, a local that starts as a copy of them.
            var output = method.ReturnsVoid && outputs.Count == 1 ? outputs[0] : null;
            var prologue = new List<Stmt>();
            var result = output is null ? null : parser.Output(output, out prologue);
            var extra = method.Parameters.Where(IsExtraOutput).ToList();
            var returnType = ReturnedWith(method, extra);
            if (extra.Count > 0)
            {
                prologue = parser.ExtraOutputs(extra, returnType);
            }

            var statements = parser.Returned(prologue.Concat(parser.ParseBlock(body))).ToEquatableArray();
            var callees = parser.Callees.ToEquatableArray();
            if (context.Invalid)
            {
                return new ParseResult(null, ImmutableArray<Diagnostic>.Empty, callees) { CallSites = parser.CalleeSymbols.ToImmutableArray() };
            }

            var (varied, customCallees) = CheckActivity(statements, parameters, Kinds(attribute), parser, context, registry);
            if (context.HasErrors)
            {
                return new ParseResult(null, context.Diagnostics.ToImmutableArray(), callees) { CallSites = parser.CalleeSymbols.ToImmutableArray() };
            }

            // A call no derivative flows into needs no derivative: it stays a plain call.
            statements = IrRewriter.Map(statements, e => e is DiffCall { Custom: not null } d && !ActivityAnalysis.DependsOn(d, varied)
                ? new Call(d.Type, d.Receiver, d.StaticType, d.Name, d.Args)
                : e);

            var results = (result is not null ? new[] { result }
                : Types.Leaves(returnType) is { } leaves ? leaves.Select((leaf, i) => new Var(leaf.Type, context.Names.Fresh($"result{i + 1}")))
                : new[] { new Var(returnType, context.Names.Fresh("result")) }).ToList();
            var model = new DiffMethodModel(
                MethodKeys.Of(method),
                HintName(method),
                method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
                ContainingTypes(method.ContainingType).ToEquatableArray(),
                method.Name,
                Modifiers(method),
                method.IsStatic,
                result?.Type ?? returnType,
                parameters,
                parser.Locals.Concat(results).Distinct().ToEquatableArray(),
                results.ToEquatableArray(),
                statements,
                Kinds(attribute),
                syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1)
            {
                TypeParameters = method.IsGenericMethod ? "<" + string.Join(", ", method.TypeParameters.Select(t => t.Name)) + ">" : string.Empty,
                Constraints = string.Concat(method.TypeParameters.Select(ConstraintClause)),
                Output = output?.Name,
                ExtraOutputs = extra.Select(p => new ExtraOutput(p.Name, TypeNames.Of(p.Type), p.RefKind == RefKind.Ref, p.Ordinal)).ToEquatableArray(),
                Returns = TypeNames.Of(method.ReturnType),
            };
            return new ParseResult(model, context.Diagnostics.ToImmutableArray(), callees)
            {
                CallSites = parser.CalleeSymbols.ToImmutableArray(),
                CustomCallees = customCallees.OrderBy(k => k, System.StringComparer.Ordinal).ToEquatableArray(),
            };
        }

        /// <summary>A type parameter's constraints as generated code declares them again: <c> where T : struct, global::System.Numerics.INumber&lt;T&gt;</c>.</summary>
        private static string ConstraintClause(ITypeParameterSymbol parameter)
        {
            var constraints = new List<string>();
            if (parameter.HasReferenceTypeConstraint)
            {
                constraints.Add("class");
            }
            else if (parameter.HasUnmanagedTypeConstraint)
            {
                constraints.Add("unmanaged");
            }
            else if (parameter.HasValueTypeConstraint)
            {
                constraints.Add("struct");
            }
            else if (parameter.HasNotNullConstraint)
            {
                constraints.Add("notnull");
            }

            constraints.AddRange(parameter.ConstraintTypes.Select(TypeNames.Spelled));
            if (parameter.HasConstructorConstraint && !parameter.HasValueTypeConstraint)
            {
                constraints.Add("new()");
            }

            return constraints.Count == 0 ? string.Empty : $" where {parameter.Name} : {string.Join(", ", constraints)}";
        }

        /// <summary>Whether the method, its types and namespaces all have names that generated code can write.</summary>
        private static bool HasValidNames(IMethodSymbol method)
        {
            for (ISymbol? symbol = method; symbol is not null && symbol is not INamespaceSymbol { IsGlobalNamespace: true }; symbol = symbol.ContainingSymbol)
            {
                if (symbol.IsImplicitlyDeclared || !SyntaxFacts.IsValidIdentifier(symbol.Name))
                {
                    return false;
                }
            }

            return true;
        }

        private static TypeSyntax? ReturnTypeOf(BaseMethodDeclarationSyntax? syntax) => syntax switch
        {
            MethodDeclarationSyntax method => method.ReturnType,
            OperatorDeclarationSyntax op => op.ReturnType,
            _ => null,
        };

        private static void CheckSignature(IMethodSymbol method, BaseMethodDeclarationSyntax? syntax, Location? location, ParseContext context, List<IParameterSymbol> outputs)
        {
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>();
                if (declarations.Any(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)))
                {
                    context.Report(Descriptors.TypeNotPartial, location, type.Name, method.Name);
                }
            }

            // Each problem sits on its own part of the signature; what has no part of its own, on the attribute.
            void Unsupported(string reason, Location? at = null) => context.Report(Descriptors.UnsupportedSignature, at ?? location, method.Name, reason);

            // A user-defined arithmetic operator is a static method whose derivatives are op_AdditionForward and so on.
            if (!(method.MethodKind == MethodKind.Ordinary || method.MethodKind == MethodKind.UserDefinedOperator && Operators.UserDefined(method.Name) is not null))
            {
                Unsupported("only ordinary methods and the operators + - * / % can be differentiated, not other operators, conversions, accessors or local functions");
                return;
            }

            if (method.TypeParameters.FirstOrDefault(t => TypeNames.Generic(t) is null) is { } other)
            {
                Unsupported($"its type parameter '{other.Name}' is not a floating-point number of generic math; constrain it (where {other.Name} : IFloatingPointIeee754<{other.Name}>, or IFloatingPoint, IRootFunctions, ITrigonometricFunctions...) or write the method for double or float", (syntax as MethodDeclarationSyntax)?.TypeParameterList?.GetLocation());
            }

            if (method.IsAsync)
            {
                Unsupported("it is async; differentiate a synchronous method and await around it", syntax?.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.AsyncKeyword)).GetLocation());
            }

            if (syntax is null || method.IsExtern || method.IsAbstract)
            {
                Unsupported("it has no body (abstract, extern or a partial declaration)");
            }

            // The method's own type parameter is reported with the method's being generic.
            if (method.ReturnsVoid && outputs.Count > 1)
            {
                Unsupported($"it writes the elements of {string.Join(" and ", outputs.Select(o => $"'{o.Name}'"))}; a void method may fill one output array (return the others, or write them in separate methods)", ReturnTypeOf(syntax)?.GetLocation());
            }
            else if (!IsDifferentiableReturn(method.ReturnType) && !OfMethodTypeParameter(method.ReturnType) && !(method.ReturnsVoid && (outputs.Count == 1 || method.Parameters.Any(IsExtraOutput))))
            {
                Unsupported($"it returns '{method.ReturnType.ToDisplayString()}'; return double or float, a tuple of 2 to 7 of them, or double[] or float[], or return void and fill an array parameter", ReturnTypeOf(syntax)?.GetLocation());
            }

            foreach (var parameter in method.Parameters)
            {
                var at = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation();
                if (IsExtraOutput(parameter) && (!(TypeNames.IsReal(method.ReturnType) || method.ReturnsVoid && outputs.Count == 0) || method.Parameters.Count(IsExtraOutput) > 6))
                {
                    Unsupported($"parameter '{parameter.Name}' is an extra output of a method that returns '{method.ReturnType.ToDisplayString()}'{(outputs.Count > 0 ? " and fills an array" : string.Empty)}; out and ref reals go with a double or float result (or void), at most 6 of them: return the outputs in a tuple", at);
                }
                else if (parameter.RefKind is not (RefKind.None or RefKind.In) && !IsExtraOutput(parameter))
                {
                    Unsupported(TypeNames.IsReal(parameter.Type)
                        ? $"parameter '{parameter.Name}' is an out or ref [NoDerivative] real; out and ref reals are extra outputs, whose derivatives are taken: drop [NoDerivative], or return the value in a tuple"
                        : $"parameter '{parameter.Name}' is passed by reference; pass it by value (or 'in'), and return what it would write in a tuple (out and ref double or float are extra outputs)", at);
                }
                else if (parameter.Type.TypeKind == TypeKind.Dynamic)
                {
                    Unsupported($"parameter '{parameter.Name}' is dynamic; give it a static type", at);
                }
                else if (UnsupportedCollection(parameter.Type) is { } problem)
                {
                    Unsupported($"parameter '{parameter.Name}' is {problem}", at);
                }
                else if (Types.IsDifferentiable(TypeNames.Of(parameter.Type)) || IsAggregateWrt(parameter) || parameter.Type.TypeKind == TypeKind.Error || OfMethodTypeParameter(parameter.Type))
                {
                    // Differentiated, or [NoDerivative]; a type that does not compile yet, which the compiler reports; or
                    // the method's own type parameter, reported with the method's being generic.
                }
                else if (TypeNames.CarriesNoReal(parameter.Type))
                {
                    if (parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == NoDerivativeAttribute) is { ApplicationSyntaxReference: { } attribute })
                    {
                        context.Report(Descriptors.NeedlessNoDerivative, attribute.GetSyntax().GetLocation(), parameter.Name, $"'{parameter.Type.ToDisplayString()}'");
                    }
                }
                else if (!BodyParser.HasAttribute(parameter, NoDerivativeAttribute))
                {
                    // Allow-list, never deny-list: a type that may hold a real number is no silent constant.
                    context.Report(
                        Descriptors.UndifferentiatedType,
                        parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation() ?? location,
                        $"Parameter '{parameter.Name}'",
                        parameter.Type.ToDisplayString(),
                        "mark it [NoDerivative] if it is constant data, or pass the numbers to differentiate as double or float parameters (or arrays of them)");
                }
            }
        }

        private static bool OfMethodTypeParameter(ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } parameter => TypeNames.Generic(parameter) is null,
            IArrayTypeSymbol array => OfMethodTypeParameter(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(OfMethodTypeParameter),
            _ => false,
        };

        /// <summary>GG0020: a method none of whose parameters is differentiated.</summary>
        private static void CheckSomethingToDifferentiate(IMethodSymbol method, Location? location, ParseContext context)
        {
            if (method.Parameters.Any(p => IsWrt(p) || IsAggregateWrt(p)))
            {
                return;
            }

            var why = method.Parameters.IsEmpty
                ? "it has no parameters"
                : method.Parameters.Any(p => Types.IsDifferentiable(TypeNames.Of(p.Type)))
                    ? "its double and float parameters are [NoDerivative]"
                    : "none is double, float or an array of them";
            context.Report(Descriptors.NothingToDifferentiate, location, method.Name, why);
        }

        /// <summary>Reports members the user declared under a name GradGen generates (its own generated members excepted).</summary>
        private static void CheckNames(IMethodSymbol method, DerivativeKind kinds, Location? location, ParseContext context)
        {
            var generated = DerivativeKindInfo.Of(kinds).SelectMany(k => k.Members(method.Name, TypeNames.IsReal(method.ReturnType)));
            foreach (var name in generated)
            {
                var userMember = method.ContainingType.GetMembers(name).FirstOrDefault(m => !m.GetAttributes().Any(a =>
                    a.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute"
                    && a.ConstructorArguments.Length > 0
                    && a.ConstructorArguments[0].Value as string == "GradGen"));
                if (userMember is not null)
                {
                    context.Report(Descriptors.NameClash, location, method.ContainingType.Name, name, method.Name);
                }
            }
        }

        /// <summary>
        /// The differentiated array parameters of reals whose elements the body assigns: a void method's output array
        /// (<c>void F(double[] x, double[] result)</c>), whose contents after the call are its result.
        /// </summary>
        private static List<IParameterSymbol> WrittenArrays(BaseMethodDeclarationSyntax syntax, SemanticModel semanticModel, CancellationToken cancellationToken, int depth = 0) =>
            (semanticModel.GetOperation(syntax, cancellationToken)?.Descendants() ?? Enumerable.Empty<IOperation>())
                .Select(op => op switch
                {
                    // An array whose elements are assigned, or that is passed on as the output array of another (a few calls deep, so recursion ends).
                    IAssignmentOperation { Target: IArrayElementReferenceOperation element } => element.ArrayReference,
                    IIncrementOrDecrementOperation { Target: IArrayElementReferenceOperation element } => element.ArrayReference,
                    IInvocationOperation { TargetMethod: var callee } call when depth < 4 && !SymbolEqualityComparer.Default.Equals(callee.OriginalDefinition, semanticModel.GetDeclaredSymbol(syntax, cancellationToken))
                        && BodyParser.HasAttribute(callee, "GradGen.DifferentiableAttribute") && OutputOf(callee, semanticModel.Compilation, depth + 1) is { } filled
                        => call.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, filled))?.Value,
                    _ => null,
                })
                .Select(written => written is IParameterReferenceOperation { Parameter: var parameter }
                    && parameter.ContainingSymbol.Equals(semanticModel.GetDeclaredSymbol(syntax, cancellationToken), SymbolEqualityComparer.Default)
                    && parameter.Type is IArrayTypeSymbol { Rank: 1 } array && TypeNames.IsReal(array.ElementType) && IsWrt(parameter)
                        ? parameter
                        : null)
                .OfType<IParameterSymbol>()
                .Distinct<IParameterSymbol>(SymbolEqualityComparer.Default)
                .ToList();

        /// <summary>The output array of a void [Differentiable] method <paramref name="method"/> that fills one, as its parse finds it; null for any other.</summary>
        public static IParameterSymbol? OutputOf(IMethodSymbol method, Compilation compilation, int depth = 0)
        {
            var definition = method.OriginalDefinition;
            if (!definition.ReturnsVoid
                || (definition.PartialImplementationPart ?? definition).DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<BaseMethodDeclarationSyntax>()
                    .FirstOrDefault(m => m.Body is not null || m.ExpressionBody is not null) is not { } syntax
                || !compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                return null;
            }

            var written = WrittenArrays(syntax, compilation.GetSemanticModel(syntax.SyntaxTree), CancellationToken.None, depth);
            return written.Count == 1 ? method.Parameters[written[0].Ordinal] : null;
        }

        /// <summary>A real, a tuple of 2 to 7 reals, a struct of reals, or a one-dimensional array of reals.</summary>
        public static bool IsDifferentiableReturn(ITypeSymbol type) =>
            TypeNames.IsReal(type)
            || IsSignatureAggregate(type)
            || type is IArrayTypeSymbol { Rank: 1 } array && TypeNames.IsReal(array.ElementType);

        /// <summary>Why a collection of reals cannot be a parameter, or null if it can (or is no such collection).</summary>
        private static string? UnsupportedCollection(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol { ElementType: IArrayTypeSymbol inner } array when TypeNames.IsReal(inner.ElementType) && (array.Rank != 1 || inner.Rank != 1) => "a jagged array of rank other than 1; use double[][] or a matrix (double[,])",
            IArrayTypeSymbol { ElementType: IArrayTypeSymbol { ElementType: IArrayTypeSymbol } } => "an array of arrays of arrays; use double[][] or a matrix (double[,])",
            IArrayTypeSymbol { Rank: > 2 } array when TypeNames.IsReal(array.ElementType) => "an array of rank 3 or more; use double[] or double[,]",
            INamedTypeSymbol { Name: "Span", IsGenericType: true } span when TypeNames.IsReal(span.TypeArguments[0]) || IsAggregate(span.TypeArguments[0]) => "a Span, which the method could write; take a ReadOnlySpan",
            _ => null,
        };

        /// <summary>
        /// Reports plain calls that a derivative would flow into, and integer conversions that cut one. Returns the
        /// varied variables, and the methods whose [DerivativeOf] derivatives a derivative flows into.
        /// </summary>
        private static (HashSet<string> Varied, HashSet<string> CustomCallees) CheckActivity(
            EquatableArray<Stmt> body, ImmutableArray<Parameter> parameters, DerivativeKind kinds, BodyParser parser, ParseContext context, System.Lazy<CustomDerivativeRegistry>? registry)
        {
            var customCallees = new HashSet<string>();
            var varied = ActivityAnalysis.Varied(body, parameters.Where(p => p.Wrt).Select(p => p.Name));
            foreach (var (call, location, name, resultUsed, writable) in parser.PlainCalls)
            {
                var operands = call.Children();
                var anyVaried = operands.Any(o => ActivityAnalysis.DependsOn(o, varied)) || writable.Any(w => ActivityAnalysis.DependsOn(w.Collection, varied));

                if (writable.Any(w => w.Converted && ActivityAnalysis.DependsOn(w.Collection, varied)))
                {
                    // A differentiable array converted to object or an interface: reported at the conversion (GG0019).
                    continue;
                }

                if (writable.Count > 0 && anyVaried)
                {
                    // The method could write differentiable values into the array, or change its elements, where no
                    // derivative follows.
                    var (collection, text, _) = writable.Where(w => ActivityAnalysis.DependsOn(w.Collection, varied)).DefaultIfEmpty(writable[0]).First();
                    context.Report(
                        Descriptors.UnsupportedConstruct,
                        location,
                        $"passing '{text}' to '{name}', which may write its elements while a derivative flows into the call,",
                        $"take a ReadOnlySpan<{Types.ElementType(collection.Type)}> in '{name}' if it only reads them, or write the elements in this method");
                    continue;
                }

                // A bool carries no derivative: the call is control flow (double.IsNaN(x), a tolerance test). An array's
                // derivative does not reach an integer computed from it (GetLength, IndexOf); a real's reaches anything.
                // A call whose result is not used may still keep what it is given in an object the body reads later
                // (list.Add(x) on a local list): then it is a call a derivative flows into.
                var keeps = call is Call { Receiver: Var } && call.Children().Skip(1).Any(o => ActivityAnalysis.DependsOn(o, varied));
                if (!resultUsed && !keeps || call.Type == Types.Bool)
                {
                    continue;
                }

                // An integer is piecewise constant in the reals it is computed from (FastFloor(x), a bucket index): its
                // derivative is zero, as for a cast to int, and said the same way.
                var integer = call.Type == Types.Int || call.Type == Types.Long;
                if (integer && operands.Any(o => ActivityAnalysis.DependsOn(o, varied) && Types.IsReal(o.Type)))
                {
                    context.Report(Descriptors.IntegerConversion, location, name + "(...)", call.Type);
                }
                else if (!integer && operands.Any(o => ActivityAnalysis.DependsOn(o, varied)))
                {
                    context.Report(Descriptors.NonDifferentiableCall, location, name);
                }
            }

            foreach (var (args, location, name) in parser.PiecewiseConstantCalls)
            {
                if (args.Any(a => ActivityAnalysis.DependsOn(a, varied)))
                {
                    context.Report(Descriptors.PiecewiseConstant, location, name);
                }
            }

            foreach (var (node, location, operand, type, toInteger) in parser.Conversions)
            {
                if (!ActivityAnalysis.DependsOn(node.Operand, varied))
                {
                    continue;
                }

                if (toInteger)
                {
                    context.Report(Descriptors.IntegerConversion, location, operand, node.Type);
                }
                else
                {
                    var instead = Types.IsReal(node.Operand.Type)
                        ? "keep it double or float"
                        : "keep it an array or span: read its elements in a loop, or query it with LINQ's Sum, Average, Min, Max, Aggregate or ToArray (a collection interface is differentiated as a parameter of a [Differentiable] method, not as a local)";
                    context.Report(Descriptors.UndifferentiatedType, location, $"The differentiable value '{operand}' converted to a value", type, instead);
                }
            }

            foreach (var (argument, location, callee, parameter) in parser.NoDerivativeArguments)
            {
                if (ActivityAnalysis.DependsOn(argument, varied))
                {
                    context.Report(Descriptors.NoDerivativeArgument, location, callee, parameter);
                }
            }

            foreach (var (node, location, name, calleeKinds, target) in parser.DifferentiableCalls)
            {
                if (!ActivityAnalysis.DependsOn(node, varied))
                {
                    continue;
                }

                var available = DerivativeKindInfo.CalleeDerivativesOf(calleeKinds);
                if (node.Custom is { } custom)
                {
                    customCallees.Add(custom.TargetKey);
                    if (registry is null)
                    {
                        continue;
                    }

                    available = registry.Value.Kinds(custom.TargetKey);
                    if (available == CalleeDerivative.None)
                    {
                        var stubs = CustomDerivativeParser.KindsOf(target).Where(k => (DerivativeKindInfo.CalleeDerivativesOf(kinds) & k) != 0).Select(k => CustomDerivativeParser.Stub(target, k));
                        context.Report(Descriptors.NonDifferentiableCall, location, Stubs(stubs), name);
                        continue;
                    }
                }

                // A Hessian calls the callee's FReverseTangent, which only a Hessian generates.
                var missing = DerivativeKindInfo.CalleeDerivativesOf(kinds) & ~available;
                if (missing == CalleeDerivative.ReverseTangent && !Types.IsReal(node.Type))
                {
                    // Vector-valued methods have no Hessian kind (GG0012), so no FReverseTangent to call.
                    context.Report(Descriptors.UnsupportedConstruct, location, $"a Hessian through the vector-valued '{name}'", "compute its outputs in this method, or call scalar-valued methods");
                }
                else if (missing != CalleeDerivative.None && node.Custom is not null)
                {
                    var kind = CustomDerivativeParser.KindsOf(target).First(k => (missing & k) != 0);
                    var stubs = CustomDerivativeParser.KindsOf(target).Where(k => (missing & k) != 0).Select(k => CustomDerivativeParser.Stub(target, k));
                    context.Report(Descriptors.MissingCustomDerivative, location, Stubs(stubs), name, kind.ToString(), CustomDerivativeParser.Declaration(target, kind, DerivativeNames.Of(kind, target.Name)));
                }
                else if (missing != CalleeDerivative.None)
                {
                    // The kind to add to the callee's [Differentiable]: the first whose derivatives the call lacks.
                    var kind = DerivativeKindInfo.All.First(k => (k.CalleeDerivatives & missing) != 0).Kind;
                    context.Report(Descriptors.MissingDerivativeKind, location, name, kind.ToString());
                }
            }

            return (varied, customCallees);
        }

        /// <summary>The diagnostic properties that hand [DerivativeOf] stubs to the code fix.</summary>
        private static ImmutableDictionary<string, string?> Stubs(IEnumerable<string> stubs) =>
            ImmutableDictionary<string, string?>.Empty.Add(Descriptors.StubsProperty, string.Join("\n", stubs));

        /// <summary><c>Namespace.Type.Method.g.cs</c>; overloads add their parameter types to stay apart.</summary>
        internal static string HintName(IMethodSymbol method)
        {
            var name = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
                + "." + method.Name;
            if (method.ContainingType.GetMembers(method.Name).Length > 1)
            {
                name += "_" + string.Join("_", method.Parameters.Select(p => p.Type.ToDisplayString()));
            }

            return new string(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_').ToArray()) + ".g.cs";
        }

        private static IEnumerable<TypeDecl> ContainingTypes(INamedTypeSymbol type)
        {
            var chain = new List<TypeDecl>();
            for (var t = type; t is not null; t = t.ContainingType)
            {
                var keyword = t.TypeKind switch
                {
                    TypeKind.Struct when t.IsRecord => "record struct",
                    TypeKind.Struct => "struct",
                    TypeKind.Interface => "interface",
                    _ when t.IsRecord => "record",
                    _ => "class",
                };
                // C# wants these before 'partial', which must come just before the keyword.
                var modifiers = (t.TypeKind == TypeKind.Struct && t.IsReadOnly ? "readonly " : string.Empty)
                    + (t.TypeKind == TypeKind.Struct && t.IsRefLikeType ? "ref " : string.Empty);
                var name = t.TypeParameters.IsEmpty ? t.Name : $"{t.Name}<{string.Join(", ", t.TypeParameters.Select(p => p.Name))}>";
                chain.Insert(0, new TypeDecl(modifiers, keyword, name));
            }

            return chain;
        }

        private static string Modifiers(IMethodSymbol method)
        {
            var access = method.DeclaredAccessibility switch
            {
                Accessibility.Public => "public",
                Accessibility.Internal => "internal",
                Accessibility.Protected => "protected",
                Accessibility.ProtectedOrInternal => "protected internal",
                Accessibility.ProtectedAndInternal => "private protected",
                _ => "private",
            };
            return method.IsStatic ? access + " static" : access;
        }

        /// <summary>The kinds to generate; Jacobian and Hessian are built on Forward and Reverse, which come with them.</summary>
        public static DerivativeKind Kinds(AttributeData attribute)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Kinds" && argument.Value.Value is int value)
                {
                    var kinds = (DerivativeKind)value;
                    return (kinds & ~DefaultKinds) != 0 ? kinds | DefaultKinds : kinds;
                }
            }

            return DefaultKinds;
        }
    }
}
