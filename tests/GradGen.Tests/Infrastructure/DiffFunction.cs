using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Xunit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// A scalar [Differentiable] method of a loaded test source, and its generated FForward / FGradient / FReverse,
    /// called by reflection following the contract:
    ///   FForward(p..., d...)            -> (R Value, R Tangent), d: one T per differentiable parameter
    ///   FGradient(p..., out d...)       -> R
    ///   FReverse(p..., R seed, ref d...) -> R
    /// Differentiable parameters: double/float not marked [NoDerivative]; all others pass through.
    /// </summary>
    public sealed class DiffFunction
    {
        private MethodInfo? _forward, _gradient, _reverse;

        public DiffFunction(LoadedSource source, Type type, string name, object? target = null, DiffFunction? twin = null, bool? floatMode = null)
        {
            Source = source;
            Type = type;
            Name = name;
            Primal = Reflect.TryFindMethod(type, name)
                ?? throw new InvalidOperationException($"TEST BUG: {type.FullName}.{name} does not exist (or is overloaded).");
            Target = Primal.IsStatic ? null : target ?? Activator.CreateInstance(type);
            Twin = twin;
            Parameters = Primal.GetParameters();
            Active = Enumerable.Range(0, Parameters.Length).Where(i => IsDifferentiable(Parameters[i])).ToArray();
            FloatMode = floatMode
                ?? (Primal.ReturnType == typeof(float) || Active.Any(i => Parameters[i].ParameterType == typeof(float)));
        }

        public LoadedSource Source { get; }

        public Type Type { get; }

        public string Name { get; }

        public object? Target { get; }

        public MethodInfo Primal { get; }

        public ParameterInfo[] Parameters { get; }

        /// <summary>Indices of the differentiable parameters, in declaration order.</summary>
        public int[] Active { get; }

        /// <summary>
        /// True when float arithmetic is involved (float return or a float differentiable parameter, or said so):
        /// float tolerances and float finite-difference steps.
        /// </summary>
        public bool FloatMode { get; }

        /// <summary>For a float method: the same method instantiated in double (used as the finite-difference truth).</summary>
        public DiffFunction? Twin { get; }

        public Type ReturnType => Primal.ReturnType;

        public string Label => Type.Name + "." + Name;

        public static bool IsDifferentiable(ParameterInfo p) =>
            (p.ParameterType == typeof(double) || p.ParameterType == typeof(float))
            && !p.CustomAttributes.Any(a => a.AttributeType.FullName == "GradGen.NoDerivativeAttribute");

        /// <summary>Contract name of the derivative parameter of <paramref name="primalName"/>: d + first letter upper-cased.</summary>
        public static string DerivativeName(string primalName, string prefix = "d") =>
            prefix + char.ToUpperInvariant(primalName[0]) + primalName.Substring(1);

        public MethodInfo ForwardMethod => _forward ??= Find(Name + "Forward", Parameters.Length + Active.Length);

        public MethodInfo GradientMethod => _gradient ??= Find(Name + "Gradient", Parameters.Length + Active.Length);

        public MethodInfo ReverseMethod => _reverse ??= Find(Name + "Reverse", Parameters.Length + 1 + Active.Length);

        private MethodInfo Find(string name, int parameterCount) =>
            Reflect.FindMethod(Type, name, parameterCount, () => Source.Describe(Type.Name + "." + Name));

        public double Value(object?[] args) => Reflect.ToDouble(Reflect.Call(Primal, Target, args).Result);

        public (double Value, double Tangent) Forward(object?[] args, double[] tangent)
        {
            CheckLength(tangent);
            var all = args.Concat(tangent.Cast<object?>()).ToArray();
            return Reflect.ReadPair(Reflect.Call(ForwardMethod, Target, all).Result);
        }

        /// <summary>Calls FGradient. The out slots are pre-filled with garbage to show they are overwritten.</summary>
        public (double Value, double[] Gradient) Gradient(object?[] args)
        {
            var all = args.Concat(Active.Select(_ => (object?)12345.0)).ToArray();
            var (result, after) = Reflect.Call(GradientMethod, Target, all);
            var g = Active.Select((_, k) => Reflect.ToDouble(after[args.Length + k])).ToArray();
            return (Reflect.ToDouble(result), g);
        }

        /// <summary>Calls FReverse once with the given seed; <paramref name="adjoint"/> is the ref arguments' initial content.</summary>
        public (double Value, double[] Adjoint) Reverse(object?[] args, double seed, double[] adjoint)
        {
            CheckLength(adjoint);
            var all = args.Append(seed).Concat(adjoint.Cast<object?>()).ToArray();
            var (result, after) = Reflect.Call(ReverseMethod, Target, all);
            var a = Active.Select((_, k) => Reflect.ToDouble(after[args.Length + 1 + k])).ToArray();
            return (Reflect.ToDouble(result), a);
        }

        /// <summary>
        /// Central differences of the primal over the differentiable parameters. Double steps (1e-6) normally;
        /// float steps (1e-3, with the rounded step as denominator) when float arithmetic is involved.
        /// </summary>
        public double[] FiniteDifferenceGradient(object?[] args)
        {
            var g = new double[Active.Length];
            for (int k = 0; k < Active.Length; k++)
            {
                int i = Active[k];
                double x = Reflect.ToDouble(args[i]);
                double h = FloatMode ? FiniteDifference.FloatStep(x) : FiniteDifference.Step(x);
                var plus = (object?[])args.Clone();
                var minus = (object?[])args.Clone();
                var type = Parameters[i].ParameterType;
                plus[i] = Reflect.ConvertArgument(x + h, type);
                minus[i] = Reflect.ConvertArgument(x - h, type);
                double step = Reflect.ToDouble(plus[i]) - Reflect.ToDouble(minus[i]);
                g[k] = (Value(plus) - Value(minus)) / step;
            }

            return g;
        }

        /// <summary>The arguments converted to the parameter types (so that a float method sees float inputs).</summary>
        public object?[] Arguments(object?[] args)
        {
            if (args.Length != Parameters.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label} takes {Parameters.Length} arguments, {args.Length} given.");
            }

            return args.Select((a, i) => Reflect.ConvertArgument(a, Parameters[i].ParameterType)).ToArray();
        }

        public string Describe(object?[] args) =>
            Label + "(" + string.Join(", ", args.Select((a, i) => Parameters[i].Name + "=" + Format(a))) + ")";

        private static string Format(object? a) => a switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
            null => "null",
            _ => Convert.ToString(a, CultureInfo.InvariantCulture) ?? string.Empty,
        };

        private void CheckLength(double[] values)
        {
            if (values.Length != Active.Length)
            {
                throw new ArgumentException($"TEST BUG: {Label} has {Active.Length} differentiable parameters, {values.Length} values given.");
            }
        }
    }
}
