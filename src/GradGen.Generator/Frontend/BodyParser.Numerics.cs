using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GradGen.Generator.Frontend
{
    /// <summary>
    /// System.Numerics <c>Vector2</c>, <c>Vector3</c>, <c>Vector4</c> and <c>Quaternion</c>: their operators and common
    /// members are written out over the leaves (<c>Vector3.Dot(a, b)</c> is <c>a_X * b_X + a_Y * b_Y + a_Z * b_Z</c>), so
    /// every derivative of them comes from the scalar rules, in every mode. A quaternion is a 4-vector for +, −, scaling,
    /// Dot, Length and Normalize; its product, inverse and rotations have their own rules. A member not listed here
    /// stays an error.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private static bool IsNumericsVector(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "Vector2" or "Vector3" or "Vector4" or "Quaternion" or "Matrix3x2" or "Matrix4x4" or "Plane", IsGenericType: false } named
            && named.ContainingNamespace?.ToDisplayString() == "System.Numerics";

        /// <summary>A <c>Plane</c>: its leaves are the normal's X, Y, Z, then D, as a <c>Vector4</c>'s.</summary>
        private static bool IsPlane(ITypeSymbol? type) => IsNumericsVector(type) && type!.Name == "Plane";

        private static bool IsQuaternion(ITypeSymbol? type) => IsNumericsVector(type) && type!.Name == "Quaternion";

        /// <summary>A vector-valued operator or static method of a System.Numerics vector.</summary>
        private static bool IsVectorOperation(IOperation value) => value switch
        {
            IBinaryOperation { OperatorMethod: { } method } binary => IsNumericsVector(method.ContainingType) && IsArithmetic(BinaryOperator(binary.OperatorKind)),
            IUnaryOperation { OperatorMethod: { } method, OperatorKind: UnaryOperatorKind.Minus } => IsNumericsVector(method.ContainingType),
            IInvocationOperation { TargetMethod: { IsStatic: true } method } => IsNumericsVector(method.ContainingType) && IsNumericsVector(method.ReturnType),
            _ => false,
        };

        /// <summary><c>+ - * /</c>: the operators the numerics types are differentiated through (not their bitwise ones).</summary>
        private static bool IsArithmetic(BinaryOp? op) => op is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide;

        /// <summary>The leaves of a <see cref="IsVectorOperation"/>; null, and reported, for a member not written out here.</summary>
        private List<Expr>? VectorValues(IOperation value, List<Stmt> output) => value switch
        {
            IBinaryOperation binary => Arithmetic(BinaryOperator(binary.OperatorKind)!.Value, binary.LeftOperand, binary.RightOperand, output),
            IUnaryOperation unary => VectorOperand(unary.Operand, output)?.Select(Build.Neg).ToList(),
            _ => VectorMethod((IInvocationOperation)value, output),
        };

        private List<Expr>? VectorMethod(IInvocationOperation call, List<Stmt> output)
        {
            var args = call.Arguments.Select(a => a.Value).ToList();
            if (IsMatrix(call.Type) && call.TargetMethod.Name is not ("Add" or "Subtract" or "Multiply" or "Negate" or "Lerp"))
            {
                return MatrixMethod(call, args, output);
            }

            if (IsPlane(call.Type))
            {
                return PlaneMethod(call, args, output);
            }

            switch (call.TargetMethod.Name)
            {
                case "Transform" or "TransformNormal" when args.Count == 2 && IsMatrix(args[1].Type) && args[0].Type!.Name == call.Type!.Name:
                    return Transformed(args[0], args[1], call.TargetMethod.Name == "TransformNormal", output);
                case "Add" when args.Count == 2:
                    return Elementwise(BinaryOp.Add, args[0], args[1], output);
                case "Subtract" when args.Count == 2:
                    return Elementwise(BinaryOp.Subtract, args[0], args[1], output);
                case "Multiply" when args.Count == 2:
                    return Arithmetic(BinaryOp.Multiply, args[0], args[1], output);
                case "Divide" when args.Count == 2:
                    return Arithmetic(BinaryOp.Divide, args[0], args[1], output);
                case "Concatenate" when args.Count == 2:
                    // Concatenate(a, b) rotates by a, then b: the product b·a.
                    return QuaternionProduct(args[1], args[0], inverse: false, output);
                case "Conjugate" when args.Count == 1 && VectorOperand(args[0], output) is { } q:
                    return new List<Expr> { Build.Neg(q[0]), Build.Neg(q[1]), Build.Neg(q[2]), q[3] };
                case "Inverse" when args.Count == 1 && Staged(VectorOperand(args[0], output), output) is { } q:
                    return Inverse(q, output);
                case "CreateFromAxisAngle" when args.Count == 2:
                case "CreateFromYawPitchRoll" when args.Count == 3:
                    return QuaternionOf(call.TargetMethod.Name, args, output);
                case "CreateFromRotationMatrix" when args.Count == 1 && Staged(VectorOperand(args[0], output), output) is { Count: 16 } matrix:
                    return FromRotationMatrix(matrix, Line(call), output);
                case "Transform" when args.Count == 2 && args[0].Type!.Name is "Vector2" or "Vector3" or "Vector4" && IsQuaternion(args[1].Type):
                    return RotatedBy(Staged(VectorOperand(args[0], output), output), Staged(VectorOperand(args[1], output), output), Types.Leaves(TypeNames.Of(call.Type!))!.Length, call.TargetMethod, output);
                case "Negate" when args.Count == 1:
                    return VectorOperand(args[0], output)?.Select(Build.Neg).ToList();
                case "Normalize" when args.Count == 1 && VectorOperand(args[0], output) is { } v:
                    return Unit(v, output);
                case "Reflect" when args.Count == 2 && Staged(VectorOperand(args[0], output), output) is { } incident && Staged(VectorOperand(args[1], output), output) is { } normal:
                    // v − 2 (v·n) n, as System.Numerics (n is taken as it is, unit or not).
                    var twiceDot = StagedScalar(Build.Mul(Build.Num(Types.Float, 2), Sum(incident.Select((x, i) => Build.Mul(x, normal[i])))), output);
                    return incident.Select((x, i) => Build.Sub(x, Build.Mul(twiceDot, normal[i]))!).ToList();
                case "Cross" when args.Count == 2 && Staged(VectorOperand(args[0], output), output) is { Count: 3 } a && Staged(VectorOperand(args[1], output), output) is { } b:
                    return CrossProduct(a, b);
                case "Lerp" or "Slerp" when args.Count == 3 && IsQuaternion(call.Type) && Staged(VectorOperand(args[0], output), output) is { } q1 && Staged(VectorOperand(args[1], output), output) is { } q2:
                    return Blend(q1, q2, StagedScalar(ScalarOperand(args[2]), output), spherical: call.TargetMethod.Name == "Slerp", output);
                case "Lerp" when args.Count == 3 && !IsQuaternion(call.Type) && Staged(VectorOperand(args[0], output), output) is { } from && VectorOperand(args[1], output) is { } to:
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
                ("DotNormal", 2) => Sum(vectors[1]!.Select((v, i) => (Expr)new Binary(v.Type, BinaryOp.Multiply, vectors[0]![i], v))),
                ("DotCoordinate", 2) => Build.Add(Sum(vectors[1]!.Select((v, i) => (Expr)new Binary(v.Type, BinaryOp.Multiply, vectors[0]![i], v))), vectors[0]![3])!,
                ("LengthSquared", 1) => SquaredNorm(vectors[0]!),
                ("Length", 1) => Norm(vectors[0]!),
                ("DistanceSquared", 2) => Difference(),
                ("Distance", 2) => Build.Math(MathFunction.Sqrt, Types.Float, Difference()),
                _ => UnsupportedVectorMember(call),
            };
        }

        /// <summary>
        /// A <c>Plane</c>-valued static method: <c>Normalize</c> (normal and D over the normal's length),
        /// <c>CreateFromVertices</c> (the unit normal of (b − a) × (c − a), D = −n·a) and <c>Transform</c> by a quaternion
        /// (the normal rotated, D kept); null, and reported, for the others.
        /// </summary>
        private List<Expr>? PlaneMethod(IInvocationOperation call, List<IOperation> args, List<Stmt> output)
        {
            switch (call.TargetMethod.Name)
            {
                case "Normalize" when args.Count == 1 && Staged(VectorOperand(args[0], output), output) is { } plane:
                    var length = StagedScalar(Norm(plane.Take(3).ToList()), output);
                    return plane.Select(x => (Expr)new Binary(x.Type, BinaryOp.Divide, x, length)).ToList();
                case "CreateFromVertices" when args.Count == 3 && args.Select(a => Staged(VectorOperand(a, output), output)).ToList() is var points && points.All(p => p is not null):
                    var (a, b, c) = (points[0]!, points[1]!, points[2]!);
                    var unit = Staged(Unit(CrossProduct(Staged(b.Select((x, i) => Build.Sub(x, a[i])!).ToList(), output)!, Staged(c.Select((x, i) => Build.Sub(x, a[i])!).ToList(), output)!), output), output)!;
                    return unit.Append(Build.Neg(Sum(unit.Select((n, i) => (Expr)new Binary(n.Type, BinaryOp.Multiply, n, a[i]))))).ToList();
                case "Transform" when args.Count == 2 && IsQuaternion(args[1].Type):
                    // As the Vector4 (normal, D).
                    return RotatedBy(Staged(VectorOperand(args[0], output), output), Staged(VectorOperand(args[1], output), output), 4, call.TargetMethod, output);
                default:
                    Unsupported(call, $"'Plane.{call.TargetMethod.Name}' with these arguments (not yet)", "write it with the plane's Normal and D");
                    return null;
            }
        }

        private Expr UnsupportedVectorMember(IInvocationOperation call)
        {
            Unsupported(call, $"'{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}' (not yet)", "write it with the vector's fields");
            return Placeholder;
        }

        /// <summary><c>a op b</c>: the quaternion product or quotient of two quaternions, the matrix product, else leaf by leaf.</summary>
        private List<Expr>? Arithmetic(BinaryOp op, IOperation left, IOperation right, List<Stmt> output) =>
            IsQuaternion(left.Type) && IsQuaternion(right.Type) && op is BinaryOp.Multiply or BinaryOp.Divide
                ? QuaternionProduct(left, right, inverse: op == BinaryOp.Divide, output)
                : IsMatrix(left.Type) && IsMatrix(right.Type) && op == BinaryOp.Multiply
                ? MatrixProduct(left, right, output)
                : Elementwise(op, left, right, output);

        /// <summary>The Hamilton product a·b (a·b⁻¹ for <paramref name="inverse"/>), as System.Numerics orders it.</summary>
        private List<Expr>? QuaternionProduct(IOperation left, IOperation right, bool inverse, List<Stmt> output)
        {
            if (Staged(VectorOperand(left, output), output) is not { } a || Staged(VectorOperand(right, output), output) is not { } right0)
            {
                return null;
            }

            var b = inverse ? Staged(Inverse(right0, output), output)! : right0;
            Expr P(int i, int j) => Build.Mul(a[i], b[j]);
            return new List<Expr>
            {
                Sum(new[] { P(0, 3), P(3, 0), P(1, 2), Build.Neg(P(2, 1)) }),
                Sum(new[] { P(1, 3), P(3, 1), P(2, 0), Build.Neg(P(0, 2)) }),
                Sum(new[] { P(2, 3), P(3, 2), P(0, 1), Build.Neg(P(1, 0)) }),
                Sum(new[] { P(3, 3), Build.Neg(P(0, 0)), Build.Neg(P(1, 1)), Build.Neg(P(2, 2)) }),
            };
        }

        /// <summary>q⁻¹ = conj(q) / |q|², of staged leaves.</summary>
        private List<Expr> Inverse(List<Expr> q, List<Stmt> output)
        {
            var norm = StagedScalar(SquaredNorm(q), output);
            return q.Select((x, i) => Build.Div(i < 3 ? Build.Neg(x) : x, norm)).ToList();
        }

        /// <summary>
        /// <c>Quaternion.Lerp</c> and <c>Slerp</c> as System.Numerics computes them, along the shorter arc (q2 negated when
        /// q1·q2 &lt; 0): Lerp normalises (1 − t) q1 ± t q2; Slerp weighs them by sin((1 − t)ω)/sin ω and sin(tω)/sin ω,
        /// ω = acos|q1·q2|, and falls back to the linear weights where |q1·q2| &gt; 1 − 1e-6 (there ω → 0).
        /// </summary>
        private List<Expr> Blend(List<Expr> q1, List<Expr> q2, Expr t, bool spherical, List<Stmt> output)
        {
            var f = Types.Float;
            var dot = StagedScalar(Sum(q1.Select((a, i) => Build.Mul(a, q2[i]))), output);
            var sign = StagedScalar(Build.Choose(Build.Compare(BinaryOp.Less, dot, Build.Num(f, 0)), Build.Num(f, -1), Build.Num(f, 1)), output);
            var rest = StagedScalar(Build.Sub(Build.Num(f, 1), t)!, output);
            Expr w1 = rest, w2 = Build.Mul(sign, t);
            if (spherical)
            {
                var cosine = StagedScalar(Build.Mul(sign, dot), output);
                var near = Build.Compare(BinaryOp.Greater, cosine, Build.Num(f, 1 - 1e-6));
                var omega = StagedScalar(Build.Choose(near, Build.Num(f, 0), Build.Math(MathFunction.Acos, f, cosine)), output);
                var sine = StagedScalar(Build.Choose(near, Build.Num(f, 1), Build.Math(MathFunction.Sin, f, omega)), output);
                w1 = StagedScalar(Build.Choose(near, rest, Build.Div(Build.Math(MathFunction.Sin, f, Build.Mul(rest, omega)), sine)), output);
                w2 = Build.Mul(sign, Build.Choose(near, t, Build.Div(Build.Math(MathFunction.Sin, f, Build.Mul(t, omega)), sine)));
            }

            var second = StagedScalar(w2, output);
            var blended = Staged(q1.Select((a, i) => Build.Add(Build.Mul(a, w1), Build.Mul(q2[i], second))!).ToList(), output)!;
            if (spherical)
            {
                return blended;
            }

            var norm = StagedScalar(Norm(blended), output);
            return blended.Select(x => Build.Div(x, norm)).ToList();
        }

        /// <summary>a × b of the first three leaves of each (staged: each is read twice).</summary>
        private static List<Expr> CrossProduct(IReadOnlyList<Expr> a, IReadOnlyList<Expr> b) => new()
        {
            Build.Sub(Build.Mul(a[1], b[2]), Build.Mul(a[2], b[1]))!,
            Build.Sub(Build.Mul(a[2], b[0]), Build.Mul(a[0], b[2]))!,
            Build.Sub(Build.Mul(a[0], b[1]), Build.Mul(a[1], b[0]))!,
        };

        /// <summary>The rotation of <paramref name="v"/> by the unit quaternion <paramref name="q"/> (both staged): v + 2w(u×v) + 2u×(u×v), u = (X, Y, Z).</summary>
        /// <summary>
        /// The quaternion of <c>CreateFromAxisAngle(axis, θ)</c> (the axis as given, times sin θ/2, then cos θ/2) or
        /// <c>CreateFromYawPitchRoll</c>; null, and reported, when an operand is none GradGen follows.
        /// </summary>
        private List<Expr>? QuaternionOf(string method, List<IOperation> args, List<Stmt> output)
        {
            var halves = args.Skip(method == "CreateFromAxisAngle" ? 1 : 0).Select(a => StagedScalar(Build.Mul(Build.Num(Types.Float, 0.5), ScalarOperand(a)), output)).ToList();
            if (method != "CreateFromAxisAngle")
            {
                return YawPitchRoll(halves, output);
            }

            var sine = StagedScalar(Build.Math(MathFunction.Sin, Types.Float, halves[0]), output);
            return VectorOperand(args[0], output)?.Select(a => Build.Mul(a, sine)).Append(Build.Math(MathFunction.Cos, Types.Float, halves[0])).ToList();
        }

        /// <summary>
        /// <c>Quaternion.CreateFromRotationMatrix</c> as System.Numerics computes it: from the trace when it is positive,
        /// else from the largest diagonal element. The four cases are branches, not choices between values, so that the
        /// square root of a case not taken (maybe of a negative number) is never computed, nor its derivative.
        /// </summary>
        private List<Expr> FromRotationMatrix(List<Expr> m, int line, List<Stmt> output)
        {
            var f = Types.Float;
            var half = Build.Num(f, 0.5);
            var one = Build.Num(f, 1);
            Expr At(int row, int column) => m[row * 4 + column];
            var q = Enumerable.Range(0, 4).Select(_ => NewTemporary(f)).ToList();

            // Component k ∈ {x, y, z} of the trace's case, and w of the others': the difference of the off-diagonal pair.
            Expr Difference(int k) => Build.Sub(At((k + 1) % 3, (k + 2) % 3), At((k + 2) % 3, (k + 1) % 3))!;

            // The case whose large component is `big` (3: w, from the trace), its root of 1 plus the signed diagonal.
            EquatableArray<Stmt> Case(int big, Expr radicand)
            {
                var (root, scale) = (NewTemporary(f), NewTemporary(f));
                var statements = new List<Stmt>
                {
                    new Assign(line, root, AssignOp.Set, Build.Math(MathFunction.Sqrt, f, radicand)),
                    new Assign(line, scale, AssignOp.Set, Build.Div(half, root)),
                    new Assign(line, q[big], AssignOp.Set, Build.Mul(half, root)),
                };
                for (var k = 0; k < 4; k++)
                {
                    if (k != big)
                    {
                        var value = big == 3 ? Difference(k) : k == 3 ? Difference(big) : Build.Add(At(big, k), At(k, big))!;
                        statements.Add(new Assign(line, q[k], AssignOp.Set, Build.Mul(value, scale)));
                    }
                }

                return statements.ToEquatableArray();
            }

            Expr Diagonal(int k) => At(k, k);
            Expr Signed(int big) => Enumerable.Range(0, 3).Aggregate((Expr)one, (sum, k) => k == big ? Build.Add(sum, Diagonal(k))! : Build.Sub(sum, Diagonal(k))!);
            var trace = StagedScalar(Build.Add(Build.Add(Diagonal(0), Diagonal(1)), Diagonal(2))!, output);
            var lastTwo = new If(line, Build.Compare(BinaryOp.Greater, Diagonal(1), Diagonal(2)), Case(1, Signed(1)), Case(2, Signed(2)));
            var largestX = new Binary(Types.Bool, BinaryOp.And, Build.Compare(BinaryOp.GreaterOrEqual, Diagonal(0), Diagonal(1)), Build.Compare(BinaryOp.GreaterOrEqual, Diagonal(0), Diagonal(2)));
            var diagonal = new If(line, largestX, Case(0, Signed(0)), EquatableArray.Of<Stmt>(lastTwo));
            output.Add(new If(line, Build.Compare(BinaryOp.Greater, trace, Build.Num(f, 0)), Case(3, Build.Add(trace, one)!), EquatableArray.Of<Stmt>(diagonal)));
            return q.ToList<Expr>();
        }

        /// <summary>
        /// A <c>Vector2</c>, <c>Vector3</c> or <c>Vector4</c> (or a plane's (n, D)) rotated by q, as <paramref name="count"/>
        /// leaves: x, y, z rotated (z = 0 for a Vector2), then w (1 for a smaller vector), which the product q v q̄ of
        /// .NET 10 scales by |q|² (see <see cref="Rotated"/>).
        /// </summary>
        private List<Expr>? RotatedBy(List<Expr>? v, List<Expr>? q, int count, IMethodSymbol method, List<Stmt> output)
        {
            if (v is null || q is null)
            {
                return null;
            }

            var xyz = v.Take(3).Concat(Enumerable.Repeat(Build.Num(Types.Float, 0), 3 - System.Math.Min(3, v.Count))).ToList();
            var rotated = Rotated(xyz, q, method, output);
            var w = v.Count == 4 ? v[3] : Build.Num(Types.Float, 1);
            return rotated.Append(SandwichRotation(method) ? Build.Mul(w, SquaredNorm(q)) : w).Take(count).ToList();
        }

        /// <summary>Whether <paramref name="method"/>'s System.Numerics rotates by a quaternion as the product q v q̄ (from .NET 10).</summary>
        private static bool SandwichRotation(IMethodSymbol method) => method.ContainingAssembly.Identity.Version.Major >= 10;

        /// <summary>
        /// v rotated by the quaternion q, as <paramref name="method"/>'s System.Numerics computes it. Both formulas rotate
        /// by a unit quaternion; they differ for any other (a quaternion off the unit sphere, which a derivative along q
        /// reaches): from .NET 10 the product q v q̄, (w² − u·u) v + 2 (u·v) u + 2w u × v, which also scales by |q|²;
        /// before it v + 2w (u × v) + 2 u × (u × v).
        /// </summary>
        private List<Expr> Rotated(List<Expr> v, List<Expr> q, IMethodSymbol method, List<Stmt> output)
        {
            var two = Build.Num(Types.Float, 2);
            if (SandwichRotation(method))
            {
                var scale = StagedScalar(Build.Sub(Build.Mul(q[3], q[3]), SquaredNorm(q.Take(3).ToList()))!, output);
                var twiceDot = StagedScalar(Build.Mul(two, Sum(v.Select((x, i) => Build.Mul(q[i], x)))), output);
                var twiceW = StagedScalar(Build.Mul(two, q[3]), output);
                var cross = CrossProduct(q, v);
                return v.Select((x, i) => Build.Add(Build.Add(Build.Mul(scale, x), Build.Mul(twiceDot, q[i])), Build.Mul(twiceW, cross[i]))!).ToList();
            }

            var t = Staged(CrossProduct(q, v).Select(c => Build.Mul(two, c)).ToList(), output)!;
            var turned = CrossProduct(q, t);
            return v.Select((x, i) => Build.Add(Build.Add(x, Build.Mul(q[3], t[i])), turned[i])!).ToList();
        }

        /// <summary>The quaternion of yaw (about Y), pitch (about X) and roll (about Z), given the staged half angles.</summary>
        private List<Expr> YawPitchRoll(List<Expr> halves, List<Stmt> output)
        {
            Expr Trig(MathFunction f, Expr angle) => StagedScalar(Build.Math(f, Types.Float, angle), output);
            var (sy, cy) = (Trig(MathFunction.Sin, halves[0]), Trig(MathFunction.Cos, halves[0]));
            var (sp, cp) = (Trig(MathFunction.Sin, halves[1]), Trig(MathFunction.Cos, halves[1]));
            var (sr, cr) = (Trig(MathFunction.Sin, halves[2]), Trig(MathFunction.Cos, halves[2]));
            Expr Product(Expr a, Expr b, Expr c) => Build.Mul(Build.Mul(a, b), c);
            return new List<Expr>
            {
                Build.Add(Product(cy, sp, cr), Product(sy, cp, sr))!,
                Build.Sub(Product(sy, cp, cr), Product(cy, sp, sr))!,
                Build.Sub(Product(cy, cp, sr), Product(sy, sp, cr))!,
                Build.Add(Product(cy, cp, cr), Product(sy, sp, sr))!,
            };
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

        /// <summary>v over its length, each leaf and the length staged: a vector's <c>Normalize</c>.</summary>
        private List<Expr> Unit(List<Expr> v, List<Stmt> output)
        {
            var staged = Staged(v, output)!;
            var length = StagedScalar(Norm(staged), output);
            return staged.Select(x => (Expr)new Binary(x.Type, BinaryOp.Divide, x, length)).ToList();
        }

        private static Expr SquaredNorm(IReadOnlyList<Expr> v) => Sum(v.Select(x => (Expr)new Binary(x.Type, BinaryOp.Multiply, x, x)));

        private static Expr Norm(IReadOnlyList<Expr> v) => Build.Math(MathFunction.Sqrt, Types.Float, SquaredNorm(v));

        private static Expr Sum(IEnumerable<Expr> terms) => terms.Aggregate((total, term) => Build.Add(total, term)!);
    }
}
