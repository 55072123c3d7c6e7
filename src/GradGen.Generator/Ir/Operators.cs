namespace GradGen.Generator.Ir
{
    /// <summary>The binary operators of C# the IR keeps (arithmetic, comparison, logical, bitwise).</summary>
    public enum BinaryOp
    {
        Add, Subtract, Multiply, Divide, Remainder,
        Less, LessOrEqual, Greater, GreaterOrEqual, Equal, NotEqual,

        /// <summary><c>&amp;&amp;</c>.</summary>
        And,

        /// <summary><c>||</c>.</summary>
        Or,
        BitAnd, BitOr, BitXor, ShiftLeft, ShiftRight,
    }

    public enum UnaryOp
    {
        Minus, Plus, Not, BitNot,
    }

    /// <summary>How an assignment or store combines its value with the target: <c>=</c>, <c>+=</c>, <c>-=</c>.</summary>
    public enum AssignOp
    {
        Set, Add, Subtract,
    }

    /// <summary>How a counted loop moves its counter: <c>++</c> or <c>--</c>.</summary>
    public enum LoopStep
    {
        Up, Down,
    }

    /// <summary>How a variable is passed to a callee's derivative: <c>ref</c>, or <c>out</c> when the callee overwrites it.</summary>
    public enum PassedAs
    {
        Ref, Out,
    }

    /// <summary>The C# spelling of the operators, and the facts about them the passes ask.</summary>
    public static class Operators
    {
        /// <summary>
        /// The token of a user-defined operator by its method's name (<c>op_Addition</c> gives <c>+</c>); null for other
        /// methods, and for the operator's generated derivatives (<c>op_AdditionReverse</c>), which are ordinary methods.
        /// </summary>
        public static string? UserDefined(string method) => method switch
        {
            "op_Addition" or "op_UnaryPlus" => "+",
            "op_Subtraction" or "op_UnaryNegation" => "-",
            "op_Multiply" => "*",
            "op_Division" => "/",
            "op_Modulus" => "%",
            _ => null,
        };

        public static string Text(BinaryOp op) => op switch
        {
            BinaryOp.Add => "+",
            BinaryOp.Subtract => "-",
            BinaryOp.Multiply => "*",
            BinaryOp.Divide => "/",
            BinaryOp.Remainder => "%",
            BinaryOp.Less => "<",
            BinaryOp.LessOrEqual => "<=",
            BinaryOp.Greater => ">",
            BinaryOp.GreaterOrEqual => ">=",
            BinaryOp.Equal => "==",
            BinaryOp.NotEqual => "!=",
            BinaryOp.And => "&&",
            BinaryOp.Or => "||",
            BinaryOp.BitAnd => "&",
            BinaryOp.BitOr => "|",
            BinaryOp.BitXor => "^",
            BinaryOp.ShiftLeft => "<<",
            _ => ">>",
        };

        public static string Text(UnaryOp op) => op switch
        {
            UnaryOp.Minus => "-",
            UnaryOp.Plus => "+",
            UnaryOp.Not => "!",
            _ => "~",
        };

        public static string Text(AssignOp op) => op switch
        {
            AssignOp.Set => "=",
            AssignOp.Add => "+=",
            _ => "-=",
        };

        public static string Text(LoopStep step) => step == LoopStep.Up ? "++" : "--";

        public static string Text(PassedAs passed) => passed == PassedAs.Ref ? "ref" : "out";

        /// <summary>C#'s binding strength, higher binds tighter (multiplicative 13 down to conditional-or 4).</summary>
        public static int Precedence(BinaryOp op) => op switch
        {
            BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Remainder => 13,
            BinaryOp.Add or BinaryOp.Subtract => 12,
            BinaryOp.ShiftLeft or BinaryOp.ShiftRight => 11,
            BinaryOp.Less or BinaryOp.Greater or BinaryOp.LessOrEqual or BinaryOp.GreaterOrEqual => 10,
            BinaryOp.Equal or BinaryOp.NotEqual => 9,
            BinaryOp.BitAnd => 8,
            BinaryOp.BitXor => 7,
            BinaryOp.BitOr => 6,
            BinaryOp.And => 5,
            _ => 4,
        };

        /// <summary><c>&lt;</c> or <c>&lt;=</c>: a bound an increasing counter approaches.</summary>
        public static bool IsLess(BinaryOp op) => op is BinaryOp.Less or BinaryOp.LessOrEqual;

        /// <summary><c>&lt;=</c> or <c>&gt;=</c>: the bound itself is reached.</summary>
        public static bool IncludesBound(BinaryOp op) => op is BinaryOp.LessOrEqual or BinaryOp.GreaterOrEqual;
    }
}
