using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// System.Numerics <c>Vector2</c>, <c>Vector3</c> and <c>Vector4</c>: their operators and common members are written
    /// out over the vectors' leaves (<c>Vector3.Dot(a, b)</c> is <c>a_X * b_X + a_Y * b_Y + a_Z * b_Z</c>), so every
    /// derivative of them comes from the scalar rules, in every mode. A member not listed here stays an error.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private static bool IsNumericsVector(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "Vector2" or "Vector3" or "Vector4", IsGenericType: false } named
            && named.ContainingNamespace?.ToDisplayString() == "System.Numerics";

        /// <summary>A vector-valued operator or static method of a System.Numerics vector.</summary>
        private static bool IsVectorOperation(IOperation value) => value switch
        {
            IBinaryOperation { OperatorMethod: { } method } binary => IsNumericsVector(method.ContainingType) && BinaryOperator(binary.OperatorKind) is not null,
            IUnaryOperation { OperatorMethod: { } method, OperatorKind: UnaryOperatorKind.Minus } => IsNumericsVector(method.ContainingType),
            IInvocationOperation { TargetMethod: { IsStatic: true } method } => IsNumericsVector(method.ContainingType) && IsNumericsVector(method.ReturnType),
            _ => false,
        };

        /// <summary>The leaves of a <see cref="IsVectorOperation"/>; null, and reported, for a member not written out here.</summary>
        private List<Expr>? VectorValues(IOperation value, List<Stmt> output) => value switch
        {
            IBinaryOperation binary => Elementwise(BinaryOperator(binary.OperatorKind)!.Value, binary.LeftOperand, binary.RightOperand, output),
            IUnaryOperation unary => VectorOperand(unary.Operand, output)?.Select(Build.Neg).ToList(),
            _ => VectorMethod((IInvocationOperation)value, output),
        };

        private List<Expr>? VectorMethod(IInvocationOperation call, List<Stmt> output)
        {
            var args = call.Arguments.Select(a => a.Value).ToList();
            switch (call.TargetMethod.Name)
            {
                case "Add" when args.Count == 2:
                    return Elementwise(BinaryOp.Add, args[0], args[1], output);
                case "Subtract" when args.Count == 2:
                    return Elementwise(BinaryOp.Subtract, args[0], args[1], output);
                case "Multiply" when args.Count == 2:
                    return Elementwise(BinaryOp.Multiply, args[0], args[1], output);
                case "Divide" when args.Count == 2:
                    return Elementwise(BinaryOp.Divide, args[0], args[1], output);
                case "Negate" when args.Count == 1:
                    return VectorOperand(args[0], output)?.Select(Build.Neg).ToList();
                case "Normalize" when args.Count == 1 && Staged(VectorOperand(args[0], output), output) is { } v:
                    var length = StagedScalar(Norm(v), output);
                    return v.Select(x => (Expr)new Binary(x.Type, BinaryOp.Divide, x, length)).ToList();
                case "Cross" when args.Count == 2 && Staged(VectorOperand(args[0], output), output) is { Count: 3 } a && Staged(VectorOperand(args[1], output), output) is { } b:
                    Expr Term(int i, int j) => Build.Sub(new Binary(a[i].Type, BinaryOp.Multiply, a[i], b[j]), new Binary(a[i].Type, BinaryOp.Multiply, a[j], b[i]))!;
                    return new List<Expr> { Term(1, 2), Term(2, 0), Term(0, 1) };
                case "Lerp" when args.Count == 3 && Staged(VectorOperand(args[0], output), output) is { } from && VectorOperand(args[1], output) is { } to:
                    var t = StagedScalar(ScalarOperand(args[2]), output);
                    return from.Select((f, i) => Build.Add(f, new Binary(f.Type, BinaryOp.Multiply, Build.Sub(to[i], f)!, t))!).ToList();
                case "Min" or "Max" when args.Count == 2 && VectorOperand(args[0], output) is { } first && VectorOperand(args[1], output) is { } second:
                    var function = call.TargetMethod.Name == "Min" ? MathFunction.Min : MathFunction.Max;
                    return first.Select((f, i) => (Expr)new Intrinsic(f.Type, function, EquatableArray.Of(f, second[i]))).ToList();
                case "Abs" or "SquareRoot" when args.Count == 1:
                    var unary = call.TargetMethod.Name == "Abs" ? MathFunction.Abs : MathFunction.Sqrt;
                    return VectorOperand(args[0], output)?.Select(x => (Expr)new Intrinsic(x.Type, unary, EquatableArray.Of(x))).ToList();
                case "Clamp" when args.Count == 3 && VectorOperand(args[0], output) is { } value && VectorOperand(args[1], output) is { } low && VectorOperand(args[2], output) is { } high:
                    return value.Select((x, i) => (Expr)new Intrinsic(x.Type, MathFunction.Clamp, EquatableArray.Of(x, low[i], high[i]))).ToList();
                default:
                    Unsupported(call, $"'{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}' with these arguments (not yet)", "write it with the vector's fields");
                    return null;
            }
        }

        /// <summary>A real-valued member of a System.Numerics vector (<c>Dot</c>, <c>Length()</c>, <c>Distance</c>...); null when <paramref name="call"/> is none.</summary>
        private Expr? VectorScalar(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (!IsNumericsVector(method.ContainingType) || !TypeNames.IsReal(method.ReturnType))
            {
                return null;
            }

            var output = Hoisted;
            var operands = (call.Instance is null ? Enumerable.Empty<IOperation>() : new[] { call.Instance }).Concat(call.Arguments.Select(a => a.Value)).ToList();
            var vectors = operands.Select(o => VectorOperand(o, output)).ToList();
            if (vectors.Any(v => v is null))
            {
                return Placeholder;
            }

            if (CannotHoist(output, call, "a vector"))
            {
                return Placeholder;
            }

            Expr Difference() => SquaredNorm(vectors[0]!.Select((a, i) => Build.Sub(a, vectors[1]![i])!).ToList());
            return (method.Name, vectors.Count) switch
            {
                ("Dot", 2) => Sum(vectors[0]!.Select((a, i) => (Expr)new Binary(a.Type, BinaryOp.Multiply, a, vectors[1]![i]))),
                ("LengthSquared", 1) => SquaredNorm(vectors[0]!),
                ("Length", 1) => Norm(vectors[0]!),
                ("DistanceSquared", 2) => Difference(),
                ("Distance", 2) => new Intrinsic(Types.Float, MathFunction.Sqrt, EquatableArray.Of(Difference())),
                _ => UnsupportedVectorMember(call),
            };
        }

        private Expr UnsupportedVectorMember(IInvocationOperation call)
        {
            Unsupported(call, $"'{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}' (not yet)", "write it with the vector's fields");
            return Placeholder;
        }

        /// <summary><c>a op b</c> leaf by leaf, where either side may be a real (a vector scaled, or divided by a real).</summary>
        private List<Expr>? Elementwise(BinaryOp op, IOperation left, IOperation right, List<Stmt> output)
        {
            var (a, b) = (Side(left, output), Side(right, output));
            if (a is null || b is null)
            {
                return null;
            }

            var count = System.Math.Max(a.Count, b.Count);
            return Enumerable.Range(0, count).Select(i => (Expr)new Binary(Types.Float, op, a[a.Count == 1 ? 0 : i], b[b.Count == 1 ? 0 : i])).ToList();
        }

        /// <summary>A vector's leaves, or a real staged once (it is read for every leaf).</summary>
        private List<Expr>? Side(IOperation operand, List<Stmt> output) =>
            IsNumericsVector(operand.Type) ? VectorOperand(operand, output) : new List<Expr> { StagedScalar(ScalarOperand(operand), output) };

        private List<Expr>? VectorOperand(IOperation operand, List<Stmt> output) => AggregateValues(operand, operand.Type!, output);

        private Expr ScalarOperand(IOperation operand) => ConvertTo(Types.Float, ParseExpression(operand));

        /// <summary>
        /// Leaves read more than once, each in a temporary unless it is a variable or a constant already (where no
        /// statement may run first, in a condition, the temporary makes the expression an error).
        /// </summary>
        private List<Expr>? Staged(List<Expr>? leaves, List<Stmt> output) => leaves?.Select(leaf => StagedScalar(leaf, output)).ToList();

        private Expr StagedScalar(Expr value, List<Stmt> output) => value is Var or Const ? value : Staged(value, 0, output);

        private static Expr SquaredNorm(IReadOnlyList<Expr> v) => Sum(v.Select(x => (Expr)new Binary(x.Type, BinaryOp.Multiply, x, x)));

        private static Expr Norm(IReadOnlyList<Expr> v) => new Intrinsic(Types.Float, MathFunction.Sqrt, EquatableArray.Of(SquaredNorm(v)));

        private static Expr Sum(IEnumerable<Expr> terms) => terms.Aggregate((total, term) => Build.Add(total, term)!);
    }
}
