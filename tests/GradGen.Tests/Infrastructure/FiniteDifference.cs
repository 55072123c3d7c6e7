using System;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>Central finite differences: the "no knowledge of the generator" truth for derivatives.</summary>
    public static class FiniteDifference
    {
        /// <summary>Step for a double argument: 1e-6 · max(1, |x|).</summary>
        public static double Step(double x) => 1e-6 * Math.Max(1.0, Math.Abs(x));

        /// <summary>Step for a float argument (evaluated in float): 1e-3 · max(1, |x|).</summary>
        public static double FloatStep(double x) => 1e-3 * Math.Max(1.0, Math.Abs(x));

        /// <summary>(f(x + h) − f(x − h)) / 2h with h = <see cref="Step"/>.</summary>
        public static double Derivative(Func<double, double> f, double x)
        {
            double h = Step(x);
            double plus = x + h, minus = x - h;
            return (f(plus) - f(minus)) / (plus - minus);
        }

        /// <summary>Float version: the step is taken in float and the actual (rounded) step is used as denominator.</summary>
        public static double Derivative(Func<float, float> f, float x)
        {
            double h = FloatStep(x);
            float plus = (float)(x + h), minus = (float)(x - h);
            return ((double)f(plus) - f(minus)) / ((double)plus - minus);
        }

        /// <summary>Gradient of f over all coordinates of x.</summary>
        public static double[] Gradient(Func<double[], double> f, double[] x)
        {
            var g = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                var plus = (double[])x.Clone();
                var minus = (double[])x.Clone();
                double h = Step(x[i]);
                plus[i] += h;
                minus[i] -= h;
                g[i] = (f(plus) - f(minus)) / (plus[i] - minus[i]);
            }

            return g;
        }

        /// <summary>Directional derivative of f at x along v.</summary>
        public static double Directional(Func<double[], double> f, double[] x, double[] v)
        {
            double scale = 1.0, vmax = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(x[i]));
                vmax = Math.Max(vmax, Math.Abs(v[i]));
            }

            if (vmax == 0)
            {
                return 0;
            }

            double h = 1e-6 * scale / vmax;
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            for (int i = 0; i < x.Length; i++)
            {
                plus[i] += h * v[i];
                minus[i] -= h * v[i];
            }

            return (f(plus) - f(minus)) / (2 * h);
        }
    }

    /// <summary>Tolerance comparisons: |actual − expected| ≤ abs + rel · |expected|.</summary>
    public readonly struct Tolerance
    {
        public Tolerance(double relative, double absolute)
        {
            Relative = relative;
            Absolute = absolute;
        }

        public double Relative { get; }

        public double Absolute { get; }

        /// <summary>Two computations of the same double formula (closed form vs generated code).</summary>
        public static Tolerance ExactDouble => new Tolerance(1e-9, 1e-12);

        /// <summary>Generated double code vs central finite differences.</summary>
        public static Tolerance FiniteDifferenceDouble => new Tolerance(1e-5, 1e-6);

        /// <summary>Generated float code vs a double truth (closed form or FD of the double twin).</summary>
        public static Tolerance Float => new Tolerance(1e-3, 1e-4);

        /// <summary>Generated float code vs FD evaluated in float (step 1e-3).</summary>
        public static Tolerance FiniteDifferenceFloat => new Tolerance(2e-2, 2e-3);

        /// <summary>Forward vs reverse of the same float code.</summary>
        public static Tolerance AgreementFloat => new Tolerance(1e-4, 1e-5);

        public Tolerance Scaled(double scale) => new Tolerance(Relative, Absolute * Math.Max(1.0, Math.Abs(scale)));

        public bool Close(double expected, double actual)
        {
            if (double.IsNaN(expected) || double.IsNaN(actual))
            {
                return double.IsNaN(expected) && double.IsNaN(actual);
            }

            if (double.IsInfinity(expected) || double.IsInfinity(actual))
            {
                return expected == actual;
            }

            return Math.Abs(actual - expected) <= Absolute + Relative * Math.Abs(expected);
        }

        public override string ToString() => $"rel {Relative:G3}, abs {Absolute:G3}";
    }
}
