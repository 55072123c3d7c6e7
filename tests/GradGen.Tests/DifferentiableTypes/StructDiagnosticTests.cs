using System.Linq;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.DifferentiableTypes
{
    /// <summary>
    /// What GradGen does not follow through a struct yet is an error where it is written, never a silent constant; the
    /// methods next to it are still generated.
    /// </summary>
    public class StructDiagnosticTests
    {
        private const string Types = @"
    public struct Vec
    {
        public double X;
        public double Y;
        public double Length => Math.Sqrt(X * X + Y * Y);
        private static double Sq(double a) => a * a;
        public double Norm2 => Sq(X) + Sq(Y);
        public double Twice { get { var t = 2 * X; return t; } }
        public double Loop => Loop + X;
        public double Matched => X is var v ? v : 0;
        public Vec this[double s] => new Vec { X = X * s, Y = Y };
        public Vec Scaled(double s) => new Vec { X = X * s, Y = Y * s };
        public static Vec operator +(Vec a, Vec b) => new Vec { X = a.X + b.X, Y = a.Y + b.Y };
    }
    public readonly struct Unit
    {
        public readonly double X;
        public readonly double Y;
        public Unit(double x, double y) { var n = Math.Sqrt(x * x + y * y); X = x / n; Y = y / n; }
    }
    public sealed class Ph
    {
        public double R = 2;
        public static implicit operator System.Numerics.Complex(Ph p) => System.Numerics.Complex.FromPolarCoordinates(p.R, 1);
    }
    public struct Both
    {
        public double X;
        public double Y;
        public Both(double x, double y) { var n = Math.Sqrt(x * x + y * y); X = x / n; Y = y / n; }
    }";

        [Theory]
        [InlineData("double Bad(Vec v) => {|GG0005:v.Norm2|};", "'Sq', not accessible here")]
        [InlineData("double Bad(Vec v) => {|GG0005:v.Twice|};", "not one expression")]
        [InlineData("double Bad(Vec v) => {|GG0005:v.Loop|};", "reads itself")]
        [InlineData("double Bad(Vec v) => {|GG0005:v.Matched|};", "whose body has this error: this pattern")]
        [InlineData("double Bad(Vec v) { var w = {|GG0005:v[2.0]|}; return w.X; }", "struct expression")]
        [InlineData("double Bad(double x, [NoDerivative] Ph p) { System.Numerics.Complex z = {|GG0005:p|}; return (z * x).Imaginary; }", "struct expression")]
        [InlineData("double Bad(Vec v) { if (v.X > 0 && {|GG0005:v.Scaled(2).X|} > 0) { return v.X; } return v.Y; }", "in a condition")]
        [InlineData("float Bad(System.ReadOnlySpan<float> s, float x) { var v = {|GG0005:new System.Numerics.Vector3(s)|}; return v.X * x; }", "Vector3")]
        [InlineData("double Bad(Vec v) { var w = {|GG0005:v.X > 0 ? v : default|}; return w.X; }", "choice")]
        [InlineData("double Bad(double x) { var b = {|GG0005:new Both(x, 1)|}; return b.X; }", "does more than store")]
        [InlineData("double Bad(Vec v, double t) => t > 0 ? Take({|GG0005:Doubled(v)|}) : 0;", "inside a condition")]
        [InlineData("double Bad(Vec v) { var w = {|GG0005:v + v|}; return w.X; }", "mark it [Differentiable]")]
        [InlineData("double Bad(Vec v, double t) => Take({|GG0005:t > 0 ? v : default|});", "choice")]
        [InlineData("float Bad(System.Numerics.Vector3 v) { var r = {|GG0005:System.Numerics.Matrix4x4.CreateWorld(v, v, v)|}; return r.M11; }", "CreateWorld")]
        [InlineData("float Bad(System.Numerics.Plane p) { var r = {|GG0005:System.Numerics.Matrix4x4.CreateReflection(p)|}; return r.M11; }", "CreateReflection")]
        public async Task NotFollowedYet_IsAnErrorWhereItIsWritten(string method, string message)
        {
            var v = await MarkupVerifier.VerifyAsync(Source(@"
        private static double Norm(Vec v) => v.X + v.Y;
        private static Vec Twice(Vec v) => new Vec { X = 2 * v.X, Y = 2 * v.Y };
        [Differentiable] public static double Take(Vec v) => v.X * v.Y;
        [Differentiable] public static Vec Doubled(Vec v) => new Vec { X = 2 * v.X, Y = 2 * v.Y };
        [Differentiable] public static " + method, extraTypes: Types));
            v.AssertMessage("GG0005", message);
            Assert.Empty(v.Run.GeneratedSources.Keys.Where(k => k.Contains(".Bad.")));
            Assert.Single(v.Run.GeneratedSources.Keys.Where(k => k.Contains(".Take.")));
        }

        /// <summary>A struct given to a method GradGen does not see into: the call has no derivative (GG0003, whose fix writes the [DerivativeOf] stubs).</summary>
        [Fact]
        public Task AStructPassedToAPlainMethod_IsANonDifferentiableCall() => MarkupVerifier.VerifyAsync(Source(@"
        private static double Norm(Vec v) => v.X + v.Y;
        private static Vec Twice(Vec v) => new Vec { X = 2 * v.X, Y = 2 * v.Y };
        [Differentiable] public static double Bad(Vec v) => {|GG0003:Norm(v)|};
        [Differentiable] public static double Worse(Vec v) { var w = {|GG0003:Twice(v)|}; return w.X; }", extraTypes: Types));

        [Fact]
        public async Task AStructWhoseOnlyConstructorNormalises_IsNoDifferentiableValue()
        {
            // Unit cannot be made from its fields (its constructor changes them), so a derivative could not be returned in it.
            var v = await MarkupVerifier.VerifyAsync(Source("        [Differentiable] public static double Bad({|GG0019:Unit u|}) => u.X;", extraTypes: Types));
            v.AssertMessage("GG0019", "Unit");
        }

        [Fact]
        public async Task ConstantStructData_IsReadAsConstants()
        {
            var v = await MarkupVerifier.VerifyAsync(Source(@"
        private static readonly Vec Offset = new Vec { X = 1, Y = 2 };
        [Differentiable] public static double Fine2(double x, [NoDerivative] Vec scale)
        {
            var o = Offset;
            var s = scale;
            return s.X * x * x + o.Y * x;
        }", extraTypes: Types));
            var (value, gradient) = Gradient(v.Assembly, "Fine2", 1.5, Make(v.Assembly, 3.0, 0.0));
            Assert.Equal(3 * 1.5 * 1.5 + 2 * 1.5, value, 12);
            Assert.Equal(2 * 3 * 1.5 + 2, Assert.Single(gradient), 12);
        }

        [Theory]
        [InlineData("double Bad(Vec[] vs) { {|GG0004:vs[0]|} = new Vec { X = 1 }; return vs[1].X; }", "GG0004", "the parameter 'vs'")]
        [InlineData("double Bad(Vec[] vs) { {|GG0004:vs[0].X|} += 1; return vs[1].X; }", "GG0004", "the parameter 'vs'")]
        [InlineData("double Bad(Vec[] vs) { {|GG0004:vs[0].X|}++; return vs[1].X; }", "GG0004", "the parameter 'vs'")]
        [InlineData("double Bad({|GG0002:System.Span<Vec> vs|}) => vs[0].X;", "GG0002", "ReadOnlySpan")]
        [InlineData("{|GG0002:Vec[]|} Bad(Vec[] vs) => vs;", "GG0002", "return double or float")]
        [InlineData("double Bad(Vec[] vs) => Count({|GG0005:vs|});", "GG0005", "as a whole")]
        [InlineData("double Bad(Vec[] vs) { var w = {|GG0005:vs|}; return w[0].X; }", "GG0005", "referring to the parameter 'vs'")]
        [InlineData("double Bad(double x) { var a = {|GG0005:System.Array.Empty<Vec>()|}; return a.Length * x; }", "GG0005", "new P[n]")]
        [InlineData("double Bad(Vec[] vs) { var s = 0.0; while (s < 5 && Sum({|GG0005:vs|}) > s) { s += 1; } return s; }", "GG0005", "in a condition")]
        public async Task ArraysOfStructs_WhatIsNotFollowed_IsAnErrorWhereItIsWritten(string method, string id, string message)
        {
            var v = await MarkupVerifier.VerifyAsync(Source(@"
        private static int Count(Vec[] vs) => vs.Length;
        [Differentiable] public static double Take(Vec v) => v.X * v.Y;
        [Differentiable] public static double Sum(Vec[] vs) { var s = 0.0; foreach (var v in vs) { s += v.X; } return s; }
        [Differentiable] public static " + method, extraTypes: Types));
            v.AssertMessage(id, message);
            Assert.DoesNotContain(v.Run.GeneratedSources.Keys, k => k.Contains(".Bad."));
            Assert.Contains(v.Run.GeneratedSources.Keys, k => k.Contains(".Sum."));
        }

        /// <summary>An array of structs marked [NoDerivative] is constant data: its elements read as constants.</summary>
        [Fact]
        public async Task ANoDerivativeArrayOfStructs_IsReadAsConstants()
        {
            var v = await MarkupVerifier.VerifyAsync(Source(@"
        [Differentiable] public static double Fine2(double x, [NoDerivative] Vec[] scale)
        {
            var s = 0.0;
            foreach (var c in scale) { s += c.X * x * x; }
            return s + scale[1].Y * x;
        }", extraTypes: Types));
            var scale = System.Array.CreateInstance(v.Assembly.GetType("Diag.Vec")!, 2);
            scale.SetValue(Make(v.Assembly, 3.0, 0.0), 0);
            scale.SetValue(Make(v.Assembly, 1.0, 2.0), 1);
            var (value, gradient) = Gradient(v.Assembly, "Fine2", 1.5, scale);
            Assert.Equal(4 * 1.5 * 1.5 + 2 * 1.5, value, 12);
            Assert.Equal(2 * 4 * 1.5 + 2, Assert.Single(gradient), 12);
        }

        private static object Make(System.Reflection.Assembly assembly, double x, double y) =>
            StructLeaves.Make(assembly.GetType("Diag.Vec")!, x, y);

        private static (double Value, double[] Gradient) Gradient(System.Reflection.Assembly assembly, string name, params object[] args)
        {
            var (value, outs) = Reflect.Invoke(assembly.GetType("Diag.T")!, name + "Gradient", args.Append(null).ToArray());
            return (Reflect.ToDouble(value), new[] { Reflect.ToDouble(outs[args.Length]) });
        }
    }
}
