using System;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// Base of the numeric test classes: each concrete class picks a precision; the tests live in an abstract class per
    /// feature area, so every test runs for double and for float. Each area has one compilation per precision (so that a
    /// float-only generator bug does not take the double tests down); float tests also load the double compilation,
    /// whose methods are their finite-difference truth.
    /// </summary>
    public abstract class PrecisionTestBase
    {
        private readonly Func<Precision, Lazy<LoadedSource>> _sources;

        protected PrecisionTestBase(Func<Precision, Lazy<LoadedSource>> sources, Precision precision)
        {
            _sources = sources;
            Precision = precision;
        }

        protected Precision Precision { get; }

        protected bool IsFloat => Precision == Precision.Float;

        /// <summary>The compiled, generated and loaded source (built once for all tests that share it).</summary>
        protected LoadedSource Source => _sources(Precision).Value;

        /// <summary>Type name with <c>_real</c> instantiated for this precision.</summary>
        protected string TypeName(string templateName) => SourceTemplate.Instantiate(templateName, Precision);

        /// <summary>The loaded type of a template type, for direct reflection.</summary>
        protected Type Type(string templateTypeName) => Source.GetType(TypeName(templateTypeName));

        /// <summary>A method of a template type; for float its double twin is the finite-difference truth.</summary>
        protected DiffFunction Fn(string templateTypeName, string method, Func<Type, object?>? target = null) =>
            DiffFunction.Of(_sources, templateTypeName, method, Precision, target);

        /// <summary>A method of a non-template type (no twin: float code is checked with float finite differences).</summary>
        protected DiffFunction Plain(string fullTypeName, string method, bool floatArithmetic = false) =>
            new DiffFunction(Source, Source.GetType(fullTypeName), method) { FloatArithmetic = floatArithmetic };
    }
}
