using System;
using System.Text.RegularExpressions;

namespace GradGen.Tests.Infrastructure
{
    public enum Precision
    {
        Double,
        Float,
    }

    /// <summary>
    /// Writes one test source for both precisions. In a template:
    /// <c>real</c> (a whole word) is the scalar type; <c>_real</c> in a type name becomes <c>_double</c> / <c>_float</c>;
    /// <c>MathR.</c> is <c>Math.</c> / <c>MathF.</c>; a numeric literal with an <c>r</c> suffix (<c>0.5r</c>, <c>1e-3r</c>)
    /// gets the <c>f</c> suffix in float and none in double. Templates have no using directives
    /// (<see cref="Header"/> is prepended once) and use block-scoped namespaces, so instantiations can be concatenated.
    /// </summary>
    public static class SourceTemplate
    {
        public const string Header = "using System;\nusing GradGen;\n\n";

        private static readonly Regex RealWord = new Regex(@"\breal\b", RegexOptions.CultureInvariant);
        private static readonly Regex RealLiteral = new Regex(@"\b(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)r\b", RegexOptions.CultureInvariant);

        public static string TypeKeyword(Precision p) => p == Precision.Double ? "double" : "float";

        public static string Instantiate(string template, Precision p)
        {
            var keyword = TypeKeyword(p);
            var s = template.Replace("_real", "_" + keyword);
            s = RealWord.Replace(s, keyword);
            s = s.Replace("MathR.", p == Precision.Double ? "Math." : "MathF.");
            s = RealLiteral.Replace(s, m => m.Groups[1].Value + (p == Precision.Double ? string.Empty : "f"));
            return s;
        }

        /// <summary>Header + the instantiation for one precision + extra (non-template) code.</summary>
        public static string One(string template, Precision p, string extra = "") =>
            Header + Instantiate(template, p) + "\n" + extra;

        /// <summary>Header + the double instantiation + the float instantiation + extra (non-template) code.</summary>
        public static string Both(string template, string extra = "") =>
            Header + Instantiate(template, Precision.Double) + "\n" + Instantiate(template, Precision.Float) + "\n" + extra;
    }

    /// <summary>
    /// Base of the numeric test classes: each concrete class picks a precision; the [Fact]s live in an abstract
    /// class per feature area, so every test runs for double and for float. Each area has one compilation per
    /// precision (so a float-only generator bug does not take the double tests down); float tests also load the
    /// double compilation, whose methods are their finite-difference truth.
    /// </summary>
    public abstract class ScalarTestBase
    {
        private readonly Func<Precision, Lazy<LoadedSource>> _sources;

        protected ScalarTestBase(Func<Precision, Lazy<LoadedSource>> sources, Precision precision)
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

        /// <summary>A method of a template type; for float its double twin is the finite-difference truth.</summary>
        protected DiffFunction Fn(string templateTypeName, string method, Func<Type, object?>? target = null)
        {
            var source = Source;
            DiffFunction? twin = null;
            if (IsFloat)
            {
                var doubleSource = _sources(Precision.Double).Value;
                var doubleType = doubleSource.GetType(SourceTemplate.Instantiate(templateTypeName, Precision.Double));
                twin = new DiffFunction(doubleSource, doubleType, method, target?.Invoke(doubleType));
            }

            var type = source.GetType(TypeName(templateTypeName));
            return new DiffFunction(source, type, method, target?.Invoke(type), twin);
        }

        /// <summary>A method of a non-template type (no twin: float code is checked with float finite differences).</summary>
        protected DiffFunction Plain(string fullTypeName, string method, object? target = null, bool? floatMode = null) =>
            new DiffFunction(Source, Source.GetType(fullTypeName), method, target, twin: null, floatMode);

        protected static object?[] P(params object?[] args) => args;

        protected static object?[][] Points(params object?[][] points) => points;
    }
}
