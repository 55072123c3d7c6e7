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
}
