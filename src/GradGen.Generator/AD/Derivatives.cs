using System;
using System.Collections.Generic;
using GradGen.Generator.Ir;
using static GradGen.Generator.Ir.Build;

namespace GradGen.Generator.AD
{
    /// <summary>
    /// The local derivative of every differentiable operation, written once for both modes: for each operand that
    /// carries a derivative, a function from an incoming derivative d (a tangent in forward mode, an adjoint in
    /// reverse mode) to d·∂node/∂operand. Multiplication commutes, so one rule serves J·v and vᵀ·J.
    /// </summary>
    internal static class Derivatives
    {
        public static bool HasDerivative(MathFunction function) =>
            function is not (MathFunction.Floor or MathFunction.Ceiling or MathFunction.Round or MathFunction.Truncate);

        /// <summary>
        /// The operands of <paramref name="node"/> with their scaling rules. <paramref name="value"/> holds the node's
        /// own value when the caller has it in a variable (saves recomputing exp, sqrt, tanh...); else the node is
        /// recomputed.
        /// </summary>
        public static IReadOnlyList<(Expr Operand, Func<Expr, Expr> Scale)> Of(Expr node, Expr? value)
        {
            var y = value ?? node;
            var t = node.Type;
            switch (node)
            {
                case Unary { Op: UnaryOp.Minus } u:
                    return new[] { Rule(u.Operand, Neg) };
                case TypeCast c:
                    return new[] { Rule(c.Operand, d => Build.ThroughConversion(c.Operand.Type, d)) };
                case Binary { Op: BinaryOp.Add } b:
                    return new[] { Rule(b.Left, d => d), Rule(b.Right, d => d) };
                case Binary { Op: BinaryOp.Subtract } b:
                    return new[] { Rule(b.Left, d => d), Rule(b.Right, Neg) };
                case Binary { Op: BinaryOp.Multiply } b when b.Left == b.Right:
                    // a·a: one term, 2a, rather than two updates of the same derivative.
                    return new[] { Rule(b.Left, d => Mul(Mul(Num(t, 2), b.Left), d)) };
                case Binary { Op: BinaryOp.Multiply } b:
                    return new[] { Rule(b.Left, d => Mul(d, b.Right)), Rule(b.Right, d => Mul(b.Left, d)) };
                case Binary { Op: BinaryOp.Divide } b:
                    return new[] { Rule(b.Left, d => Div(d, b.Right)), Rule(b.Right, d => Neg(Div(Mul(d, y), b.Right))) };
                case Binary { Op: BinaryOp.Remainder } r when Types.IsReal(t):
                    // a % b = a − trunc(a / b)·b, C#'s remainder of reals: ∂a = 1, ∂b = −trunc(a / b) (between the jumps).
                    return new[] { Rule(r.Left, d => d), Rule(r.Right, d => Neg(Mul(d, Math(MathFunction.Truncate, t, Div(r.Left, r.Right))))) };
                case Intrinsic i:
                    return OfFunction(i, y, t);
                default:
                    return Array.Empty<(Expr, Func<Expr, Expr>)>();
            }
        }

        private static IReadOnlyList<(Expr, Func<Expr, Expr>)> OfFunction(Intrinsic node, Expr y, IrType t)
        {
            var a = node.Args[0];
            var b = node.Args.Count > 1 ? node.Args[1] : null;
            Expr One() => Num(t, 1);
            Expr Square(Expr e) => new Binary(t, BinaryOp.Multiply, e, e);
            switch (node.Function)
            {
                case MathFunction.Sin:
                    return new[] { Rule(a, d => Mul(d, Math(MathFunction.Cos, t, a))) };
                case MathFunction.Cos:
                    return new[] { Rule(a, d => Neg(Mul(d, Math(MathFunction.Sin, t, a)))) };
                case MathFunction.Tan:
                    return new[] { Rule(a, d => Mul(d, Add(One(), Square(y))!)) };
                case MathFunction.Asin:
                    return new[] { Rule(a, d => Div(d, Math(MathFunction.Sqrt, t, Sub(One(), Square(a))!))) };
                case MathFunction.Acos:
                    return new[] { Rule(a, d => Neg(Div(d, Math(MathFunction.Sqrt, t, Sub(One(), Square(a))!)))) };
                case MathFunction.Atan:
                    return new[] { Rule(a, d => Div(d, Add(One(), Square(a))!)) };
                case MathFunction.Atan2:
                    // atan2(a, b): ∂a = b / (a² + b²), ∂b = −a / (a² + b²).
                    var radius = Add(Square(a), Square(b!))!;
                    return new[] { Rule(a, d => Div(Mul(d, b!), radius)), Rule(b!, d => Neg(Div(Mul(d, a), radius))) };
                case MathFunction.Sinh:
                    return new[] { Rule(a, d => Mul(d, Math(MathFunction.Cosh, t, a))) };
                case MathFunction.Cosh:
                    return new[] { Rule(a, d => Mul(d, Math(MathFunction.Sinh, t, a))) };
                case MathFunction.Tanh:
                    return new[] { Rule(a, d => Mul(d, Sub(One(), Square(y))!)) };
                case MathFunction.Exp:
                    return new[] { Rule(a, d => Mul(d, y)) };
                case MathFunction.Log when b is null:
                    return new[] { Rule(a, d => Div(d, a)) };
                case MathFunction.Log:
                    // log_b(a) = ln a / ln b: ∂a = 1 / (a ln b), ∂b = −log_b(a) / (b ln b).
                    var lnB = Math(MathFunction.Log, t, b!);
                    return new[] { Rule(a, d => Div(d, Mul(a, lnB))), Rule(b!, d => Neg(Div(Mul(d, y), Mul(b!, lnB)))) };
                case MathFunction.Log2:
                    return new[] { Rule(a, d => Div(d, Mul(a, Num(t, System.Math.Log(2))))) };
                case MathFunction.Log10:
                    return new[] { Rule(a, d => Div(d, Mul(a, Num(t, System.Math.Log(10))))) };
                case MathFunction.Pow:
                    return new[] { Rule(a, d => Mul(d, PowerRule(a, b!, t))), Rule(b!, d => Mul(d, PowExponentRule(a, y, t))) };
                case MathFunction.Sqrt:
                    return new[] { Rule(a, d => Div(d, Mul(Num(t, 2), y))) };
                case MathFunction.Cbrt:
                    return new[] { Rule(a, d => Div(d, Mul(Num(t, 3), Square(y)))) };
                case MathFunction.Abs:
                    // Subgradient 0 at 0, as Math.Sign, which throws on NaN where the primal |NaN| does not.
                    return new[] { Rule(a, d => Mul(d, Choose(Compare(BinaryOp.Greater, a, Num(t, 0)), Num(t, 1), Choose(Compare(BinaryOp.Less, a, Num(t, 0)), Num(t, -1), Num(t, 0))))) };
                case MathFunction.Min:
                    // The argument actually returned gets the derivative; ties go to the first.
                    return Selection(Compare(BinaryOp.LessOrEqual, a, b!), a, b!);
                case MathFunction.Max:
                    return Selection(Compare(BinaryOp.GreaterOrEqual, a, b!), a, b!);
                case MathFunction.Clamp:
                    var lo = b!;
                    var hi = node.Args[2];
                    return new[]
                    {
                        Rule(a, d => Choose(new Binary(Types.Bool, BinaryOp.And, Compare(BinaryOp.GreaterOrEqual, a, lo), Compare(BinaryOp.LessOrEqual, a, hi)), d, Num(t, 0))),
                        Rule(lo, d => Choose(Compare(BinaryOp.Less, a, lo), d, Num(t, 0))),
                        Rule(hi, d => Choose(Compare(BinaryOp.Greater, a, hi), d, Num(t, 0))),
                    };
                case MathFunction.FusedMultiplyAdd:
                    return new[] { Rule(a, d => Mul(d, b!)), Rule(b!, d => Mul(a, d)), Rule(node.Args[2], d => d) };
                default:
                    return Array.Empty<(Expr, Func<Expr, Expr>)>();
            }
        }

        /// <summary>∂aᵇ/∂a = b·aᵇ⁻¹, which is right for a negative base with an integer exponent too.</summary>
        private static Expr PowerRule(Expr a, Expr b, IrType t)
        {
            if (b is Const { Value: { } c })
            {
                return c == 2 ? Mul(Num(t, 2), a) : c == 1 ? Num(t, 1) : Mul(Num(t, c), Math(MathFunction.Pow, t, a, Num(t, c - 1)));
            }

            return Mul(b, Math(MathFunction.Pow, t, a, Sub(b, Num(t, 1))!));
        }

        /// <summary>∂aᵇ/∂b = aᵇ·ln a; 0 at a = 0 (where aᵇ is flat in b for b &gt; 0), undefined (NaN) for a &lt; 0.</summary>
        private static Expr PowExponentRule(Expr a, Expr y, IrType t) =>
            Choose(Compare(BinaryOp.Equal, a, Num(t, 0)), Num(t, 0), Mul(y, Math(MathFunction.Log, t, a)));

        private static (Expr, Func<Expr, Expr>)[] Selection(Expr firstTaken, Expr a, Expr b)
        {
            var zero = Num(a.Type, 0);
            return new[] { Rule(a, d => Choose(firstTaken, d, zero)), Rule(b, d => Choose(firstTaken, zero, d)) };
        }

        private static (Expr, Func<Expr, Expr>) Rule(Expr operand, Func<Expr, Expr> scale) => (operand, scale);
    }
}
