using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Model
{
    /// <summary>
    /// A type that contains the method, outermost first: the modifiers that go before <c>partial</c> (<c>readonly ref </c>,
    /// or empty), its keyword (<c>class</c>, <c>record struct</c>...) and its name with type parameters.
    /// </summary>
    public sealed record TypeDecl(string Modifiers, string Keyword, string Name);

    /// <summary>
    /// A parameter; <see cref="Wrt"/> when GradGen differentiates with respect to it. An aggregate (a tuple or struct of
    /// reals) is one parameter per leaf inside GradGen (<see cref="Slot"/> says which), packed again in every signature.
    /// </summary>
    public sealed record Parameter(string Name, IrType Type, bool Wrt)
    {
        public LeafSlot? Slot { get; init; }
    }

    /// <summary>Leaf <see cref="Index"/> (<see cref="Types.Leaves"/>) of the aggregate parameter <see cref="Parameter"/> of type <see cref="Aggregate"/>.</summary>
    public sealed record LeafSlot(string Parameter, IrType Aggregate, int Index);

    /// <summary>
    /// Everything the emitters need to know about one [Differentiable] method, with its body already in the IR:
    /// no returns, breaks or continues (the result is assigned to <see cref="Results"/>: one variable for a real or an
    /// array, one per element for a tuple), and every local in <see cref="Locals"/>.
    /// </summary>
    public sealed record DiffMethodModel(
        string Key,
        string HintName,
        string? Namespace,
        EquatableArray<TypeDecl> ContainingTypes,
        string Name,
        string Modifiers,
        bool IsStatic,
        IrType ReturnType,
        EquatableArray<Parameter> Parameters,
        EquatableArray<Var> Locals,
        EquatableArray<Var> Results,
        EquatableArray<Stmt> Body,
        DerivativeKind Kinds,
        int Line)
    {
        /// <summary>A generic-math method's type parameters as declared, <c>&lt;T&gt;</c>, or empty.</summary>
        public string TypeParameters { get; init; } = string.Empty;

        /// <summary>Their constraint clauses, spelled in full (<c> where T : global::System.Numerics.IFloatingPointIeee754&lt;T&gt;</c>), or empty.</summary>
        public string Constraints { get; init; } = string.Empty;

        public bool IsGeneric => TypeParameters.Length > 0;

        /// <summary>
        /// A void method's output array parameter (<c>void F(double[] x, double[] result)</c>), or null. Inside GradGen the
        /// method returns a new array (<see cref="ReturnType"/>, <see cref="Results"/>) that starts as a copy of the
        /// parameter's contents; generated methods copy it back into the parameter, as the method leaves it.
        /// </summary>
        public string? Output { get; init; }

        /// <summary>
        /// The method's out and ref reals, in order: inside GradGen the method returns a tuple (<see cref="ReturnType"/>)
        /// of its result (unless void) and their values after the call; a ref one is an input too, among
        /// <see cref="Parameters"/>. Generated methods take them as the method does.
        /// </summary>
        public EquatableArray<ExtraOutput> ExtraOutputs { get; init; } = EquatableArray<ExtraOutput>.Empty;

        /// <summary>What the method itself returns (<c>void</c> included): its <see cref="ReturnType"/> but for extra outputs.</summary>
        public IrType? Returns { get; init; }

        /// <summary>A tuple or struct of reals: <see cref="Results"/> holds one variable per leaf.</summary>
        public bool ReturnsAggregate => Types.Leaves(ReturnType) is not null;

        /// <summary>A <c>double[]</c> or <c>float[]</c>.</summary>
        public bool ReturnsArray => Types.ElementType(ReturnType) is not null;

        public bool ReturnsScalar => !ReturnsAggregate && !ReturnsArray;

        /// <summary>The containing type as generated code names it: <c>global::N.Outer.Inner</c>.</summary>
        public string QualifiedTypeName =>
            "global::" + string.Join(".", (Namespace is null ? System.Array.Empty<string>() : new[] { Namespace }).Concat(ContainingTypes.Select(t => t.Name)));
    }

    /// <summary>An out or ref real parameter, at <paramref name="Position"/> among the method's parameters.</summary>
    public sealed record ExtraOutput(string Name, IrType Type, bool IsRef, int Position);

    /// <summary>The parse of one method as the generator keeps it: the model, or null when the method has errors.</summary>
    /// <param name="CustomCallees">The methods whose [DerivativeOf] derivatives the model calls, to be found in the registry.</param>
    public sealed record MethodResult(string Key, DiffMethodModel? Model, EquatableArray<string> Callees, EquatableArray<string> CustomCallees);
}
