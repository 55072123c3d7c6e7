using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Emit
{
    /// <summary>Prints IR statements and expressions as C#, with only the parentheses precedence needs.</summary>
    internal static class CodeWriter
    {
        private const int Primary = 16;
        private const int UnaryLevel = 14;
        private const int ConditionalLevel = 3;

        public static void Statements(IndentedWriter writer, IEnumerable<Stmt> statements)
        {
            foreach (var statement in statements)
            {
                Statement(writer, statement);
            }
        }

        private static void Statement(IndentedWriter writer, Stmt statement)
        {
            switch (statement)
            {
                case Assign a:
                    writer.Line($"{a.Target.Name} {Operators.Text(a.Op)} {Expression(a.Value)};");
                    break;
                case Store st:
                    writer.Line($"{Expression(st.Target)} {Operators.Text(st.Op)} {Expression(st.Value)};");
                    break;
                case SetField f:
                    writer.Line($"{Expression(f.Target)} = {Expression(f.Value)};");
                    break;
                case AssignTuple t:
                    writer.Line($"({Arguments(t.Targets)}) = {Expression(t.Value)};");
                    break;
                case ExprStmt e:
                    writer.Line(Expression(e.Expression) + ";");
                    break;
                case Declare { Variable.Type: var type } d when Types.IsSpan(type) && type.Element is not TypeParameterType && !(d.Value is { } made && IrWalker.Stackallocs(made)):
                    // A span local declared up front may take a stackalloc later: starting as an empty stackalloc, it is already
                    // a span that cannot leave the method (C# 8; C# 11's 'scoped' says the same, but C# 8 to 10 cannot compile it).
                    // A span of a type parameter never does (C# puts no T on the stack).
                    writer.Line($"{type} {d.Variable.Name} = stackalloc {Types.ElementType(type)}[0];");
                    if (d.Value is { } value)
                    {
                        writer.Line($"{d.Variable.Name} = {Expression(value)};");
                    }

                    break;
                case Declare d:
                    writer.Line($"{d.Variable.Type} {d.Variable.Name} = {(d.Value is null ? Default(d.Variable.Type) : Expression(d.Value))};");
                    break;
                case Comment c:
                    writer.Line("// " + c.Text);
                    break;
                case Return r:
                    writer.Line(r.Value is null ? "return;" : $"return {Expression(r.Value)};");
                    break;
                case ThrowIf t:
                    writer.Open($"if ({Expression(t.Condition)})");
                    Statement(writer, Throw.Argument(t.Message, t.Parameter));
                    writer.Close();
                    break;
                case Throw t:
                    writer.Line($"throw {Expression(t.Exception)};");
                    break;
                case If i:
                    IfChain(writer, i, "if");
                    break;
                case While { ConditionAtEnd: true } w:
                    writer.Open("do");
                    Statements(writer, w.Body);
                    Statements(writer, w.Step);
                    writer.Close($" while ({Expression(w.Condition)});");
                    break;
                case While w:
                    writer.Open($"while ({Expression(w.Condition)})");
                    Statements(writer, w.Body);
                    Statements(writer, w.Step);
                    writer.Close();
                    break;
                case For f:
                    var init = f.Start == f.Counter ? string.Empty : $"{f.Counter.Name} = {Expression(f.Start)}";
                    writer.Open($"for ({init}; {Expression(f.Condition)}; {f.Counter.Name}{Operators.Text(f.Step)})");
                    Statements(writer, f.Body);
                    writer.Close();
                    break;
                default:
                    throw Unknown(statement);
            }
        }

        /// <summary>A node the writer has no case for: the generator reports GG0021 rather than emit a guess.</summary>
        private static System.InvalidOperationException Unknown(object node) => new($"the C# writer has no case for {node.GetType().Name}");

        private static void IfChain(IndentedWriter writer, If statement, string keyword)
        {
            if (statement.Then.Count == 0 && statement.Else.Count > 0)
            {
                statement = new If(statement.Line, new Unary(Types.Bool, UnaryOp.Not, statement.Condition), statement.Else, EquatableArray<Stmt>.Empty);
            }

            writer.Open($"{keyword} ({Expression(statement.Condition)})");
            Statements(writer, statement.Then);
            writer.Close();
            if (statement.Else.Count == 1 && statement.Else[0] is If elseIf)
            {
                IfChain(writer, elseIf, "else if");
            }
            else if (statement.Else.Count > 0)
            {
                writer.Open("else");
                Statements(writer, statement.Else);
                writer.Close();
            }
        }

        public static string Expression(Expr expr) => expr switch
        {
            // The user's null array, as the user's code had it (null! or a nullable variable): no nullable warning.
            Const c when Literals.IsNull(c) => "default!",
            Const c => c.Text,
            Var v => v.Name,
            This => "this",
            Ref r => Operators.Text(r.Passed) + " " + r.Variable.Name,
            Member m => $"{Target(m.Receiver, m.StaticType)}{m.Name}",
            Unary u => Operators.Text(u.Op) + UnaryOperand(u.Operand),
            Binary b => $"{Operand(b.Left, Precedence(b), right: false)} {Operators.Text(b.Op)} {Operand(b.Right, Precedence(b), right: true)}",
            Conditional c => $"{Operand(c.Condition, ConditionalLevel, right: true)} ? {Operand(c.WhenTrue, ConditionalLevel, right: false)} : {Operand(c.WhenFalse, ConditionalLevel, right: true)}",
            // Generic math converts by T.CreateTruncating (and double.CreateTruncating back): C# has no cast to or from a type parameter.
            TypeCast c when c.Type is TypeParameterType || c.Operand.Type is TypeParameterType => $"{c.Type}.CreateTruncating({Expression(c.Operand)})",
            TypeCast c => $"({c.Type}){(Precedence(c.Operand) == Primary && !IsNegative(c.Operand) ? Expression(c.Operand) : $"({Expression(c.Operand)})")}",
            Intrinsic { Type: TypeParameterType generic } i => $"{generic}.{i.Function}({Arguments(i.Args)})",
            // MathF has every function but Clamp, which Math overloads for float.
            Intrinsic i => $"global::System.{(i.Type == Types.Float && i.Function != MathFunction.Clamp ? "MathF" : "Math")}.{i.Function}({Arguments(i.Args)})",
            // A call whose arguments are an aggregate's leaves is packed first (Compose/CallPacking).
            Call { Packed.Count: > 0 } or DiffCall { Packed.Count: > 0 } => throw Unknown(expr),
            Call or DiffCall when UserOperator(expr) is { } operatorCall => operatorCall,
            Call c => $"{Target(c.Receiver, c.StaticType)}{c.Name}{c.TypeArguments}({Arguments(c.Args)})",
            DiffCall { Tape: { } tape } d => Expression(CalleeDerivatives.Record(d, tape)),
            DiffCall d => $"{Target(d.Receiver, d.StaticType)}{d.Name}{d.TypeArguments}({Arguments(d.Args)})",
            PullbackCall p => Expression(CalleeDerivatives.Reverse(p)),
            AggregateValue { Type: StructType structure } s => Construct(structure, new Queue<string>(s.Items.Select(Expression))),
            AggregateValue t => $"({Arguments(t.Items)})",
            Index i => $"{Dereferenced(i.Collection)}[{Arguments(i.Indices)}]",
            New n => $"new {n.Type}({Arguments(n.Args)})",
            NewArray n => $"{(n.OnStack ? "stackalloc" : "new")} {n.ElementType}[{Arguments(n.Lengths)}]",
            TapeOp t => Tape(t),
            _ => throw Unknown(expr),
        };

        /// <summary>A call of a user-defined operator, written as the operator (C# does not let code call <c>op_Addition</c> by name); null for any other call.</summary>
        private static string? UserOperator(Expr call)
        {
            var (name, args) = call switch { Call c => (c.Name, c.Args), DiffCall d => (d.Name, d.Args), _ => (string.Empty, EquatableArray<Expr>.Empty) };
            return Operators.UserDefined(name) is not { } token || args.Count is not (1 or 2) ? null
                : args.Count == 1 ? $"({token}{Operand(args[0], Primary, right: false)})"
                : $"({Operand(args[0], Primary, right: false)} {token} {Operand(args[1], Primary, right: false)})";
        }

        /// <summary>A struct made from its leaves, taken in order: by its object initializer, or its constructor's arguments in their order.</summary>
        private static string Construct(StructType type, Queue<string> leaves)
        {
            var fields = type.Fields.Select(f => f.Type is StructType inner ? Construct(inner, leaves) : leaves.Dequeue()).ToList();
            return type.ConstructorOrder.Count == 0
                ? $"new {type} {{ {string.Join(", ", fields.Select((f, i) => type.Fields[i].Name + " = " + f))} }}"
                : $"new {type}({string.Join(", ", type.ConstructorOrder.Select(i => fields[i]))})";
        }

        /// <summary>How each tape operation is spelled: a static call, a property, a generic Rent, or a call on the tape.</summary>
        private static string Tape(TapeOp t) => t.Operation switch
        {
            TapeOperation.Rent or TapeOperation.Return or TapeOperation.PushAllAt or TapeOperation.PopAllAt => $"{TapeOp.TapeType}.{t.Operation}({Arguments(t.Args)})",
            TapeOperation.Reals or TapeOperation.RealCount or TapeOperation.Ints or TapeOperation.IntCount or TapeOperation.RoomToSplit => $"{Dereferenced(t.Tape!)}.{t.Operation}",
            TapeOperation.RentBuffer => $"{Dereferenced(t.Tape!)}.Rent<{Types.ElementType(t.Type)}>({Arguments(t.Args)})",
            _ => $"{Dereferenced(t.Tape!)}.{t.Operation}({Arguments(t.Args)})",
        };

        private static string Target(Expr? receiver, string? staticType) =>
            staticType is not null ? staticType + "."
            : receiver is null ? string.Empty
            : Dereferenced(receiver) + ".";

        /// <summary>
        /// An operand that is dereferenced. A variable or field of a nullable type (a <c>var</c> array, <c>Next!.G(x)</c>)
        /// gets <c>!</c>: the primal dereferences it too, but the null state the primal's flow gave it (or its own
        /// <c>!</c>) is not in generated code, and values the backward sweep restores from the tape carry none.
        /// </summary>
        private static string Dereferenced(Expr operand) =>
            operand is Var or Member && operand.Type.IsNullable
                ? Operand(operand, Primary, right: false) + "!"
                : Operand(operand, Primary, right: false);

        private static string Arguments(IEnumerable<Expr> args) => string.Join(", ", args.Select(Expression));

        private static string UnaryOperand(Expr operand) =>
            operand is Unary || IsNegative(operand) || Precedence(operand) < UnaryLevel ? $"({Expression(operand)})" : Expression(operand);

        private static bool IsNegative(Expr expr) => expr is Const { Value: < 0 } || expr is Const c && c.Text.StartsWith("-");

        private static string Operand(Expr operand, int parent, bool right)
        {
            var precedence = Precedence(operand);
            var needs = precedence < parent || (right && precedence == parent && precedence != Primary);
            return needs ? $"({Expression(operand)})" : Expression(operand);
        }

        private static int Precedence(Expr expr) => expr switch
        {
            Binary b => Operators.Precedence(b.Op),
            TypeCast c when c.Type is TypeParameterType || c.Operand.Type is TypeParameterType => Primary,
            Unary or TypeCast => UnaryLevel,
            Conditional => ConditionalLevel,
            Const c when IsNegative(c) => UnaryLevel,
            _ => Primary,
        };

        private static string Default(IrType type) =>
            type == Types.Bool ? "false"
            : Types.IsReal(type) ? Literals.Text(type, 0)
            : type == Types.Int || type == Types.Long ? "0"
            : "default!";
    }
}
