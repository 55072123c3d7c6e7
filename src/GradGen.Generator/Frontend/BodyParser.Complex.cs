using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// System.Numerics <c>Complex</c>, an aggregate of its <c>Real</c> and <c>Imaginary</c> parts: its arithmetic and
    /// common functions are written out over the two parts (<c>a * b</c> is <c>(a_Real * b_Real - a_Imaginary *
    /// b_Imaginary, ...)</c>), so every derivative comes from the scalar rules. A real operand has no imaginary part
    /// (null here), which keeps <c>2 * z</c> from multiplying zeros. A member not listed here stays an error.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private static bool IsComplex(ITypeSymbol? type) => TypeNames.IsComplex(type);

        /// <summary>A Complex-valued operator, conversion from a real, or static method of Complex.</summary>
        private static bool IsComplexOperation(IOperation value) => value switch
        {
            IBinaryOperation { OperatorMethod: { } method } binary => IsComplex(method.ContainingType) && IsComplex(binary.Type) && IsArithmetic(BinaryOperator(binary.OperatorKind)),
            IUnaryOperation { OperatorMethod: { } method, OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus } => IsComplex(method.ContainingType),
            IConversionOperation { OperatorMethod: { } method } => IsComplex(method.ContainingType) && IsComplex(value.Type) && !IsComplex(((IConversionOperation)value).Operand.Type),
            IInvocationOperation { TargetMethod: { IsStatic: true } method } => IsComplex(method.ContainingType) && IsComplex(method.ReturnType),
            _ => false,
        };

        /// <summary>The real and imaginary leaves of a <see cref="IsComplexOperation"/>; null, and reported, for one not written out here.</summary>
        private List<Expr>? ComplexValues(IOperation value, List<Stmt> output)
        {
            var result = value switch
            {
                IConversionOperation or IUnaryOperation { OperatorKind: UnaryOperatorKind.Plus } => ComplexOperand(value is IConversionOperation c ? c.Operand : ((IUnaryOperation)value).Operand, output),
                IUnaryOperation unary => Negated(ComplexOperand(unary.Operand, output)),
                IBinaryOperation binary => ComplexArithmetic(BinaryOperator(binary.OperatorKind)!.Value, binary.LeftOperand, binary.RightOperand, output),
                _ => ComplexMethod((IInvocationOperation)value, output),
            };
            return result is { } z ? new List<Expr> { z.Re ?? Build.Num(Types.Double, 0), z.Im ?? Build.Num(Types.Double, 0) } : null;
        }

        /// <summary><c>a op b</c> for the operators and <c>Complex.Add</c>... where either side may be a real.</summary>
        private (Expr? Re, Expr? Im)? ComplexArithmetic(BinaryOp op, IOperation left, IOperation right, List<Stmt> output)
        {
            if (ComplexOperand(left, output) is not { } a || ComplexOperand(right, output) is not { } b)
            {
                return null;
            }

            switch (op)
            {
                case BinaryOp.Add:
                    return (Build.Add(a.Re, b.Re), Build.Add(a.Im, b.Im));
                case BinaryOp.Subtract:
                    return (Build.Sub(a.Re, b.Re), Build.Sub(a.Im, b.Im));
                case BinaryOp.Multiply:
                    return Product(Staged(a, output), Staged(b, output));
                default:
                    // Divide: only the four arithmetic operators reach here (IsArithmetic).
                    return Quotient(Staged(a, output), Staged(b, output), output);
            }
        }

        private (Expr? Re, Expr? Im)? ComplexMethod(IInvocationOperation call, List<Stmt> output)
        {
            var args = call.Arguments.Select(a => a.Value).ToList();
            (Expr? Re, Expr? Im)? Operand(int i) => ComplexOperand(args[i], output);
            switch (call.TargetMethod.Name, args.Count)
            {
                case ("Add", 2):
                    return ComplexArithmetic(BinaryOp.Add, args[0], args[1], output);
                case ("Subtract", 2):
                    return ComplexArithmetic(BinaryOp.Subtract, args[0], args[1], output);
                case ("Multiply", 2):
                    return ComplexArithmetic(BinaryOp.Multiply, args[0], args[1], output);
                case ("Divide", 2):
                    return ComplexArithmetic(BinaryOp.Divide, args[0], args[1], output);
                case ("Negate", 1):
                    return Negated(Operand(0));
                case ("Conjugate", 1) when Operand(0) is { } z:
                    return (z.Re, z.Im is null ? null : Build.Neg(z.Im));
                case ("Reciprocal", 1) when Operand(0) is { } z:
                    return Quotient((Build.Num(Types.Double, 1), null), Staged(z, output), output);
                case ("Exp", 1) when Operand(0) is { } z:
                    return Exponential(z, output);
                case ("Log", 1) when Operand(0) is { } z:
                    return Logarithm(z, output);
                case ("Log", 2) or ("Log10", 1) when Operand(0) is { } z:
                    // log_b z = ln z / ln b.
                    var scale = StagedScalar(args.Count == 2 ? Build.Math(MathFunction.Log, Types.Double, Real(args[1])) : Build.Math(MathFunction.Log, Types.Double, Build.Num(Types.Double, 10)), output);
                    return Logarithm(z, output) is var (re, im) ? (Divide(re, scale), Divide(im, scale)) : null;
                case ("Sqrt", 1) when Operand(0) is { } z:
                    return SquareRoot(Staged(z, output), output);
                case ("Pow", 2) when Operand(0) is { } z && Operand(1) is { } w:
                    // z^w = exp(w ln z).
                    return Exponential(Product(Staged(w, output), Staged(Logarithm(z, output), output)), output);
                case ("FromPolarCoordinates", 2):
                    var (magnitude, phase) = (StagedScalar(Real(args[0]), output), StagedScalar(Real(args[1]), output));
                    return (Build.Mul(magnitude, Build.Math(MathFunction.Cos, Types.Double, phase)), Build.Mul(magnitude, Build.Math(MathFunction.Sin, Types.Double, phase)));
                case ("Sin" or "Cos", 1) when Operand(0) is { } z:
                    // sin(a + bi) = sin a cosh b + i cos a sinh b; cos(a + bi) = cos a cosh b − i sin a sinh b.
                    var (x, y) = Staged(z, output);
                    var angle = x ?? Build.Num(Types.Double, 0);
                    var (first, second) = call.TargetMethod.Name == "Sin" ? (MathFunction.Sin, MathFunction.Cos) : (MathFunction.Cos, MathFunction.Sin);
                    var trigRe = y is null ? Build.Math(first, Types.Double, angle) : Build.Mul(Build.Math(first, Types.Double, angle), Build.Math(MathFunction.Cosh, Types.Double, y));
                    var trigIm = y is null ? null : Build.Mul(Build.Math(second, Types.Double, angle), Build.Math(MathFunction.Sinh, Types.Double, y));
                    return (trigRe, trigIm is null || first == MathFunction.Sin ? trigIm : Build.Neg(trigIm));
                default:
                    Unsupported(call, $"'Complex.{call.TargetMethod.Name}' with these arguments (not yet)", "write it with Real and Imaginary");
                    return null;
            }
        }

        /// <summary>A real-valued member of Complex: <c>z.Magnitude</c>, <c>Complex.Abs(z)</c>, <c>z.Phase</c>; null when <paramref name="op"/> is none.</summary>
        private Expr? ComplexScalar(IOperation op)
        {
            var (name, operand) = op switch
            {
                IPropertyReferenceOperation { Property.Name: "Magnitude" or "Phase", Instance: { } instance } property when IsComplex(instance.Type) => (property.Property.Name, instance),
                IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Abs" } method, Arguments.Length: 1 } call when IsComplex(method.ContainingType) => ("Magnitude", call.Arguments[0].Value),
                _ => (null, null),
            };
            if (operand is null)
            {
                return null;
            }

            var output = Hoisted;
            if (ComplexOperand(operand, output) is not { } z)
            {
                return Placeholder;
            }

            if (CannotHoist(output, op, "a Complex"))
            {
                return Placeholder;
            }

            var (re, im) = Staged(z, output);
            var zero = Build.Num(Types.Double, 0);
            return name == "Phase"
                ? Build.Math(MathFunction.Atan2, Types.Double, im ?? zero, re ?? zero)
                : Build.Math(MathFunction.Sqrt, Types.Double, Build.Add(Square(re), Square(im)) ?? zero);
        }

        /// <summary>A Complex operand as its parts, or a real one (maybe converted to Complex) as its real part alone.</summary>
        private (Expr? Re, Expr? Im)? ComplexOperand(IOperation operand, List<Stmt> output)
        {
            if (operand is IConversionOperation { OperatorMethod: { } method } conversion && IsComplex(method.ContainingType) && !IsComplex(conversion.Operand.Type))
            {
                operand = conversion.Operand;
            }

            if (!IsComplex(operand.Type))
            {
                return (Real(operand), null);
            }

            return AggregateValues(operand, operand.Type!, output) is { } parts ? (parts[0], parts[1]) : null;
        }

        private Expr Real(IOperation operand) => ConvertTo(Types.Double, ParseExpression(operand));

        private (Expr? Re, Expr? Im) Staged((Expr? Re, Expr? Im) z, List<Stmt> output) =>
            (z.Re is null ? null : StagedScalar(z.Re, output), z.Im is null ? null : StagedScalar(z.Im, output));

        private static (Expr? Re, Expr? Im)? Negated((Expr? Re, Expr? Im)? z) =>
            z is var (re, im) ? (re is null ? null : Build.Neg(re), im is null ? null : Build.Neg(im)) : null;

        /// <summary>(a + bi)(c + di) = (ac − bd) + (ad + bc)i, of staged parts.</summary>
        private static (Expr? Re, Expr? Im) Product((Expr? Re, Expr? Im) x, (Expr? Re, Expr? Im) y) =>
            (Build.Sub(Times(x.Re, y.Re), Times(x.Im, y.Im)), Build.Add(Times(x.Re, y.Im), Times(x.Im, y.Re)));

        /// <summary>(a + bi)/(c + di) = ((ac + bd) + (bc − ad)i)/(c² + d²), of staged parts; by a real, each part divided.</summary>
        private (Expr? Re, Expr? Im) Quotient((Expr? Re, Expr? Im) x, (Expr? Re, Expr? Im) y, List<Stmt> output)
        {
            if (y.Im is null)
            {
                return (Divide(x.Re, y.Re!), Divide(x.Im, y.Re!));
            }

            var denominator = StagedScalar(Build.Add(Square(y.Re), Square(y.Im))!, output);
            return (Divide(Build.Add(Times(x.Re, y.Re), Times(x.Im, y.Im)), denominator), Divide(Build.Sub(Times(x.Im, y.Re), Times(x.Re, y.Im)), denominator));
        }

        /// <summary>e^(a + bi) = e^a (cos b + i sin b).</summary>
        private (Expr? Re, Expr? Im) Exponential((Expr? Re, Expr? Im) z, List<Stmt> output)
        {
            var scale = z.Re is null ? (Expr)Build.Num(Types.Double, 1) : StagedScalar(Build.Math(MathFunction.Exp, Types.Double, z.Re), output);
            if (z.Im is null)
            {
                return (scale, null);
            }

            var angle = StagedScalar(z.Im, output);
            return (Build.Mul(scale, Build.Math(MathFunction.Cos, Types.Double, angle)), Build.Mul(scale, Build.Math(MathFunction.Sin, Types.Double, angle)));
        }

        /// <summary>ln z = ln|z| + i·atan2(b, a), the principal branch (a negative real's is iπ, as Complex.Log's).</summary>
        private (Expr? Re, Expr? Im) Logarithm((Expr? Re, Expr? Im) z, List<Stmt> output)
        {
            var (a, b) = Staged(z, output);
            var zero = Build.Num(Types.Double, 0);
            var re = Build.Mul(Build.Num(Types.Double, 0.5), Build.Math(MathFunction.Log, Types.Double, Build.Add(Square(a), Square(b)) ?? zero));
            return (re, Build.Math(MathFunction.Atan2, Types.Double, b ?? zero, a ?? zero));
        }

        /// <summary>
        /// The principal square root, from t = √((|z| + |a|)/2): (t, b/2t) for a ≥ 0, (|b|/2t, ±t with b's sign) for a &lt; 0.
        /// Each branch divides by t, which is 0 only at z = 0 (where the derivative is infinite).
        /// </summary>
        private (Expr? Re, Expr? Im) SquareRoot((Expr? Re, Expr? Im) z, List<Stmt> output)
        {
            var zero = Build.Num(Types.Double, 0);
            var (a, b) = (z.Re ?? zero, z.Im ?? zero);
            var magnitude = Build.Math(MathFunction.Sqrt, Types.Double, Build.Add(Square(a), Square(b))!);
            var t = StagedScalar(Build.Math(MathFunction.Sqrt, Types.Double, Build.Mul(Build.Num(Types.Double, 0.5), Build.Add(magnitude, Build.Math(MathFunction.Abs, Types.Double, a))!)), output);
            var twiceT = StagedScalar(Build.Mul(Build.Num(Types.Double, 2), t), output);
            var nonNegative = Build.Compare(BinaryOp.GreaterOrEqual, a, zero);
            var re = Build.Choose(nonNegative, t, Divide(Build.Math(MathFunction.Abs, Types.Double, b), twiceT)!);
            var im = Build.Choose(nonNegative, Divide(b, twiceT)!, Build.Choose(Build.Compare(BinaryOp.Less, b, zero), Build.Neg(t), t));
            return (re, im);
        }

        private static Expr? Times(Expr? a, Expr? b) => a is null || b is null ? null : Build.Mul(a, b);

        private static Expr? Square(Expr? a) => Times(a, a);

        private static Expr? Divide(Expr? a, Expr b) => a is null ? null : Build.Div(a, b);
    }
}
