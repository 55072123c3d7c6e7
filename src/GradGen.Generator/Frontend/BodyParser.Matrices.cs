using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// System.Numerics <c>Matrix4x4</c> and <c>Matrix3x2</c>, row-major leaves (M11, M12, ...), used with row vectors as
    /// System.Numerics does (<c>v' = v·M</c>): elementwise for +, −, scaling and Lerp (as the vectors), and their own rules
    /// for the product, Transpose, the transforms of vectors and the common constructors.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private static bool IsMatrix(ITypeSymbol? type) => IsNumericsVector(type) && type!.Name.StartsWith("Matrix", System.StringComparison.Ordinal);

        /// <summary>Rows and columns of a matrix type's leaves: 4 × 4, or 3 × 2 (an affine 2D transform, its third column implied 0, 0, 1).</summary>
        private static (int Rows, int Columns) Shape(ITypeSymbol type) => type.Name == "Matrix3x2" ? (3, 2) : (4, 4);

        /// <summary>The product a·b of two matrices of one type; for 3 × 2, as the 3 × 3 matrices with the implied column.</summary>
        private List<Expr>? MatrixProduct(IOperation left, IOperation right, List<Stmt> output)
        {
            if (Staged(VectorOperand(left, output), output) is not { } a || Staged(VectorOperand(right, output), output) is not { } b)
            {
                return null;
            }

            var (rows, columns) = Shape(left.Type!);
            var result = new List<Expr>();
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < columns; j++)
                {
                    var inner = Enumerable.Range(0, columns).Select(k => Build.Mul(a[i * columns + k], b[k * columns + j]));
                    // The implied third column of a 3 × 2 is (0, 0, 1): its last row adds b's translation.
                    result.Add(Sum(rows == 3 && i == 2 ? inner.Append(b[i * columns + j]) : inner));
                }
            }

            return result;
        }

        /// <summary>
        /// <c>Vector2/3/4.Transform(v, m)</c> and <c>TransformNormal</c>: v·M, a missing coordinate of v taken as 1 for a
        /// point (the translation row) and 0 for a normal; the result keeps v's size.
        /// </summary>
        private List<Expr>? Transformed(IOperation vector, IOperation matrix, bool normal, List<Stmt> output)
        {
            if (Staged(VectorOperand(vector, output), output) is not { } v || VectorOperand(matrix, output) is not { } m)
            {
                return null;
            }

            var (rows, columns) = Shape(matrix.Type!);
            return Enumerable.Range(0, v.Count).Select(j =>
            {
                var terms = v.Select((x, i) => Build.Mul(x, m[i * columns + j])).ToList();
                if (!normal && v.Count < rows)
                {
                    terms.Add(m[(rows - 1) * columns + j]);
                }

                return Sum(terms);
            }).ToList();
        }

        /// <summary>The static constructors of a matrix: rotations about an axis, translation, scale and the rotation of a quaternion.</summary>
        private List<Expr>? MatrixMethod(IInvocationOperation call, List<IOperation> args, List<Stmt> output)
        {
            var (rows, columns) = Shape(call.Type!);
            Expr zero = Build.Num(Types.Float, 0);
            Expr one = Build.Num(Types.Float, 1);
            var m = Enumerable.Range(0, rows * columns).Select(k => rows == 4 && k % 5 == 0 || rows == 3 && k is 0 or 3 ? one : zero).ToList();
            void Set(int row, int column, Expr value) => m[row * columns + column] = value;
            switch (call.TargetMethod.Name, args.Count)
            {
                case ("Transpose", 1) when rows == 4 && VectorOperand(args[0], output) is { } a:
                    return Enumerable.Range(0, 16).Select(k => a[k % 4 * 4 + k / 4]).ToList();
                case ("CreateRotationX" or "CreateRotationY" or "CreateRotationZ", 1) when rows == 4:
                    var angle = StagedScalar(ScalarOperand(args[0]), output);
                    var (c, s) = (StagedScalar(Build.Math(MathFunction.Cos, Types.Float, angle), output), StagedScalar(Build.Math(MathFunction.Sin, Types.Float, angle), output));
                    // The two axes the rotation turns, in System.Numerics' sign convention.
                    var (p, q) = call.TargetMethod.Name switch { "CreateRotationX" => (1, 2), "CreateRotationY" => (2, 0), _ => (0, 1) };
                    Set(p, p, c);
                    Set(q, q, c);
                    Set(p, q, s);
                    Set(q, p, Build.Neg(s));
                    return m;
                case ("CreateTranslation", 1) when VectorOperand(args[0], output) is { } position:
                    position.Select((x, i) => (x, i)).ToList().ForEach(t => Set(rows - 1, t.i, t.x));
                    return m;
                case ("CreateScale", 1) when IsNumericsVector(args[0].Type) && VectorOperand(args[0], output) is { } scales:
                    scales.Select((x, i) => (x, i)).ToList().ForEach(t => Set(t.i, t.i, t.x));
                    return m;
                case ("CreateScale", 1):
                    var scale = StagedScalar(ScalarOperand(args[0]), output);
                    Enumerable.Range(0, rows == 4 ? 3 : 2).ToList().ForEach(i => Set(i, i, scale));
                    return m;
                case ("CreateFromQuaternion", 1) when rows == 4 && Staged(VectorOperand(args[0], output), output) is { } quaternion:
                    // 1 − 2(y² + z²), 2(xy + wz), 2(xz − wy); ... as System.Numerics writes it.
                    Expr Q(int i, int j) => Build.Mul(quaternion[i], quaternion[j]);
                    Expr Twice(Expr e) => Build.Mul(Build.Num(Types.Float, 2), e);
                    Set(0, 0, Build.Sub(one, Twice(Build.Add(Q(1, 1), Q(2, 2))!))!);
                    Set(0, 1, Twice(Build.Add(Q(0, 1), Q(2, 3))!));
                    Set(0, 2, Twice(Build.Sub(Q(2, 0), Q(1, 3))!));
                    Set(1, 0, Twice(Build.Sub(Q(0, 1), Q(2, 3))!));
                    Set(1, 1, Build.Sub(one, Twice(Build.Add(Q(2, 2), Q(0, 0))!))!);
                    Set(1, 2, Twice(Build.Add(Q(1, 2), Q(0, 3))!));
                    Set(2, 0, Twice(Build.Add(Q(2, 0), Q(1, 3))!));
                    Set(2, 1, Twice(Build.Sub(Q(1, 2), Q(0, 3))!));
                    Set(2, 2, Build.Sub(one, Twice(Build.Add(Q(1, 1), Q(0, 0))!))!);
                    return m;
                default:
                    Unsupported(call, $"'{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}' with these arguments (not yet)", "write it with the matrix's fields");
                    return null;
            }
        }
    }
}
