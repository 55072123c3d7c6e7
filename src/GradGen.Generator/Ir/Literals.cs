using System.Globalization;

namespace GradGen.Generator.Ir
{
    /// <summary>Numeric constants of the IR, spelled as exact C# literals.</summary>
    public static class Literals
    {
        public static Const Number(IrType type, double value) => new(type, Text(type, value), value);

        /// <summary>The literal <c>null</c> (or <c>default</c>) of an array type: an array not made yet.</summary>
        public static bool IsNull(Expr e) => e is Const { Text: "default", Value: null } && Types.ElementType(e.Type) is not null;

        /// <summary>C# text for <paramref name="value"/> as a <paramref name="type"/>, exact on round trip.</summary>
        public static string Text(IrType type, double value)
        {
            if (type == Types.Float)
            {
                var f = (float)value;
                return float.IsNaN(f) ? "float.NaN"
                    : float.IsPositiveInfinity(f) ? "float.PositiveInfinity"
                    : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
                    : f.ToString("R", CultureInfo.InvariantCulture) + "f";
            }

            if (type is TypeParameterType)
            {
                return value == 0 ? type + ".Zero" : value == 1 ? type + ".One" : $"{type}.CreateTruncating({Text(Types.Double, value)})";
            }

            if (type == Types.Double)
            {
                if (double.IsNaN(value))
                {
                    return "double.NaN";
                }

                if (double.IsInfinity(value))
                {
                    return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
                }

                var text = value.ToString("R", CultureInfo.InvariantCulture);
                return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
            }

            var integer = value.ToString("R", CultureInfo.InvariantCulture);
            return type.ToString() switch
            {
                "long" => integer + "L",
                "uint" => integer + "U",
                "ulong" => integer + "UL",
                "int" => integer,
                _ => $"(({type}){integer})",
            };
        }
    }
}
