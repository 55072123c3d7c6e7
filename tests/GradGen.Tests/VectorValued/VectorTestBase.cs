using System;
using GradGen.Tests.Infrastructure;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Base of the vector-valued test classes: each concrete class picks a precision; the [Fact]s live in an abstract
    /// class per area, so every test runs for double and for float. One compilation per precision and area (shared by
    /// all its tests); float tests also load the double compilation, whose methods are their finite-difference truth.
    /// </summary>
    public abstract class VectorTestBase
    {
        private readonly Func<Precision, Lazy<LoadedSource>> _sources;

        protected VectorTestBase(Func<Precision, Lazy<LoadedSource>> sources, Precision precision)
        {
            _sources = sources;
            Precision = precision;
        }

        protected Precision Precision { get; }

        protected bool IsFloat => Precision == Precision.Float;

        protected LoadedSource Source => _sources(Precision).Value;

        protected string TypeName(string templateName) => SourceTemplate.Instantiate(templateName, Precision);

        /// <summary>A method of a template type; for float its double twin is the finite-difference truth.</summary>
        protected VectorFunction Fn(string templateTypeName, string method)
        {
            VectorFunction? twin = null;
            if (IsFloat)
            {
                var doubleSource = _sources(Precision.Double).Value;
                twin = new VectorFunction(doubleSource, doubleSource.GetType(SourceTemplate.Instantiate(templateTypeName, Precision.Double)), method);
            }

            return new VectorFunction(Source, Source.GetType(TypeName(templateTypeName)), method, twin);
        }

        /// <summary>The generated type of a template type, for direct reflection.</summary>
        protected Type Type(string templateTypeName) => Source.GetType(TypeName(templateTypeName));

        protected static object?[] P(params object?[] args) => args;

        protected static object?[][] Points(params object?[][] points) => points;
    }
}
