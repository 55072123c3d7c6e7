using Microsoft.CodeAnalysis;

namespace GradGen.Generator.Diagnostics
{
    /// <summary>Every diagnostic GradGen reports. docs/diagnostics.md has a section for each.</summary>
    internal static class Descriptors
    {
        private const string Category = "GradGen";

        /// <summary>The property of GG0003 and GG0017 that holds the [DerivativeOf] methods the call needs, for the code fix to add.</summary>
        public const string StubsProperty = "DerivativeOfStubs";

        public static readonly DiagnosticDescriptor TypeNotPartial = Error(
            "GG0001",
            "Type containing a [Differentiable] method must be partial",
            "Type '{0}' must be declared 'partial' so GradGen can add the derivatives of '{1}' to it",
            "GradGen adds the generated derivative methods to the type that declares the [Differentiable] method, so that type and every type containing it must be partial.");

        public static readonly DiagnosticDescriptor UnsupportedSignature = Error(
            "GG0002",
            "Signature cannot be differentiated",
            "'{0}' cannot be differentiated: {1}",
            "A [Differentiable] method returns double or float, takes double, float or pass-through parameters by value, and is not generic, async, an iterator, extern or abstract.");

        public static readonly DiagnosticDescriptor NonDifferentiableCall = Error(
            "GG0003",
            "Call to a method GradGen cannot differentiate",
            "A derivative flows into '{0}', which has none: mark it [Differentiable], supply its derivative with [DerivativeOf], or mark the argument's source [NoDerivative]",
            "Differentiable code can call Math/MathF functions, other [Differentiable] methods, and methods with a [DerivativeOf] derivative. Other methods may be called only when no argument depends on a differentiable input, or when they return nothing or a bool (which carries no derivative), or an integer (zero derivative: GG0006).");

        public static readonly DiagnosticDescriptor WriteVisibleToCaller = Error(
            "GG0004",
            "Differentiable code writes state the caller can see",
            "'{0}' writes {1}, which the caller can see: {2}",
            "Generated derivatives run the method's body more than once, so it must not modify fields, properties, static state or its parameters' contents.");

        public static readonly DiagnosticDescriptor UnsupportedConstruct = Error(
            "GG0005",
            "Construct cannot be differentiated",
            "{0} is not supported in differentiable code: {1}",
            "GradGen differentiates arithmetic, locals, branches, loops, switch statements and calls. Other constructs are reported where they occur.");

        public static readonly DiagnosticDescriptor IntegerConversion = Warning(
            "GG0006",
            "Differentiable value converted to an integer",
            "Converting '{0}' to {1} drops its derivative (the derivative is zero there)",
            "An integer carries no derivative, so the conversion of a value that depends on a differentiable input, by a cast or by a call that returns an integer (FastFloor(x)), cuts the derivative.");

        public static readonly DiagnosticDescriptor PiecewiseConstant = Warning(
            "GG0007",
            "Piecewise-constant function has zero derivative",
            "'{0}' is piecewise constant: its derivative is zero wherever it is defined",
            "Floor, Ceiling, Round, Truncate and Sign are constant between their jumps, so no derivative flows through them.");

        public static readonly DiagnosticDescriptor NameClash = Error(
            "GG0008",
            "Generated member name already in use",
            "'{0}' already declares '{1}', which GradGen would generate for '{2}': rename one of them",
            "GradGen adds FForward, FGradient and FReverse for a [Differentiable] method F; the type must not declare members of those names itself.");

        public static readonly DiagnosticDescriptor MissingDerivativeKind = Error(
            "GG0009",
            "Callee does not generate the derivative this call needs",
            "'{0}' generates no {1} derivative, which this call needs: add DerivativeKinds.{1} to its [Differentiable]",
            "A derivative that flows through a call to another [Differentiable] method uses that method's generated derivative of the same kind, so the callee must generate every kind the caller does.");

        public static readonly DiagnosticDescriptor NoDerivativeArgument = Error(
            "GG0010",
            "Derivative flows into a [NoDerivative] parameter",
            "A derivative flows into parameter '{1}' of '{0}', which is [NoDerivative]: remove [NoDerivative] there, or pass a value that does not depend on a differentiable input",
            "A callee has no derivative with respect to a [NoDerivative] parameter, so a differentiable value passed there would silently lose its derivative.");

        public static readonly DiagnosticDescriptor NeedlessNoDerivative = new(
            "GG0011",
            "[NoDerivative] on a parameter that has no derivative",
            "Parameter '{0}' is {1}, which carries no derivative anyway: [NoDerivative] can be removed",
            Category,
            DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            "Only double, float, their arrays, read-only spans and matrices have derivatives; [NoDerivative] on a parameter of a type that holds no real number (bool, integers, string, enums, arrays of them...) changes nothing.");

        public static readonly DiagnosticDescriptor KindNotApplicable = Error(
            "GG0012",
            "Derivative kind does not apply to this method",
            "DerivativeKinds.{0} does not apply to '{1}': {2}",
            "Some derivative kinds only exist for some methods: a Hessian is the matrix of second derivatives of a scalar-valued function.");

        public static readonly DiagnosticDescriptor CalleeHasErrors = Error(
            "GG0013",
            "Called [Differentiable] method has errors",
            "'{0}' has GradGen errors, in its body or in a [Differentiable] method it calls, so it has no generated derivative and neither can this method: fix them first",
            "Derivatives flow through a call by the callee's generated derivative; a callee with errors, or one that calls such a method, gets none, so its callers are not generated either. The diagnostic's additional location is the callee.");

        public static readonly DiagnosticDescriptor DerivativeTargetNotFound = Error(
            "GG0014",
            "[DerivativeOf] names no method",
            "'{0}' has no method '{1}' for this to be the derivative of: name the method with nameof, and its type with typeof when it is another type",
            "[DerivativeOf(nameof(M))] names a method of the same type, [DerivativeOf(typeof(T), nameof(T.M))] a method of T.");

        public static readonly DiagnosticDescriptor DerivativeSignatureMismatch = Error(
            "GG0015",
            "[DerivativeOf] method does not have a derivative's signature",
            "'{0}' does not have the signature of a derivative of '{1}': declare it as {2}",
            "A user-written derivative has exactly the parameters and return type that GradGen would generate for the method: its Forward (value and tangent), its Reverse (accumulating the seed times the gradient), or, for a scalar-valued method, its ReverseTangent (forward mode applied to Reverse, which Hessians call).");

        public static readonly DiagnosticDescriptor InvalidDerivative = Error(
            "GG0016",
            "[DerivativeOf] method cannot be used",
            "'{0}' cannot be used as a derivative of '{1}': {2}",
            "A user-written derivative is called by generated code wherever its method is: it must be callable there, like its method (static or instance, accessible), of a method that GradGen does not differentiate itself, and the only one of its kind.");

        public static readonly DiagnosticDescriptor MissingCustomDerivative = Error(
            "GG0017",
            "Call needs a user-written derivative that is missing",
            "'{0}' has [DerivativeOf] derivatives but no {1} one, which this call needs: add a [DerivativeOf] method '{2}'",
            "A derivative that flows through a call to a method with user-written derivatives uses the one of the kind the caller generates: Forward for Forward, Reverse for Reverse and Jacobian, ReverseTangent (the second derivative) for Hessian.");

        public static readonly DiagnosticDescriptor LanguageVersionTooLow = Error(
            "GG0018",
            "GradGen needs C# 8 or later",
            "'{0}' cannot be differentiated in C# {1}: the generated derivatives need C# 8 or later; set <LangVersion> to 8.0 or later (or latest) in the project",
            "The generated code uses nullable annotations, spans made by stackalloc in expressions and other C# 8 features. Projects that target netstandard2.0 or .NET Framework default to C# 7.3.");

        public static readonly DiagnosticDescriptor UndifferentiatedType = Error(
            "GG0019",
            "Type GradGen does not differentiate yet",
            "{0} of type '{1}' would carry a derivative, but GradGen does not differentiate that type yet: {2}",
            "A derivative flows only through the types GradGen knows how to differentiate: double, float, their arrays, read-only spans, matrices and collection parameters (IReadOnlyList<double>, List<double>, IEnumerable<double>...), and tuples and structs of reals (System.Numerics vectors and Complex included). A value of any other type that can hold a real number (a struct with an int or private field beside its reals, a class with double fields, decimal, object, a dictionary or queue of doubles, a delegate, a type parameter) is an error wherever a derivative would reach it, never a silent constant.");

        public static readonly DiagnosticDescriptor NothingToDifferentiate = Warning(
            "GG0020",
            "[Differentiable] method has nothing to differentiate",
            "'{0}' has no parameter a derivative can be taken with respect to ({1}), so all its derivatives are zero: take the inputs to differentiate as double or float parameters (or arrays of them), or remove [Differentiable]",
            "Derivatives are taken with respect to the parameters of type double, float, their arrays, read-only spans and matrices that are not [NoDerivative]. A method with none of them has nothing to differentiate; the fields of 'this' are constants.");

        public static readonly DiagnosticDescriptor InternalError = Error(
            "GG0021",
            "GradGen failed on this method",
            "GradGen could not generate the derivatives of '{0}' ({1}); this is a bug in GradGen: please report it with the method",
            "GradGen's generator stopped on an inconsistency in its own model of the method (a node no pass knows). It generates nothing for that method rather than wrong or non-compiling code, and reports this error so the failure is seen.");

        public static readonly System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> All = System.Collections.Immutable.ImmutableArray.Create(
            TypeNotPartial, UnsupportedSignature, NonDifferentiableCall, WriteVisibleToCaller, UnsupportedConstruct, IntegerConversion, PiecewiseConstant, NameClash, MissingDerivativeKind, NoDerivativeArgument,
            NeedlessNoDerivative, KindNotApplicable, CalleeHasErrors, DerivativeTargetNotFound, DerivativeSignatureMismatch, InvalidDerivative, MissingCustomDerivative, LanguageVersionTooLow,
            UndifferentiatedType, NothingToDifferentiate, InternalError);

        private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description);

        private static DiagnosticDescriptor Warning(string id, string title, string message, string description) =>
            new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description);
    }
}
