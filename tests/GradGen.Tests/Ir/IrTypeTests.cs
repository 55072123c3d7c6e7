using System.Linq;
using GradGen.Generator.Frontend;
using GradGen.Generator.Ir;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests.Ir
{
    /// <summary>
    /// Roslyn types become the IR's types (<see cref="TypeNames.Of"/>): structure where differentiation asks about it,
    /// and a spelling that is exactly what Roslyn writes for the type, fully qualified with its nullable annotation, which
    /// is what generated signatures must declare.
    /// </summary>
    public class IrTypeTests
    {
        private const string Source = @"
#nullable enable
using System;
using System.Collections.Generic;
public static class Probe
{
    public static void M(double a, float b, int c, long d, bool e, double[] f, float[,] g, double[]? h, ReadOnlySpan<float> i,
        Span<double> j, (double X, float) k, ((double, double) P, int Q) l, string m, List<double> n, double? o, double[][] p, object? q) { }
}";

        private static IParameterSymbol[] Parameters()
        {
            var compilation = GeneratorHarness.CreateCompilation(Source);
            var probe = compilation.GetTypeByMetadataName("Probe")!;
            return probe.GetMembers("M").OfType<IMethodSymbol>().Single().Parameters.ToArray();
        }

        [Fact]
        public void EveryType_IsSpelledAsRoslynSpellsIt()
        {
            var format = SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
            foreach (var parameter in Parameters())
            {
                Assert.Equal(parameter.Type.ToDisplayString(format), TypeNames.Of(parameter.Type).ToString());
            }
        }

        [Fact]
        public void Structure_IsWhatDifferentiationAsks()
        {
            var t = Parameters().ToDictionary(p => p.Name, p => TypeNames.Of(p.Type));

            Assert.Same(Types.Double, t["a"]);
            Assert.Equal(Types.Float, t["b"]);
            Assert.Equal(Types.Long, t["d"]);
            Assert.True(Types.IsReal(t["a"]) && Types.IsReal(t["b"]) && !Types.IsReal(t["c"]) && !Types.IsReal(t["o"]));

            Assert.Equal(Types.Array(Types.Double), t["f"]);
            Assert.True(Types.IsMatrix(t["g"]) && Types.IsRealCollection(t["g"]));
            Assert.Equal(new ArrayType(Types.Double, 1, Nullable: true), t["h"]);
            Assert.True(t["h"].IsNullable && !t["f"].IsNullable && t["q"].IsNullable);
            Assert.Equal(Types.ReadOnlySpan(Types.Float), t["i"]);
            Assert.Equal(Types.Span(Types.Double), t["j"]);
            Assert.False(Types.IsRealCollection(t["p"]));

            // Tuples keep their element names; a signature matches on shape, names and annotations dropped.
            Assert.Equal(new[] { Types.Double, Types.Float }, Types.TupleElements(t["k"]));
            Assert.Null(Types.TupleElements(t["l"]));
            Assert.Equal("(double, (double, double))", Types.Shape(Types.Tuple((Types.Double, "X"), (Types.Tuple((Types.Double, "U"), (Types.Double, "")), "Y"))).ToString());
            Assert.Equal(Types.Array(Types.Double), Types.Shape(t["h"]));
            Assert.IsType<NamedType>(t["m"]);
            Assert.IsType<NamedType>(t["n"]);

            // How derivatives of each are passed: tangents read-only spans, adjoints spans, matrices and reals as they are.
            Assert.Equal(Types.ReadOnlySpan(Types.Double), Types.Tangent(t["h"]));
            Assert.Equal(Types.Span(Types.Float), Types.Adjoint(t["i"]));
            Assert.Equal(t["g"], Types.Adjoint(t["g"]));
        }
    }
}
