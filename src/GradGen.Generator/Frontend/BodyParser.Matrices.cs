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

        /// <summary>
        /// A perspective projection, as System.Numerics makes it (right-handed: the camera looks along −z; left-handed,
        /// along +z), from the field of view and aspect ratio, the view's width and height, or its edges at the near
        /// plane; an infinite far plane gives depth −1 (1). Out-of-range distances or field of view throw as System.Numerics
        /// throws, before anything is computed from them.
        /// </summary>
        private List<Expr> Perspective(IInvocationOperation call, List<Expr> a, List<Expr> m, List<Stmt> output)
        {
            var f = Types.Float;
            var name = call.TargetMethod.Name;
            var parameters = call.TargetMethod.Parameters;
            var (near, far) = (a[a.Count - 2], a[a.Count - 1]);
            Expr zero = Build.Num(f, 0);
            var line = Line(call);
            void Check(Expr outOfRange, int parameter)
            {
                switch (Constant(outOfRange))
                {
                    case false:
                        // Constants in range: C# would call the test of constants unreachable code.
                        return;
                    case true:
                        Unsupported(call.Arguments.First(a => a.Parameter!.Ordinal == parameter), $"'{parameters[parameter].Name}' out of range, for which '{name}' always throws", "give it a value in range");
                        return;
                    default:
                        output.Add(ThrowWhen(line, outOfRange, NewException("ArgumentOutOfRangeException", parameters[parameter].Name)));
                        return;
                }
            }

            var fieldOfView = name.StartsWith("CreatePerspectiveFieldOfView", System.StringComparison.Ordinal);
            if (fieldOfView)
            {
                Check(new Binary(Types.Bool, BinaryOp.Or, Build.Compare(BinaryOp.LessOrEqual, a[0], zero), Build.Compare(BinaryOp.GreaterOrEqual, a[0], new Const(f, "global::System.MathF.PI", System.Math.PI))), 0);
            }

            Check(Build.Compare(BinaryOp.LessOrEqual, near, zero), a.Count - 2);
            Check(Build.Compare(BinaryOp.LessOrEqual, far, zero), a.Count - 1);
            Check(Build.Compare(BinaryOp.GreaterOrEqual, near, far), a.Count - 2);

            var left = name.EndsWith("LeftHanded", System.StringComparison.Ordinal);
            var twiceNear = Build.Mul(Build.Num(f, 2), near);
            if (fieldOfView)
            {
                var yScale = StagedScalar(Build.Div(Build.Num(f, 1), Build.Math(MathFunction.Tan, f, Build.Mul(Build.Num(f, 0.5), a[0]))), output);
                m[0] = Build.Div(yScale, a[1]);
                m[5] = yScale;
            }
            else if (a.Count == 4)
            {
                m[0] = Build.Div(twiceNear, a[0]);
                m[5] = Build.Div(twiceNear, a[1]);
            }
            else
            {
                // Edges left, right, bottom, top: the view's centre shifts x and y with depth.
                var (width, height) = (StagedScalar(Build.Sub(a[1], a[0])!, output), StagedScalar(Build.Sub(a[3], a[2])!, output));
                m[0] = Build.Div(twiceNear, width);
                m[5] = Build.Div(twiceNear, height);
                m[8] = Build.Div(Build.Add(a[0], a[1])!, width);
                m[9] = Build.Div(Build.Add(a[3], a[2])!, height);
                if (left)
                {
                    m[8] = Build.Neg(m[8]);
                    m[9] = Build.Neg(m[9]);
                }
            }

            // Depth: far/(near − far), or −1 for an infinite far plane (left-handed: far/(far − near), or 1).
            var infinite = Build.Num(f, left ? 1 : -1);
            var finite = Build.Div(far, left ? Build.Sub(far, near)! : Build.Sub(near, far)!);
            var range = StagedScalar(
                far is Const { Value: var value } ? (value is double.PositiveInfinity ? infinite : finite)
                : Build.Choose(Build.Compare(BinaryOp.Equal, far, new Const(f, "float.PositiveInfinity", double.PositiveInfinity)), infinite, finite),
                output);
            m[10] = range;
            m[11] = Build.Num(f, left ? 1 : -1);
            m[14] = left ? Build.Neg(Build.Mul(near, range)) : Build.Mul(near, range);
            m[15] = zero;
            return m;
        }

        /// <summary>The value of a test of constants (<c>≤</c>, <c>≥</c>, <c>||</c>); null when it reads anything else.</summary>
        private static bool? Constant(Expr test) => test switch
        {
            Binary { Op: BinaryOp.Or } or => Constant(or.Left) is { } left && Constant(or.Right) is { } right ? left || right : null,
            Binary { Op: BinaryOp.LessOrEqual, Left: Const { Value: { } x }, Right: Const { Value: { } y } } => x <= y,
            Binary { Op: BinaryOp.GreaterOrEqual, Left: Const { Value: { } x }, Right: Const { Value: { } y } } => x >= y,
            _ => null,
        };

        /// <summary>An orthographic projection, as System.Numerics makes it, from the view's width and height or its edges, and the depth range.</summary>
        private static List<Expr> Orthographic(IInvocationOperation call, List<Expr> a, List<Expr> m)
        {
            var f = Types.Float;
            var two = Build.Num(f, 2);
            var (near, far) = (a[a.Count - 2], a[a.Count - 1]);
            var left = call.TargetMethod.Name.EndsWith("LeftHanded", System.StringComparison.Ordinal);
            if (a.Count == 4)
            {
                m[0] = Build.Div(two, a[0]);
                m[5] = Build.Div(two, a[1]);
            }
            else
            {
                m[0] = Build.Div(two, Build.Sub(a[1], a[0])!);
                m[5] = Build.Div(two, Build.Sub(a[3], a[2])!);
                m[12] = Build.Div(Build.Add(a[0], a[1])!, Build.Sub(a[0], a[1])!);
                m[13] = Build.Div(Build.Add(a[3], a[2])!, Build.Sub(a[2], a[3])!);
            }

            // Depth: 1/(near − far), offset near/(near − far) (left-handed: 1/(far − near), the same offset).
            m[10] = Build.Div(Build.Num(f, 1), left ? Build.Sub(far, near)! : Build.Sub(near, far)!);
            m[14] = Build.Div(near, Build.Sub(near, far)!);
            return m;
        }

        /// <summary>
        /// <c>Matrix4x4.Invert(m, out inverse)</c> or <c>Matrix3x2.Invert</c>, into the leaves of the local <c>inverse</c>:
        /// the adjugate over the determinant, written out so that its derivative (−M⁻¹ dM M⁻¹) comes from the scalar
        /// rules. Its value is System.Numerics': whether |det| is at least <c>float.Epsilon</c>; when not, every element
        /// is NaN, as System.Numerics leaves them.
        /// </summary>
        private Expr? ParseInvert(IInvocationOperation invocation, bool asStatement)
        {
            var args = invocation.Arguments.OrderBy(a => a.Parameter!.Ordinal).Select(a => a.Value).ToList();
            var written = args[1] is IDeclarationExpressionOperation { Expression: var declared } ? declared : args[1];
            if (written is not ILocalReferenceOperation local)
            {
                Unsupported(args[1], $"the out argument '{args[1].Syntax}' of '{invocation.TargetMethod.ContainingType.Name}.Invert' other than a local variable", "pass a local, and copy it");
                return null;
            }

            var output = Hoisted;
            if (Staged(VectorOperand(args[0], output), output) is not { } m)
            {
                return null;
            }

            var f = Types.Float;
            var (adjugate, determinant) = m.Count == 6 ? AffineAdjugate(m) : Adjugate(m, output);
            determinant = StagedScalar(determinant, output);
            var invertible = StagedScalar(Build.Compare(BinaryOp.GreaterOrEqual, Build.Math(MathFunction.Abs, f, determinant), new Const(f, "float.Epsilon", float.Epsilon)), output);

            // Zero, not infinite, for a singular matrix: no derivative then, where 0 · ∞ would make every one NaN.
            var reciprocal = StagedScalar(Build.Choose(invertible, Build.Div(Build.Num(f, 1), determinant), Build.Num(f, 0)), output);
            var inverse = AggregateLeaves(local.Local);
            var line = Line(invocation);
            for (var k = 0; k < m.Count; k++)
            {
                output.Add(new Assign(line, inverse[k], AssignOp.Set, Build.Choose(invertible, Build.Mul(adjugate[k], reciprocal), new Const(f, "float.NaN", double.NaN))));
            }

            return CannotHoist(output, invocation, $"{invocation.TargetMethod.ContainingType.Name}.Invert") || asStatement ? null : invertible;
        }

        /// <summary>
        /// A 4 × 4 matrix's adjugate (row-major) and determinant: each cofactor a 3 × 3 determinant expanded over the
        /// 2 × 2 minors of two rows, staged once each.
        /// </summary>
        private (List<Expr> Adjugate, Expr Determinant) Adjugate(List<Expr> m, List<Stmt> output)
        {
            Expr At(int row, int column) => m[row * 4 + column];

            // The 2 × 2 minors of rows 0 and 1, and of rows 2 and 3, for each pair of columns.
            var minors = new Dictionary<(int Top, int Left, int Right), Expr>();
            foreach (var top in new[] { 0, 2 })
            {
                for (var left = 0; left < 4; left++)
                {
                    for (var right = left + 1; right < 4; right++)
                    {
                        minors[(top, left, right)] = StagedScalar(Build.Sub(Build.Mul(At(top, left), At(top + 1, right)), Build.Mul(At(top, right), At(top + 1, left)))!, output);
                    }
                }
            }

            // The cofactor of (row, column): the determinant without them, expanded along the row left over from the
            // pair of rows the row is not in, over that pair's minors.
            Expr Cofactor(int row, int column)
            {
                var columns = Enumerable.Range(0, 4).Where(c => c != column).ToList();
                var pair = row < 2 ? 2 : 0;
                var other = row < 2 ? 1 - row : 5 - row;
                var terms = columns.Select((c, k) =>
                {
                    var rest = columns.Where(x => x != c).ToList();
                    var term = Build.Mul(At(other, c), minors[(pair, rest[0], rest[1])]);

                    // The leftover row is the 3 × 3 determinant's first row (row 0 or 1 removed) or last (row 2 or 3).
                    return (row < 2 ? k : 2 + k) % 2 == 0 ? term : Build.Neg(term);
                });
                var det3 = terms.Aggregate((a, b) => Build.Add(a, b)!);
                return (row + column) % 2 == 0 ? det3 : Build.Neg(det3);
            }

            var cofactors = Enumerable.Range(0, 16).Select(k => StagedScalar(Cofactor(k / 4, k % 4), output)).ToList();

            // Element (row, column) of the adjugate is the cofactor of (column, row).
            return (Enumerable.Range(0, 16).Select(k => cofactors[k % 4 * 4 + k / 4]).ToList(), Sum(Enumerable.Range(0, 4).Select(c => Build.Mul(At(0, c), cofactors[c]))));
        }

        /// <summary>
        /// A 3 × 2 affine matrix's adjugate and determinant, as the 3 × 3 matrix with the implied column (0, 0, 1): the
        /// 2 × 2 block's, and the translation's −t·adj(A).
        /// </summary>
        private static (List<Expr> Adjugate, Expr Determinant) AffineAdjugate(List<Expr> m)
        {
            var (a, b, c, d, x, y) = (m[0], m[1], m[2], m[3], m[4], m[5]);
            return (new List<Expr>
            {
                d, Build.Neg(b),
                Build.Neg(c), a,
                Build.Sub(Build.Mul(c, y), Build.Mul(x, d))!, Build.Sub(Build.Mul(x, b), Build.Mul(a, y))!,
            }, Build.Sub(Build.Mul(a, d), Build.Mul(c, b))!);
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
                case ("CreateTranslation", 1) or ("CreateTranslation", 2) or ("CreateTranslation", 3)
                    when (args.Count == 1 ? VectorOperand(args[0], output) : args.Select(ScalarOperand).ToList()) is { } position && position.Count == rows - 1:
                    position.Select((x, i) => (x, i)).ToList().ForEach(t => Set(rows - 1, t.i, t.x));
                    return m;
                case ("CreateScale", 1) or ("CreateScale", 2) or ("CreateScale", 3)
                    when (args.Count == 1 ? IsNumericsVector(args[0].Type) ? VectorOperand(args[0], output) : null
                        : args.All(a => TypeNames.IsReal(a.Type)) ? args.Select(ScalarOperand).ToList() : null) is { } scales && scales.Count == rows - 1:
                    scales.Select((x, i) => (x, i)).ToList().ForEach(t => Set(t.i, t.i, t.x));
                    return m;
                case ("CreateScale", 1):
                    var scale = StagedScalar(ScalarOperand(args[0]), output);
                    Enumerable.Range(0, rows == 4 ? 3 : 2).ToList().ForEach(i => Set(i, i, scale));
                    return m;
                case ("CreateFromQuaternion", 1) or ("CreateFromYawPitchRoll", 3) or ("CreateFromAxisAngle", 2) when rows == 4
                    && Staged(call.TargetMethod.Name == "CreateFromQuaternion" ? VectorOperand(args[0], output) : QuaternionOf(call.TargetMethod.Name, args, output), output) is { } quaternion:
                    // 1 − 2(y² + z²), 2(xy + wz), 2(xz − wy); ... as System.Numerics writes it (yaw, pitch and roll, or an
                    // axis as given and an angle, through their quaternion, as System.Numerics makes them).
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
                case ("CreateLookAt" or "CreateLookAtLeftHanded" or "CreateLookTo" or "CreateLookToLeftHanded", 3)
                    when rows == 4 && args.Select(a => Staged(VectorOperand(a, output), output)).ToList() is var vectors && vectors.All(v => v is not null):
                    // A view matrix: the camera's axes as columns, then minus their dot products with its position.
                    // z points from what the camera looks at back to it (right-handed), or forward (left-handed).
                    var (eye, toward, up) = (vectors[0]!, vectors[1]!, vectors[2]!);
                    var name = call.TargetMethod.Name;
                    var direction = name.StartsWith("CreateLookAt", System.StringComparison.Ordinal) ? toward.Select((t, i) => Build.Sub(t, eye[i])!).ToList() : toward;
                    var z = Unit(name.EndsWith("LeftHanded", System.StringComparison.Ordinal) ? direction : direction.Select(Build.Neg).ToList(), output);
                    z = Staged(z, output)!;
                    var x = Staged(Unit(CrossProduct(up, z), output), output)!;
                    var y = Staged(CrossProduct(z, x), output)!;
                    var axes = new[] { x, y, z };
                    for (var column = 0; column < 3; column++)
                    {
                        for (var row = 0; row < 3; row++)
                        {
                            Set(row, column, axes[column][row]);
                        }

                        Set(3, column, Build.Neg(Sum(axes[column].Select((a, i) => Build.Mul(a, eye[i])))));
                    }

                    return m;
                case ("CreatePerspectiveFieldOfView" or "CreatePerspectiveFieldOfViewLeftHanded" or "CreatePerspective" or "CreatePerspectiveLeftHanded", 4)
                    or ("CreatePerspectiveOffCenter" or "CreatePerspectiveOffCenterLeftHanded", 6) when rows == 4:
                    return Perspective(call, args.Select(a => StagedScalar(ScalarOperand(a), output)).ToList(), m, output);
                case ("CreateOrthographic" or "CreateOrthographicLeftHanded", 4) or ("CreateOrthographicOffCenter" or "CreateOrthographicOffCenterLeftHanded", 6) when rows == 4:
                    return Orthographic(call, args.Select(a => StagedScalar(ScalarOperand(a), output)).ToList(), m);
                default:
                    Unsupported(call, $"'{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}' with these arguments (not yet)", "write it with the matrix's fields");
                    return null;
            }
        }
    }
}
