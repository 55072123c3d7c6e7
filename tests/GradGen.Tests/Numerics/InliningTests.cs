using System;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "Inlining_double" / "Inlining_float": calls between [Differentiable] methods of one type, which the
    /// generator inlines into the caller before either mode is generated (CallInlining): callees that assign their own
    /// parameters, expression, constant, optional and named arguments, a callee twice in one expression, callees with
    /// loops, branches, early returns, break and continue, callees inside the caller's loops (for, while, do-while),
    /// branches, ?: and switch, callees whose locals have the caller's names (and the reverse), three levels of nesting,
    /// a chain deeper than the nesting limit, mutual recursion, instance callees on <c>this</c> (class and struct),
    /// tuple-valued callees; and the calls that are not inlined (another type, a directly recursive
    /// callee, a callee over the size limit, a [NoDerivative] real parameter given a variable, an instance callee on
    /// another object), whose derivatives must be right all the same. The double source also has a mixed-precision
    /// class (<see cref="InliningMixedPrecisionTests"/>).
    /// </summary>
    public static class InliningSource
    {
        /// <summary>Statements of the straight-line callees below (one IR statement each, plus a declaration and a return).</summary>
        public const int SmallStatements = 60;

        public const int LargeStatements = 200;

        public const string Template = @"
namespace Numerics.Inlining
{
    public static partial class Inl_real
    {
        // ----- a callee that assigns its own parameter ---------------------------------------------------------------

        // (2x)²
        [Differentiable]
        public static real Doubled(real x)
        {
            x = x * 2r;
            return x * x;
        }

        // 4x²
        [Differentiable] public static real CallsDoubled(real x) => Doubled(x);

        // 4x² + x²: the caller's x is not changed by the callee's assignment to its copy
        [Differentiable]
        public static real CallerVariableKept(real x)
        {
            real d = Doubled(x);
            return d + x * x;
        }

        // 4·1.5² · x = 9x: a real constant for a parameter the callee assigns
        [Differentiable] public static real ConstantArgument(real x) => Doubled(1.5r) * x;

        // 4·3² + x: an int literal for a real parameter
        [Differentiable] public static real IntLiteralArgument(real x) => Doubled(3) + x;

        // ----- arguments that are expressions ----------------------------------------------------------------------------

        // 4(xy + 1)²
        [Differentiable] public static real ExpressionArgument(real x, real y) => Doubled(x * y + 1r);

        // sin(a)·b
        [Differentiable] public static real SinTimes(real a, real b) => MathR.Sin(a) * b;

        // sin(b)·a: the caller's parameters have the callee's names, swapped
        [Differentiable] public static real SwappedArguments(real a, real b) => SinTimes(b, a);

        // sin(x)·x: the same variable for both parameters
        [Differentiable] public static real SameVariableTwice(real x, real y) => SinTimes(x, x) + y;

        // 4 (sin(x)·y)²: a call as the argument of a call
        [Differentiable] public static real CallAsArgument(real x, real y) => Doubled(SinTimes(x, y));

        // k·x², k = 2 by default
        [Differentiable] public static real WithDefault(real x, real k = 2r) => k * x * x;

        // 2x² + 3(xy)²: an optional argument left out, and given by name
        [Differentiable] public static real DefaultArgument(real x, real y) => WithDefault(x) + WithDefault(k: 3r, x: x * y);

        // sin(x)·y: named arguments out of order
        [Differentiable] public static real NamedArguments(real x, real y) => SinTimes(b: y, a: x);

        // ----- the same callee twice in one expression -------------------------------------------------------------------

        // sin x·y·sin y·x + sin x·y
        [Differentiable] public static real TwiceInOneExpression(real x, real y) => SinTimes(x, y) * SinTimes(y, x) + SinTimes(x, y);

        // 4x² + 4y² + 4(x + y)²: a callee that assigns its parameter, three times
        [Differentiable] public static real ThreeTimesAssigning(real x, real y) => Doubled(x) + Doubled(y) + Doubled(x + y);

        // ----- a callee with a loop, an if and early returns -----------------------------------------------------------------

        // x > 2: 3x; otherwise s = Σᵢ (i even ? x² : x) for i < n, returned as soon as s > 8, else s·x
        [Differentiable]
        public static real Branchy(real x, int n)
        {
            if (x > 2r)
                return 3r * x;
            real s = 0r;
            for (int i = 0; i < n; i++)
            {
                if (i % 2 == 0)
                    s += x * x;
                else
                    s += x;
                if (s > 8r)
                    return s;
            }

            return s * x;
        }

        // Branchy(xy, n) + Branchy(y, n + 1): an expression and an int expression for the arguments
        [Differentiable] public static real CallsBranchy(real x, real y, int n) => Branchy(x * y, n) + Branchy(y, n + 1);

        // Σᵢ₌₀..ₙ₋₁ xⁱ·c with c = 0.5 on odd i; the loop skips i = 2 (continue) and stops past 4 (break)
        [Differentiable]
        public static real BreakContinue(real x, int n)
        {
            real s = 0r;
            real p = 1r;
            int i = 0;
            while (i < n)
            {
                i++;
                p = p * x;
                if (i == 2)
                    continue;
                if (i > 4)
                    break;
                if (i % 2 == 1)
                    s += 0.5r * p;
                else
                    s += p;
            }

            return s;
        }

        // s ← BreakContinue(s, n) ·0.25 + x, k times: break and continue flags inside the caller's loop
        [Differentiable]
        public static real BreakContinueInLoop(real x, int n, int k)
        {
            real s = x;
            for (int j = 0; j < k; j++)
                s = BreakContinue(s, n) * 0.25r + x;
            return s;
        }

        // x²·Σ i over i = 0, 2, 4, … < n but 2: a for loop with a step of 2 (a while loop with an iterator) and continue
        [Differentiable]
        public static real Strided(real x, int n)
        {
            real s = 0r;
            for (int i = 0; i < n; i += 2)
            {
                if (i == 2)
                    continue;
                s += x * i;
            }

            return s * x;
        }

        // s += Strided(x + s/100, n + i) for i < n: its iterator and counter inside the caller's loop over i
        [Differentiable]
        public static real CallsStrided(real x, int n)
        {
            real s = 0r;
            for (int i = 0; i < n; i++)
                s += Strided(x + s * 0.01r, n + i);
            return s;
        }

        // the first x·i above 1 for i < n, or x/2: returns from inside its loop
        [Differentiable]
        public static real FirstAbove(real x, int n)
        {
            for (int i = 0; i < n; i++)
            {
                if (x * i > 1r)
                    return x * i;
            }

            return x * 0.5r;
        }

        // FirstAbove(x, 3) + FirstAbove(x·y, 3): an early-returning callee twice
        [Differentiable] public static real CallsFirstAbove(real x, real y) => FirstAbove(x, 3) + FirstAbove(x * y, 3);

        // ----- a callee inside the caller's loops and branches -----------------------------------------------------------

        // ½ sin(s)·s
        [Differentiable] public static real Damped(real s) => 0.5r * MathR.Sin(s) * s;

        // s ← Damped(s) + x, n times
        [Differentiable]
        public static real CallInLoop(real x, int n)
        {
            real s = x;
            for (int i = 0; i < n; i++)
                s = Damped(s) + x;
            return s;
        }

        // s += Damped(s·y), n times, in a while loop
        [Differentiable]
        public static real CompoundInWhile(real x, real y, int n)
        {
            real s = x;
            int i = 0;
            while (i < n)
            {
                s += Damped(s * y);
                i++;
            }

            return s;
        }

        // x > y: Doubled(x − y); otherwise Damped(x)·y
        [Differentiable]
        public static real CallInBranch(real x, real y)
        {
            real r;
            if (x > y)
                r = Doubled(x - y);
            else
                r = Damped(x) * y;
            return r;
        }

        // x > 0 ? Doubled(x) : SinTimes(x, y)
        [Differentiable] public static real CallInConditional(real x, real y) => x > 0r ? Doubled(x) : SinTimes(x, y);

        // s ← Damped(s) + x, at least once, in a do-while loop
        [Differentiable]
        public static real CallInDoWhile(real x, int n)
        {
            real s = x;
            int k = 0;
            do
            {
                s = Damped(s) + x;
                k++;
            }
            while (k < n);
            return s;
        }

        // a callee per case of a switch, each returned
        [Differentiable]
        public static real CallInSwitch(real x, int mode)
        {
            switch (mode)
            {
                case 0:
                    return Damped(x);
                case 1:
                    return Doubled(x) * 0.1r;
                default:
                    return SinTimes(x, x);
            }
        }

        // s ← FirstAbove(s, 3)·0.6 + x, n times: an early-returning callee inside the caller's loop
        [Differentiable]
        public static real EarlyReturnInLoop(real x, int n)
        {
            real s = x;
            for (int k = 0; k < n; k++)
                s = FirstAbove(s, 3) * 0.6r + x;
            return s;
        }

        // ----- the callee's locals have the caller's names -------------------------------------------------------------

        // t1 = x/2; s = Σᵢ<ₙ t1·x·i; result = s + t1
        [Differentiable]
        public static real SameNames(real x, int n)
        {
            real s = 0r;
            real t1 = x * 0.5r;
            for (int i = 0; i < n; i++)
                s += t1 * x * i;
            real result = s + t1;
            return result;
        }

        // locals i, s, t1, result like SameNames' own, live across the call
        [Differentiable]
        public static real CallsSameNames(real x, int n)
        {
            real s = x;
            real t1 = 0r;
            real result = 1r;
            for (int i = 0; i < n; i++)
            {
                t1 = SameNames(s, i + 2);
                result = result * 0.5r + t1 * x;
                s = s + 0.25r * x;
            }

            return result + s * t1;
        }

        // locals named as the inliner names its copies: x_2, s_2, result_2, i_2
        [Differentiable]
        public static real CallerNamesLikeCopies(real x, int n)
        {
            real x_2 = x * 0.5r;
            real s_2 = 0r;
            real result_2 = 0r;
            for (int i_2 = 0; i_2 < n; i_2++)
            {
                s_2 += Doubled(x_2) + SameNames(x_2 + s_2 * 0.1r, i_2);
                result_2 = s_2 * x;
            }

            return result_2 + x_2;
        }

        // parameters named like the callee's locals: SameNames(s·t1, 3) + s
        [Differentiable] public static real CallerParametersNamedLikeCalleeLocals(real s, real t1) => SameNames(s * t1, 3) + s;

        // the caller returns early from its loop too, through an early-returning callee
        [Differentiable]
        public static real BothReturnEarly(real x, int n)
        {
            for (int i = 0; i < n; i++)
            {
                if (x * i > 2r)
                    return FirstAbove(x, 4) * i;
            }

            return FirstAbove(x * 0.5r, 3);
        }

        // ----- nested inlining ------------------------------------------------------------------------------------------------

        // f₃(x) = sin(x)·x
        [Differentiable] public static real Level3(real x) => MathR.Sin(x) * x;

        // f₂(x, y) = f₃(xy) + f₃(y)·x
        [Differentiable]
        public static real Level2(real x, real y)
        {
            real u = Level3(x * y);
            return u + Level3(y) * x;
        }

        // f₁(x, y) = f₂(x, y)·f₂(y, x/2)
        [Differentiable] public static real Level1(real x, real y) => Level2(x, y) * Level2(y, x * 0.5r);

        // Chain1(x) = Chain2(x)·1.1 + x, ..., Chain7(x) = sin x: deeper than the nesting limit
        [Differentiable] public static real Chain1(real x) => Chain2(x) * 1.1r + x;
        [Differentiable] public static real Chain2(real x) => Chain3(x) * 1.1r + x;
        [Differentiable] public static real Chain3(real x) => Chain4(x) * 1.1r + x;
        [Differentiable] public static real Chain4(real x) => Chain5(x) * 1.1r + x;
        [Differentiable] public static real Chain5(real x) => Chain6(x) * 1.1r + x;
        [Differentiable] public static real Chain6(real x) => Chain7(x) * 1.1r + x;
        [Differentiable] public static real Chain7(real x) => MathR.Sin(x);

        // ----- mutual recursion: stays a call, inlined one level --------------------------------------------------------

        // depth ≤ 0: x; otherwise Pong(x/2, depth − 1) + sin x
        [Differentiable]
        public static real Ping(real x, int depth)
        {
            if (depth <= 0)
                return x;
            return Pong(x * 0.5r, depth - 1) + MathR.Sin(x);
        }

        // depth ≤ 0: x²; otherwise Ping(x, depth − 1)·x
        [Differentiable]
        public static real Pong(real x, int depth)
        {
            if (depth <= 0)
                return x * x;
            return Ping(x, depth - 1) * x;
        }

        // Ping(x·y, depth) + Pong(y, depth)
        [Differentiable] public static real CallsPingPong(real x, real y, int depth) => Ping(x * y, depth) + Pong(y, depth);

        // ----- tuple-valued callee ----------------------------------------------------------------------------------------

        // polar to Cartesian
        [Differentiable] public static (real X, real Y) Polar(real r, real t) => (r * MathR.Cos(t), r * MathR.Sin(t));

        // u·v + u with (u, v) = Polar(r, t)
        [Differentiable]
        public static real Deconstructed(real r, real t)
        {
            var (u, v) = Polar(r, t);
            return u * v + u;
        }

        // (a, b) ← Polar(a, b) twice, into the variables passed as the arguments; a + 2b
        [Differentiable]
        public static real DeconstructedIntoArguments(real r, real t)
        {
            real a = r, b = t;
            (a, b) = Polar(a, b);
            (a, b) = Polar(a, b);
            return a + 2r * b;
        }

        // Polar(r, t).Y·r: an element of a tuple-valued call
        [Differentiable] public static real TupleElement(real r, real t) => Polar(r, t).Y * r;

        // ----- int parameters given expressions ---------------------------------------------------------------------------

        // Σᵢ<ₙ xⁱ⁺¹/(i + 1)
        [Differentiable]
        public static real Series(real x, int n)
        {
            real s = 0r;
            real p = 1r;
            for (int i = 0; i < n; i++)
            {
                p = p * x;
                s += p / (i + 1);
            }

            return s;
        }

        // Series(x, 2n + 1) + Series(x·y, n − 1)·y: the int argument an expression
        [Differentiable] public static real IntExpressionArgument(real x, real y, int n) => Series(x, 2 * n + 1) + Series(x * y, n - 1) * y;

        // ----- not inlined: directly recursive ------------------------------------------------------------------------------

        // xⁿ
        [Differentiable]
        public static real Power(real x, int n)
        {
            if (n <= 0)
                return 1r;
            return x * Power(x, n - 1);
        }

        // (2x)ⁿ + x
        [Differentiable] public static real CallsPower(real x, int n) => Power(x * 2r, n) + x;

        // ----- not inlined: [NoDerivative] real parameter given a variable; inlined: given a constant --------------------

        // s·x²
        [Differentiable] public static real Scaled(real x, [NoDerivative] real s) => s * x * x;

        // c·x², c passed on from the caller's own [NoDerivative] parameter
        [Differentiable] public static real NoDerivativeVariable(real x, [NoDerivative] real c) => Scaled(x, c);

        // 2.5·x²
        [Differentiable] public static real NoDerivativeConstant(real x) => Scaled(x, 2.5r);

        // ----- not inlined: another type -------------------------------------------------------------------------------------

        // (x − y)² + x³
        [Differentiable] public static real OtherTypes(real x, real y) => Other_real.Square(x - y) + Numerics.Inlining.Elsewhere.Inl_real.Cube(x);

        // ----- size: a small straight-line callee is inlined, a large one is not ------------------------------------------------

        // sin(x·(2 − 0.5ⁿ))·y after n = SmallStatements / LargeStatements steps (SmallBody, LargeBody: see Straight)
        [Differentiable] public static real CallsSmall(real x, real y) => SmallBody(x) * y;

        [Differentiable] public static real CallsLarge(real x, real y) => LargeBody(x) * y;
    }

    public static partial class Other_real
    {
        [Differentiable] public static real Square(real x) => x * x;

        // x²·y with Inl_real.SinTimes, a callee of another type, inside
        [Differentiable] public static real CallsBack(real x, real y) => Square(x) * Inl_real.SinTimes(y, x);
    }

    // ----- instance methods --------------------------------------------------------------------------------------------------

    public partial class Model_real
    {
        public real Scale = 3r;

        public real Offset { get; set; } = 0.5r;

        private const real K = 2r;

        private static readonly Model_real Other = new Model_real { Scale = 5r };

        // G = S·x²
        [Differentiable] public real G(real x) => Scale * x * x;

        // S·x² + x, G called on this implicitly
        [Differentiable] public real F(real x) => G(x) + x;

        // S·(xy)²·O + K·x, G called on this explicitly
        [Differentiable] public real H(real x, real y) => this.G(x * y) * Offset + K * x;

        // H(F(x), y) − G(y): instance callees two deep
        [Differentiable] public real Deep(real x, real y) => H(F(x), y) - G(y);

        // an instance callee of another object: 5x² + S·x²
        [Differentiable] public real OnOther(real x) => Other.G(x) + G(x);

        // static callee from an instance caller: S·x² · sin(x)·x
        [Differentiable] public real CallsStatic(real x) => G(x) * Square(x);

        [Differentiable] public static real Square(real x) => MathR.Sin(x) * x;
    }
}

namespace Numerics.Inlining
{
    // Instance methods of a struct: called on this, inlined.
    public partial struct Pt_real
    {
        public real K;

        // K·x²
        [Differentiable] public real Sq(real x) => K * x * x;

        // K·x² + 4K·x²
        [Differentiable] public real Twice(real x) => Sq(x) + this.Sq(x * 2r);
    }
}

namespace Numerics.Inlining.Elsewhere
{
    // The caller's type name in another namespace: not the same type.
    public static partial class Inl_real
    {
        [Differentiable] public static real Cube(real x) => x * x * x;
    }
}
";

        /// <summary>The double source's mixed-precision class: real parameters of another type than the argument.</summary>
        public const string Mixed = @"
namespace Numerics.Inlining
{
    public static partial class Mixed
    {
        [Differentiable] public static double Wide(double x) { x = x * 3.0; return x * x; }

        [Differentiable] public static float Narrow(float x) => x * x * x;

        // 9x² + x, a float passed to a double parameter
        [Differentiable] public static float FloatCaller(float x) => (float)Wide(x) + x;

        // x³ + 2x, a double passed to a float parameter through a cast
        [Differentiable] public static double DoubleCaller(double x) => Narrow((float)x) + 2.0 * x;
    }
}
";

        /// <summary>SmallBody and LargeBody: s ← 0.5s + x, n times, after s = x (one IR statement each).</summary>
        public static string Straight(string name, int statements)
        {
            var sb = new StringBuilder();
            sb.AppendLine("namespace Numerics.Inlining");
            sb.AppendLine("{");
            sb.AppendLine("    public static partial class Inl_real");
            sb.AppendLine("    {");
            sb.AppendLine("        [Differentiable]");
            sb.AppendLine("        public static real " + name + "(real x)");
            sb.AppendLine("        {");
            sb.AppendLine("            real s = x;");
            for (int i = 0; i < statements; i++)
            {
                sb.AppendLine("            s = s * 0.5r + x;");
            }

            sb.AppendLine("            return MathR.Sin(s);");
            sb.AppendLine("        }");
            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>sin(s) with s = x·(2 − 0.5ⁿ) after n steps of s ← 0.5s + x from s = x: ds/dx = 2 − 0.5ⁿ.</summary>
        public static double StraightSlope(int statements) => 2 - Math.Pow(0.5, statements);

        public static string FullTemplate =>
            Template + Straight("SmallBody", SmallStatements) + Straight("LargeBody", LargeStatements);

        /// <summary>The source compiled for one precision.</summary>
        public static string Text(Precision precision) =>
            SourceTemplate.One(FullTemplate, precision, precision == Precision.Double ? Mixed : string.Empty);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Inlining_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Inlining_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string Type = "Numerics.Inlining.Inl_real";
        public const string OtherType = "Numerics.Inlining.Other_real";
        public const string ModelType = "Numerics.Inlining.Model_real";
        public const string MixedType = "Numerics.Inlining.Mixed";
        public const string StructType = "Numerics.Inlining.Pt_real";
    }

    /// <summary>
    /// Derivatives through inlined calls (see <see cref="InliningSource"/>) against closed forms, central finite
    /// differences and forward/reverse agreement (<see cref="DerivativeCheck"/>); the generated files show which calls
    /// were inlined.
    /// </summary>
    public abstract class InliningTests : PrecisionTestBase
    {
        protected InliningTests(Precision precision)
            : base(InliningSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<double[], double[]>? closedForm) =>
            DerivativeCheck.GradientOfScalars(Fn(InliningSource.Type, method), points, closedForm);

        /// <summary>A value and its derivative along one direction (forward-mode arithmetic for the closed forms).</summary>
        private readonly struct Dual
        {
            public Dual(double v, double d)
            {
                V = v;
                D = d;
            }

            public double V { get; }

            public double D { get; }

            public static Dual operator +(Dual a, Dual b) => new Dual(a.V + b.V, a.D + b.D);

            public static Dual operator -(Dual a, Dual b) => new Dual(a.V - b.V, a.D - b.D);

            public static Dual operator *(Dual a, Dual b) => new Dual(a.V * b.V, a.D * b.V + a.V * b.D);

            public static Dual operator *(double c, Dual a) => new Dual(c * a.V, c * a.D);

            public static Dual operator /(Dual a, double c) => new Dual(a.V / c, a.D / c);

            public static Dual Sin(Dual a) => new Dual(Math.Sin(a.V), Math.Cos(a.V) * a.D);

            public static Dual Cos(Dual a) => new Dual(Math.Cos(a.V), -Math.Sin(a.V) * a.D);
        }

        /// <summary>The gradient over the first <paramref name="n"/> arguments of a function of Duals.</summary>
        private static double[] Grad(double[] a, int n, Func<Dual[], Dual> f) =>
            Enumerable.Range(0, n).Select(k => f(Enumerable.Range(0, n).Select(i => new Dual(a[i], i == k ? 1 : 0)).ToArray()).D).ToArray();

        // The callees of the source, by hand.
        private static Dual Doubled(Dual x) => 4 * x * x;

        private static Dual SinTimes(Dual a, Dual b) => Dual.Sin(a) * b;

        private static Dual Branchy(Dual x, int n)
        {
            if (x.V > 2)
            {
                return 3 * x;
            }

            var s = new Dual(0, 0);
            for (int i = 0; i < n; i++)
            {
                s = i % 2 == 0 ? s + x * x : s + x;
                if (s.V > 8)
                {
                    return s;
                }
            }

            return s * x;
        }

        private static Dual BreakContinue(Dual x, int n)
        {
            var s = new Dual(0, 0);
            var p = new Dual(1, 0);
            for (int i = 1; i <= n; i++)
            {
                p = p * x;
                if (i == 2)
                {
                    continue;
                }

                if (i > 4)
                {
                    break;
                }

                s = s + (i % 2 == 1 ? 0.5 * p : p);
            }

            return s;
        }

        private static Dual FirstAbove(Dual x, int n)
        {
            for (int i = 0; i < n; i++)
            {
                if (x.V * i > 1)
                {
                    return i * x;
                }
            }

            return 0.5 * x;
        }

        private static Dual Damped(Dual s) => 0.5 * Dual.Sin(s) * s;

        private static Dual SameNames(Dual x, int n)
        {
            var t1 = 0.5 * x;
            var s = new Dual(0, 0);
            for (int i = 0; i < n; i++)
            {
                s = s + i * (t1 * x);
            }

            return s + t1;
        }

        private static Dual Level3(Dual x) => Dual.Sin(x) * x;

        private static Dual Level2(Dual x, Dual y) => Level3(x * y) + Level3(y) * x;

        private static Dual Ping(Dual x, int depth) => depth <= 0 ? x : Pong(0.5 * x, depth - 1) + Dual.Sin(x);

        private static Dual Pong(Dual x, int depth) => depth <= 0 ? x * x : Ping(x, depth - 1) * x;

        private static (Dual X, Dual Y) Polar(Dual r, Dual t) => (r * Dual.Cos(t), r * Dual.Sin(t));

        private static Dual Series(Dual x, int n)
        {
            var s = new Dual(0, 0);
            var p = new Dual(1, 0);
            for (int i = 0; i < n; i++)
            {
                p = p * x;
                s = s + p / (i + 1);
            }

            return s;
        }

        // ----- a callee that assigns its own parameter ------------------------------------------------------------------

        [Fact]
        public void CalleeAssigningItsParameter() => Check("CallsDoubled",
            Points(P(0.7), P(-1.3)),
            a => new[] { 8 * a[0] });

        [Fact]
        public void CallerVariableUnchangedByCalleeAssignment() => Check("CallerVariableKept",
            Points(P(0.7), P(-1.3)),
            a => new[] { 10 * a[0] });

        [Fact]
        public void ConstantForAssignedParameter() => Check("ConstantArgument",
            Points(P(0.7), P(-1.3)),
            a => new[] { 9.0 });

        [Fact]
        public void IntLiteralForRealParameter() => Check("IntLiteralArgument",
            Points(P(0.7), P(-1.3)),
            a => new[] { 1.0 });

        // ----- expression arguments -----------------------------------------------------------------------------------------

        [Fact]
        public void ExpressionArgument() => Check("ExpressionArgument",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a =>
            {
                double x = a[0], y = a[1], u = x * y + 1;
                return new[] { 8 * u * y, 8 * u * x };
            });

        [Fact]
        public void ArgumentsSwappedOnParametersOfTheCalleesNames() => Check("SwappedArguments",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => new[] { Math.Sin(a[1]), a[0] * Math.Cos(a[1]) });

        [Fact]
        public void SameVariableForTwoParameters() => Check("SameVariableTwice",
            Points(P(0.7, -1.3), P(-2.5, 0.4)),
            a => new[] { Math.Sin(a[0]) + a[0] * Math.Cos(a[0]), 1.0 });

        [Fact]
        public void CallAsArgumentOfCall() => Check("CallAsArgument",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a =>
            {
                double x = a[0], y = a[1], u = Math.Sin(x) * y;
                return new[] { 8 * u * Math.Cos(x) * y, 8 * u * Math.Sin(x) };
            });

        [Fact]
        public void OptionalAndNamedArguments() => Check("DefaultArgument",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => new[] { 4 * a[0] + 6 * a[0] * a[1] * a[1], 6 * a[0] * a[0] * a[1] });

        [Fact]
        public void NamedArgumentsOutOfOrder() => Check("NamedArguments",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => new[] { Math.Cos(a[0]) * a[1], Math.Sin(a[0]) });

        // ----- the same callee twice ---------------------------------------------------------------------------------------

        [Fact]
        public void SameCalleeTwiceInOneExpression() => Check("TwiceInOneExpression",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a =>
            {
                double x = a[0], y = a[1];
                double p = Math.Sin(x) * y, q = Math.Sin(y) * x;
                double px = Math.Cos(x) * y, py = Math.Sin(x), qx = Math.Sin(y), qy = Math.Cos(y) * x;
                return new[] { px * q + p * qx + px, py * q + p * qy + py };
            });

        [Fact]
        public void AssigningCalleeThreeTimes() => Check("ThreeTimesAssigning",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => new[] { 8 * a[0] + 8 * (a[0] + a[1]), 8 * a[1] + 8 * (a[0] + a[1]) });

        // ----- control flow in the callee -----------------------------------------------------------------------------------

        [Fact]
        public void CalleeWithLoopBranchAndEarlyReturns() => Check("CallsBranchy",
            Points(
                P(0.7, -1.3, 4), // xy < 0: the loop runs to the end
                P(0.5, 1.5, 3),
                P(1.5, 1.9, 5), // xy > 2: the first return
                P(1.1, 1.6, 6), // s > 8 in the loop: the second return
                P(0.3, 0.9, 0)),
            a => Grad(a, 2, d => Branchy(d[0] * d[1], (int)a[2]) + Branchy(d[1], (int)a[2] + 1)));

        [Fact]
        public void CalleeWithBreakAndContinueInCallerLoop() => Check("BreakContinueInLoop",
            Points(P(0.7, 6, 3), P(-0.9, 3, 4), P(1.2, 2, 2), P(0.5, 6, 0)),
            a => Grad(a, 1, d =>
            {
                var s = d[0];
                for (int j = 0; j < (int)a[2]; j++)
                {
                    s = 0.25 * BreakContinue(s, (int)a[1]) + d[0];
                }

                return s;
            }));

        [Fact]
        public void CalleeWithSteppedLoopAndContinueInCallerLoop() => Check("CallsStrided",
            Points(P(0.7, 3), P(-0.9, 5), P(0.3, 0)),
            a => Grad(a, 1, d =>
            {
                var s = new Dual(0, 0);
                int n = (int)a[1];
                for (int i = 0; i < n; i++)
                {
                    var u = d[0] + 0.01 * s;
                    var sum = new Dual(0, 0);
                    for (int j = 0; j < n + i; j += 2)
                    {
                        if (j != 2)
                        {
                            sum = sum + j * u;
                        }
                    }

                    s = s + sum * u;
                }

                return s;
            }));

        [Fact]
        public void EarlyReturningCalleeTwice() => Check("CallsFirstAbove",
            Points(P(0.7, 1.3), P(0.3, 2.5), P(1.5, 0.2), P(-0.7, 0.4)),
            a => Grad(a, 2, d => FirstAbove(d[0], 3) + FirstAbove(d[0] * d[1], 3)));

        // ----- callees in the caller's loops and branches ----------------------------------------------------------------------

        [Fact]
        public void CalleeInCallerLoop() => Check("CallInLoop",
            Points(P(0.7, 4), P(-0.9, 6), P(0.3, 0)),
            a => Grad(a, 1, d =>
            {
                var s = d[0];
                for (int i = 0; i < (int)a[1]; i++)
                {
                    s = Damped(s) + d[0];
                }

                return s;
            }));

        [Fact]
        public void CalleeInCompoundAssignmentInWhileLoop() => Check("CompoundInWhile",
            Points(P(0.7, 1.3, 4), P(-0.9, 0.5, 3), P(0.3, 2.0, 0)),
            a => Grad(a, 2, d =>
            {
                var s = d[0];
                for (int i = 0; i < (int)a[2]; i++)
                {
                    s = s + Damped(s * d[1]);
                }

                return s;
            }));

        [Fact]
        public void CalleeInDoWhileLoop() => Check("CallInDoWhile",
            Points(P(0.7, 4), P(-0.9, 1), P(0.3, 0)),
            a => Grad(a, 1, d =>
            {
                var s = d[0];
                int k = 0;
                do
                {
                    s = Damped(s) + d[0];
                    k++;
                }
                while (k < (int)a[1]);
                return s;
            }));

        [Fact]
        public void CalleeInSwitchCases() => Check("CallInSwitch",
            Points(P(0.7, 0), P(-0.9, 1), P(0.3, 2), P(1.1, 7)),
            a => Grad(a, 1, d => (int)a[1] switch
            {
                0 => Damped(d[0]),
                1 => 0.1 * Doubled(d[0]),
                _ => SinTimes(d[0], d[0]),
            }));

        [Fact]
        public void CalleeInCallerBranches() => Check("CallInBranch",
            Points(P(0.7, -1.3), P(-0.5, 1.5)),
            a => Grad(a, 2, d => a[0] > a[1] ? Doubled(d[0] - d[1]) : Damped(d[0]) * d[1]));

        [Fact]
        public void CalleeInConditionalExpression() => Check("CallInConditional",
            Points(P(0.7, -1.3), P(-0.5, 1.5)),
            a => Grad(a, 2, d => a[0] > 0 ? Doubled(d[0]) : SinTimes(d[0], d[1])));

        /// <summary>
        /// An early-returning callee (its return flag set inside its loop) run on every iteration of the caller's loop:
        /// its flag must start unset on each run, as in a call (it was once set only where the caller declares its
        /// locals, so every iteration after an early return reused the stale result).
        /// </summary>
        [Fact]
        public void EarlyReturningCalleeInCallerLoop() => Check("EarlyReturnInLoop",
            Points(P(0.7, 3), P(0.45, 5), P(0.3, 4), P(-0.6, 2), P(0.7, 1)),
            a => Grad(a, 1, d =>
            {
                var s = d[0];
                for (int k = 0; k < (int)a[1]; k++)
                {
                    s = 0.6 * FirstAbove(s, 3) + d[0];
                }

                return s;
            }));

        [Fact]
        public void CalleeLocalsNamedLikeCallerLocals() => Check("CallsSameNames",
            Points(P(0.7, 3), P(-1.1, 4), P(0.4, 0)),
            a => Grad(a, 1, d =>
            {
                var s = d[0];
                var t1 = new Dual(0, 0);
                var result = new Dual(1, 0);
                for (int i = 0; i < (int)a[1]; i++)
                {
                    t1 = SameNames(s, i + 2);
                    result = 0.5 * result + t1 * d[0];
                    s = s + 0.25 * d[0];
                }

                return result + s * t1;
            }));

        [Fact]
        public void CallerLocalsNamedLikeTheInlinersCopies() => Check("CallerNamesLikeCopies",
            Points(P(0.7, 3), P(-1.1, 4), P(0.4, 0)),
            a => Grad(a, 1, d =>
            {
                var x2 = 0.5 * d[0];
                var s2 = new Dual(0, 0);
                var r2 = new Dual(0, 0);
                for (int i = 0; i < (int)a[1]; i++)
                {
                    s2 = s2 + Doubled(x2) + SameNames(x2 + 0.1 * s2, i);
                    r2 = s2 * d[0];
                }

                return r2 + x2;
            }));

        [Fact]
        public void CallerParametersNamedLikeCalleeLocals() => Check("CallerParametersNamedLikeCalleeLocals",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => Grad(a, 2, d => SameNames(d[0] * d[1], 3) + d[0]));

        [Fact]
        public void CallerAndCalleeBothReturnEarly() => Check("BothReturnEarly",
            Points(P(0.7, 5), P(1.3, 3), P(0.6, 2), P(-0.8, 4), P(2.6, 2)),
            a => Grad(a, 1, d =>
            {
                for (int i = 0; i < (int)a[1]; i++)
                {
                    if (a[0] * i > 2)
                    {
                        return i * FirstAbove(d[0], 4);
                    }
                }

                return FirstAbove(0.5 * d[0], 3);
            }));

        [Fact]
        public void StructInstanceCalleeOnThis()
        {
            var f = Fn(InliningSource.StructType, "Twice", type =>
            {
                var pt = Activator.CreateInstance(type)!;
                type.GetField("K")!.SetValue(pt, Reflect.ConvertArgument(1.5, type.GetField("K")!.FieldType));
                return pt;
            });
            DerivativeCheck.GradientOfScalars(f, Points(P(0.7), P(-1.3)), a => new[] { 10 * 1.5 * a[0] });
            Assert.False(CallsGenerated(Generated(InliningSource.StructType, "Twice"), "Sq"));
        }

        // ----- nesting ---------------------------------------------------------------------------------------------------------

        [Fact]
        public void NestedThreeDeep() => Check("Level1",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => Grad(a, 2, d => Level2(d[0], d[1]) * Level2(d[1], 0.5 * d[0])));

        [Fact]
        public void ChainDeeperThanTheNestingLimit() => Check("Chain1",
            Points(P(0.7), P(-1.3)),
            a =>
            {
                // Chainₖ' = 1.1·Chainₖ₊₁' + 1, Chain7' = cos x
                double d = Math.Cos(a[0]);
                for (int k = 6; k >= 1; k--)
                {
                    d = 1.1 * d + 1;
                }

                return new[] { d };
            });

        [Fact]
        public void MutualRecursionStaysACall() => Check("CallsPingPong",
            Points(P(0.7, -1.3, 0), P(0.7, -1.3, 1), P(1.5, 0.4, 4), P(-0.6, 0.9, 7)),
            a => Grad(a, 2, d => Ping(d[0] * d[1], (int)a[2]) + Pong(d[1], (int)a[2])));

        [Fact]
        public void MutualRecursionEachSide() => Check("Pong",
            Points(P(0.7, 3), P(-1.3, 6)),
            a => Grad(a, 1, d => Pong(d[0], (int)a[1])));

        // ----- tuples --------------------------------------------------------------------------------------------------------------

        [Fact]
        public void TupleValuedCalleeDeconstructed() => Check("Deconstructed",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a => Grad(a, 2, d =>
            {
                var (u, v) = Polar(d[0], d[1]);
                return u * v + u;
            }));

        [Fact]
        public void TupleValuedCalleeDeconstructedIntoItsArguments() => Check("DeconstructedIntoArguments",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a => Grad(a, 2, d =>
            {
                var (p, q) = Polar(d[0], d[1]);
                (p, q) = Polar(p, q);
                return p + 2 * q;
            }));

        [Fact]
        public void ElementOfTupleValuedCallee() => Check("TupleElement",
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a => new[] { 2 * a[0] * Math.Sin(a[1]), a[0] * a[0] * Math.Cos(a[1]) });

        // ----- int parameters ------------------------------------------------------------------------------------------------------

        [Fact]
        public void IntParameterGivenAnExpression() => Check("IntExpressionArgument",
            Points(P(0.7, -1.3, 2), P(0.4, 0.9, 3), P(1.1, 0.5, 0)),
            a => Grad(a, 2, d => Series(d[0], 2 * (int)a[2] + 1) + Series(d[0] * d[1], (int)a[2] - 1) * d[1]));

        // ----- not inlined ---------------------------------------------------------------------------------------------------------

        [Fact]
        public void DirectlyRecursiveCallee() => Check("CallsPower",
            Points(P(0.7, 3), P(-0.6, 4), P(1.3, 0)),
            a =>
            {
                double x = a[0];
                int n = (int)a[1];
                return new[] { n == 0 ? 1 : 2 * n * Math.Pow(2 * x, n - 1) + 1 };
            });

        [Fact]
        public void NoDerivativeParameterGivenVariable() => Check("NoDerivativeVariable",
            Points(P(0.7, 2.5), P(-1.3, -0.75)),
            a => new[] { 2 * a[1] * a[0] });

        [Fact]
        public void NoDerivativeParameterGivenConstant() => Check("NoDerivativeConstant",
            Points(P(0.7), P(-1.3)),
            a => new[] { 5 * a[0] });

        [Fact]
        public void CalleesOfOtherTypes() => Check("OtherTypes",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => new[] { 2 * (a[0] - a[1]) + 3 * a[0] * a[0], -2 * (a[0] - a[1]) });

        [Fact]
        public void CalleeOfCallerTypeFromAnotherType() => DerivativeCheck.GradientOfScalars(Fn(InliningSource.OtherType, "CallsBack"),
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a =>
            {
                double x = a[0], y = a[1];
                // x²·sin(y)·x = x³ sin y
                return new[] { 3 * x * x * Math.Sin(y), x * x * x * Math.Cos(y) };
            });

        [Fact]
        public void SmallCallee() => Check("CallsSmall",
            Points(P(0.7, -1.3), P(-0.2, 0.4)),
            a =>
            {
                double x = a[0], y = a[1], k = InliningSource.StraightSlope(InliningSource.SmallStatements), s = k * x;
                return new[] { Math.Cos(s) * k * y, Math.Sin(s) };
            });

        [Fact]
        public void LargeCallee() => Check("CallsLarge",
            Points(P(0.7, -1.3), P(-0.2, 0.4)),
            a =>
            {
                double x = a[0], y = a[1], k = InliningSource.StraightSlope(InliningSource.LargeStatements), s = k * x;
                return new[] { Math.Cos(s) * k * y, Math.Sin(s) };
            });

        // ----- instance methods ----------------------------------------------------------------------------------------------------

        private DiffFunction Model(string method, double scale, double offset) =>
            Fn(InliningSource.ModelType, method, type => CreateModel(type, scale, offset));

        [Fact]
        public void InstanceCalleeOnThisReadingAField()
        {
            foreach (var scale in new[] { 3.0, -1.25 })
            {
                DerivativeCheck.GradientOfScalars(Model("F", scale, 0.5), Points(P(0.7), P(-1.3)), a => new[] { 2 * scale * a[0] + 1 });
            }
        }

        [Fact]
        public void InstanceCalleeOnExplicitThisReadingFieldPropertyAndConstant() =>
            DerivativeCheck.GradientOfScalars(Model("H", 1.25, -0.75), Points(P(0.7, -1.3), P(0.4, 0.9)),
                a =>
                {
                    double x = a[0], y = a[1];
                    return new[] { 2 * 1.25 * x * y * y * -0.75 + 2, 2 * 1.25 * x * x * y * -0.75 };
                });

        [Fact]
        public void InstanceCalleesTwoDeep()
        {
            foreach (var (scale, offset) in new[] { (3.0, 0.5), (1.25, -0.75) })
            {
                DerivativeCheck.GradientOfScalars(Model("Deep", scale, offset), Points(P(0.7, -1.3), P(0.4, 0.9)), a =>
                {
                    double x = a[0], y = a[1];
                    double f = scale * x * x + x, df = 2 * scale * x + 1;
                    // H(f, y) = S(fy)²·O + K·f
                    return new[] { (2 * scale * f * y * y * offset + 2) * df, 2 * scale * f * f * y * offset - 2 * scale * y };
                });
            }
        }

        [Fact]
        public void InstanceCalleeOnAnotherObject() =>
            DerivativeCheck.GradientOfScalars(Model("OnOther", 1.5, 0.5), Points(P(0.7), P(-1.3)), a => new[] { 2 * 5 * a[0] + 2 * 1.5 * a[0] });

        [Fact]
        public void StaticCalleeFromInstanceCaller() =>
            DerivativeCheck.GradientOfScalars(Model("CallsStatic", 1.5, 0.5), Points(P(0.7), P(-1.3)), a =>
            {
                double x = a[0], g = 1.5 * x * x, dg = 3 * x, q = Math.Sin(x) * x, dq = Math.Cos(x) * x + Math.Sin(x);
                return new[] { dg * q + g * dq };
            });

        // ----- the generated code shows what was inlined -------------------------------------------------------------------------

        private string Generated(string type, string method)
        {
            var key = SourceTemplate.Instantiate(type, Precision).Replace('+', '.') + "." + method + ".g.cs";
            Assert.True(Source.Run.GeneratedSources.TryGetValue(key, out var text), $"No generated file {key}.\n" + Source.Run.Describe(includeSources: false));
            return text!;
        }

        /// <summary>Whether the caller's generated file calls a generated method of <paramref name="callee"/>.</summary>
        internal static bool CallsGenerated(string text, string callee) =>
            Regex.IsMatch(text, @"(?<![A-Za-z0-9_])" + Regex.Escape(callee) + @"(Forward|Reverse|ReverseTangent)\(");

        [Theory]
        [InlineData("CallsDoubled", "Doubled")]
        [InlineData("ExpressionArgument", "Doubled")]
        [InlineData("TwiceInOneExpression", "SinTimes")]
        [InlineData("DefaultArgument", "WithDefault")]
        [InlineData("NamedArguments", "SinTimes")]
        [InlineData("CallsStrided", "Strided")]
        [InlineData("CallsBranchy", "Branchy")]
        [InlineData("CallInLoop", "Damped")]
        [InlineData("CallInDoWhile", "Damped")]
        [InlineData("CallInSwitch", "Damped")]
        [InlineData("CallInSwitch", "Doubled")]
        [InlineData("CallInSwitch", "SinTimes")]
        [InlineData("CallInBranch", "Doubled")]
        [InlineData("CallInConditional", "Doubled")]
        [InlineData("CompoundInWhile", "Damped")]
        [InlineData("BreakContinueInLoop", "BreakContinue")]
        [InlineData("CallsSameNames", "SameNames")]
        [InlineData("CallerNamesLikeCopies", "SameNames")]
        [InlineData("CallerNamesLikeCopies", "Doubled")]
        [InlineData("BothReturnEarly", "FirstAbove")]
        [InlineData("EarlyReturnInLoop", "FirstAbove")]
        [InlineData("Level1", "Level2")]
        [InlineData("Level1", "Level3")]
        [InlineData("Deconstructed", "Polar")]
        [InlineData("TupleElement", "Polar")]
        [InlineData("IntExpressionArgument", "Series")]
        [InlineData("NoDerivativeConstant", "Scaled")]
        [InlineData("CallsSmall", "SmallBody")]
        [InlineData("Chain1", "Chain5")]
        public void InlinedCalleeIsNotCalled(string caller, string callee)
        {
            var text = Generated(InliningSource.Type, caller);
            Assert.False(CallsGenerated(text, callee), $"{caller} calls {callee}'s generated methods, though {callee} should be inlined:\n{text}");
        }

        [Theory]
        [InlineData("CallsPower", "Power")]
        [InlineData("Power", "Power")]
        [InlineData("NoDerivativeVariable", "Scaled")]
        [InlineData("OtherTypes", "Square")]
        [InlineData("OtherTypes", "Cube")]
        [InlineData("CallsLarge", "LargeBody")]
        [InlineData("Chain1", "Chain6")]
        public void CalleeThatIsNotInlinedIsCalled(string caller, string callee)
        {
            var text = Generated(InliningSource.Type, caller);
            Assert.True(CallsGenerated(text, callee), $"{caller} does not call {callee}'s generated methods, though {callee} cannot be inlined:\n{text}");
        }

        [Fact]
        public void OnlyTheCalleesOfTheCallersOwnTypeAreInlined()
        {
            // Other_real.CallsBack: Square (its own type) inlined, Inl_real.SinTimes called.
            var text = Generated(InliningSource.OtherType, "CallsBack");
            Assert.False(CallsGenerated(text, "Square"), text);
            Assert.True(CallsGenerated(text, "SinTimes"), text);
        }

        [Fact]
        public void MutualRecursionInlinesOneLevelThenCalls()
        {
            // Ping inlines Pong, whose call back to Ping stays a call; likewise Pong.
            var ping = Generated(InliningSource.Type, "Ping");
            Assert.False(CallsGenerated(ping, "Pong"), ping);
            Assert.True(CallsGenerated(ping, "Ping"), ping);
            var pong = Generated(InliningSource.Type, "Pong");
            Assert.False(CallsGenerated(pong, "Ping"), pong);
            Assert.True(CallsGenerated(pong, "Pong"), pong);
            var both = Generated(InliningSource.Type, "CallsPingPong");
            Assert.True(CallsGenerated(both, "Ping") || CallsGenerated(both, "Pong"), both);
        }

        [Fact]
        public void InstanceCalleesInlinedOnThisButNotOnAnotherObject()
        {
            Assert.False(CallsGenerated(Generated(InliningSource.ModelType, "F"), "G"));
            Assert.False(CallsGenerated(Generated(InliningSource.ModelType, "H"), "G"));
            var deep = Generated(InliningSource.ModelType, "Deep");
            Assert.False(CallsGenerated(deep, "H") || CallsGenerated(deep, "F") || CallsGenerated(deep, "G"), deep);
            Assert.False(CallsGenerated(Generated(InliningSource.ModelType, "CallsStatic"), "Square"));
            var other = Generated(InliningSource.ModelType, "OnOther");
            Assert.True(other.Contains("Other.GForward(", StringComparison.Ordinal) && other.Contains("Other.GReverse(", StringComparison.Ordinal), other);
        }

        private static object CreateModel(Type type, double scale, double offset)
        {
            var model = Activator.CreateInstance(type)!;
            var fieldType = type.GetField("Scale")!.FieldType;
            type.GetField("Scale")!.SetValue(model, Reflect.ConvertArgument(scale, fieldType));
            type.GetProperty("Offset")!.SetValue(model, Reflect.ConvertArgument(offset, fieldType));
            return model;
        }
    }

    public sealed class InliningTests_Double : InliningTests
    {
        public InliningTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class InliningTests_Float : InliningTests
    {
        public InliningTests_Float()
            : base(Precision.Float)
        {
        }
    }

    /// <summary>Inlined callees whose real parameters have another precision than the argument (double source only).</summary>
    public sealed class InliningMixedPrecisionTests : PrecisionTestBase
    {
        public InliningMixedPrecisionTests()
            : base(InliningSource.For, Precision.Double)
        {
        }

        [Fact]
        public void FloatArgumentForDoubleParameter() => DerivativeCheck.GradientOfScalars(
            Plain(InliningSource.MixedType, "FloatCaller"),
            Points(P(0.7f), P(-1.3f)),
            a => new[] { 18 * a[0] + 1 },
            Tolerance.Float);

        [Fact]
        public void DoubleArgumentForFloatParameter() => DerivativeCheck.GradientOfScalars(
            Plain(InliningSource.MixedType, "DoubleCaller", floatArithmetic: true),
            Points(P(0.7), P(-1.3)),
            a => new[] { 3 * a[0] * a[0] + 2 },
            Tolerance.Float);

        [Fact]
        public void MixedPrecisionCalleesAreInlined()
        {
            foreach (var (caller, callee) in new[] { ("FloatCaller", "Wide"), ("DoubleCaller", "Narrow") })
            {
                var text = Source.Run.GeneratedSources["Numerics.Inlining.Mixed." + caller + ".g.cs"];
                Assert.False(InliningTests.CallsGenerated(text, callee), text);
            }
        }
    }
}
