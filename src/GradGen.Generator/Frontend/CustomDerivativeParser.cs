using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Generator.Diagnostics;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// Reads user-written derivatives: a [DerivativeOf] method stands for the Forward, Reverse or ReverseTangent a
    /// [Differentiable] target would have when its signature is exactly theirs. One checker for the generator's
    /// registry and the analyzer's diagnostics.
    /// </summary>
    internal static class CustomDerivativeParser
    {
        public const string AttributeName = "GradGen.DerivativeOfAttribute";

        private const string DifferentiableAttribute = "GradGen.DifferentiableAttribute";

        /// <summary>What a derivative can stand for, in the order they are tried.</summary>
        private static readonly CalleeDerivative[] Kinds = { CalleeDerivative.Forward, CalleeDerivative.Reverse, CalleeDerivative.ReverseTangent };

        /// <summary>The derivatives <paramref name="method"/> stands for, and what is wrong with its [DerivativeOf] attributes.</summary>
        public static (List<(CustomDerivative Entry, Location? Location, string Target)> Entries, List<Diagnostic> Diagnostics) Parse(IMethodSymbol method, IEnumerable<AttributeData> attributes)
        {
            var entries = new List<(CustomDerivative, Location?, string)>();
            var diagnostics = new List<Diagnostic>();
            foreach (var attribute in attributes)
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? method.Locations.FirstOrDefault();
                var (type, name) = attribute.ConstructorArguments.Length switch
                {
                    1 => (method.ContainingType, attribute.ConstructorArguments[0].Value as string),
                    2 => (attribute.ConstructorArguments[0].Value as INamedTypeSymbol, attribute.ConstructorArguments[1].Value as string),
                    _ => (null, null),
                };
                if (type is null or { TypeKind: TypeKind.Error } || name is null)
                {
                    // Half-typed: the compiler reports it.
                    continue;
                }

                var candidates = type.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
                if (candidates.Count == 0)
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.DerivativeTargetNotFound, location, type.ToDisplayString(), name));
                    continue;
                }

                var targets = candidates.Where(c => CannotHave(c) is null).ToList();
                var match = targets.SelectMany(t => KindsOf(t).Where(k => Matches(method, t, k)).Select(k => (Target: t, Kind: k))).FirstOrDefault();
                if (match.Target is null)
                {
                    diagnostics.Add(targets.Count == 0
                        ? Diagnostic.Create(Descriptors.InvalidDerivative, location, method.Name, Display(candidates[0]), CannotHave(candidates[0])!)
                        : Diagnostic.Create(Descriptors.DerivativeSignatureMismatch, location, method.Name, Display(targets[0]), $"'{Declaration(targets[0], CalleeDerivative.Forward, method.Name)}' (Forward) or '{Declaration(targets[0], CalleeDerivative.Reverse, method.Name)}' (Reverse)"));
                    continue;
                }

                if (Invalid(method, match.Target) is { } reason)
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.InvalidDerivative, location, method.Name, Display(match.Target), reason));
                    continue;
                }

                var entry = new CustomDerivative(
                    MethodKeys.Of(match.Target),
                    match.Kind,
                    method.Name,
                    method.IsStatic ? TypeNames.Spelled(method.ContainingType) : null,
                    MethodKeys.Of(method));
                entries.Add((entry, location, Display(match.Target)));
            }

            return (entries, diagnostics);
        }

        /// <summary>
        /// Why <paramref name="target"/> can have no user-written derivative, or null when it can: it must look like a
        /// method GradGen could differentiate, with something to differentiate with respect to.
        /// </summary>
        public static string? CannotHave(IMethodSymbol target) =>
            target.IsGenericMethod || target.ContainingType.IsGenericType ? "it is generic"
            : !MethodParser.IsDifferentiableReturn(target.ReturnType) ? $"it returns '{target.ReturnType.ToDisplayString()}', not double or float, a tuple of them, or an array of them"
            : target.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams) ? "it has a ref, out, in or params parameter"
            : !target.Parameters.Any(Differentiated) ? "it has no double or float parameter, array of them, or tuple or struct of them, to differentiate with respect to"
            : null;

        /// <summary>A parameter the derivatives have a derivative of: a real, an array or span of them, or a tuple or struct of them (as one value, its derivative of its own type).</summary>
        private static bool Differentiated(IParameterSymbol parameter) =>
            MethodParser.IsWrt(parameter) || MethodParser.IsAggregateWrt(parameter) && TypeNames.Collection(parameter.Type) is null;

        /// <summary>The declaration a derivative of <paramref name="kind"/> of <paramref name="target"/> has, named <paramref name="name"/>: the code fix's stub and the messages' expected signature.</summary>
        public static string Declaration(IMethodSymbol target, CalleeDerivative kind, string name)
        {
            var (returnType, parameters) = Expected(target, kind, TypeNames.Of);
            return $"{(kind == CalleeDerivative.Forward ? DerivativeSignatures.ForwardReturn(returnType) : returnType)} {name}({DerivativeSignatures.Declare(parameters)})";
        }

        /// <summary>
        /// A [DerivativeOf] method of <paramref name="kind"/> for <paramref name="target"/>, to go next to it, with a body
        /// that throws until the user writes it.
        /// </summary>
        public static string Stub(IMethodSymbol target, CalleeDerivative kind)
        {
            var modifiers = SyntaxFacts.GetText(target.DeclaredAccessibility) + (target.IsStatic ? " static" : string.Empty);
            return $"[global::GradGen.DerivativeOf(nameof({target.Name}))]\n{modifiers} {Declaration(target, kind, DerivativeNames.Of(kind, target.Name))} => throw new global::System.NotImplementedException();";
        }

        /// <summary>The kinds a derivative of <paramref name="target"/> can stand for: no Hessian of a vector-valued method.</summary>
        public static IEnumerable<CalleeDerivative> KindsOf(IMethodSymbol target) => TypeNames.IsReal(target.ReturnType) ? Kinds : Kinds.Take(2);

        /// <summary><c>Type.Method</c>, as messages name a method.</summary>
        public static string Display(IMethodSymbol method) => $"{method.ContainingType.Name}.{method.Name}";

        private static (IrType ReturnType, List<(string Type, string Name)> Parameters) Expected(IMethodSymbol target, CalleeDerivative kind, System.Func<ITypeSymbol, IrType> typeName)
        {
            var parameters = target.Parameters.Select(p => new Parameter(p.Name, typeName(p.Type), Differentiated(p))).ToList();
            var returnType = typeName(target.ReturnType);
            var names = new NameScope(parameters.Select(p => p.Name).Concat(new[] { "d", "v", "hv" }.SelectMany(prefix => parameters.Where(p => p.Wrt).Select(p => DerivativeNames.Parameter(prefix, p.Name)))));
            var list = kind switch
            {
                CalleeDerivative.Forward => DerivativeSignatures.Forward(parameters),
                CalleeDerivative.Reverse => DerivativeSignatures.Reverse(parameters, returnType, names.Fresh("seed")),
                _ => DerivativeSignatures.ReverseTangent(parameters, returnType, names.Fresh("seed"), names.Fresh("vSeed")),
            };
            return (returnType, list.ToList());
        }

        private static bool Matches(IMethodSymbol method, IMethodSymbol target, CalleeDerivative kind)
        {
            var (returnType, parameters) = Expected(target, kind, Shape);
            return Shape(method.ReturnType) == (kind == CalleeDerivative.Forward ? Types.Tuple((returnType, string.Empty), (returnType, string.Empty)) : returnType)
                && method.Parameters.Length == parameters.Count
                && method.Parameters.Select(p => RefModifier(p.RefKind) + Shape(p.Type)).SequenceEqual(parameters.Select(p => p.Type));
        }

        /// <summary>What makes a derivative whose signature matches unusable: how it is called, and from where.</summary>
        private static string? Invalid(IMethodSymbol method, IMethodSymbol target)
        {
            var sameType = SymbolEqualityComparer.Default.Equals(method.ContainingType, target.ContainingType);
            if (method.MethodKind != MethodKind.Ordinary)
            {
                // Generated code calls it by name on the type or the receiver: accessors, local functions and explicit
                // interface implementations cannot be called that way.
                return "only an ordinary method of a type can be called for it; make it one";
            }

            if (target.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute))
            {
                return $"'{target.Name}' is [Differentiable], so its derivatives are generated: remove [Differentiable] from it, or remove this method";
            }

            if (method.IsGenericMethod || method.ContainingType.IsGenericType)
            {
                return "it is generic, or in a generic type; write it for double or float in a non-generic type";
            }

            if (!target.IsStatic && !(sameType && !method.IsStatic))
            {
                return $"'{target.Name}' is an instance method, so its derivative must be an instance method of '{target.ContainingType.Name}' too";
            }

            if (target.IsStatic && !method.IsStatic)
            {
                return $"'{target.Name}' is static, so its derivative must be static too";
            }

            // Differentiable code that can call the target must be able to call its derivative.
            var needed = sameType ? (Accessibility)System.Math.Min((int)target.DeclaredAccessibility, (int)Accessibility.Internal) : Accessibility.Internal;
            if ((sameType ? method.DeclaredAccessibility : EffectiveAccessibility(method)) < needed)
            {
                return sameType
                    ? $"it is less accessible than '{target.Name}'; make it {(needed == Accessibility.Internal ? "internal" : SyntaxFacts.GetText(needed))} or more"
                    : "it cannot be called from everywhere in the assembly; make it and its type internal or public";
            }

            return null;
        }

        private static Accessibility EffectiveAccessibility(ISymbol symbol)
        {
            var result = symbol.DeclaredAccessibility;
            for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                result = (Accessibility)System.Math.Min((int)result, (int)type.DeclaredAccessibility);
            }

            return result;
        }

        /// <summary>A type as signatures are compared: fully qualified, tuples without their element names.</summary>
        private static IrType Shape(ITypeSymbol type) => Types.Shape(TypeNames.Of(type));

        private static string RefModifier(RefKind kind) => kind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            _ => string.Empty,
        };
    }
}
