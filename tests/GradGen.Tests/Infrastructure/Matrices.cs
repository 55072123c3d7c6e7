using System;
using System.Globalization;
using System.Linq;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>Small dense linear algebra for closed forms and checks.</summary>
    public static class Matrices
    {
        public static double[,] Build(int rows, int cols, Func<int, int, double> f)
        {
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    m[i, j] = f(i, j);
                }
            }

            return m;
        }

        /// <summary>A matrix from its rows.</summary>
        public static double[,] M(params double[][] rows) => Build(rows.Length, rows.Length == 0 ? 0 : rows[0].Length, (i, j) => rows[i][j]);

        public static double[,] MatMul(double[,] a, double[,] b) =>
            Build(a.GetLength(0), b.GetLength(1), (i, j) => Enumerable.Range(0, a.GetLength(1)).Sum(k => a[i, k] * b[k, j]));

        public static double[,] Transpose(double[,] a) => Build(a.GetLength(1), a.GetLength(0), (i, j) => a[j, i]);

        public static double[,] Add(double[,] a, double[,] b) => Build(a.GetLength(0), a.GetLength(1), (i, j) => a[i, j] + b[i, j]);

        public static double[,] Scale(double s, double[,] a) => Build(a.GetLength(0), a.GetLength(1), (i, j) => s * a[i, j]);

        public static double[] MatVec(double[,] a, double[] x) =>
            Enumerable.Range(0, a.GetLength(0)).Select(i => Enumerable.Range(0, x.Length).Sum(j => a[i, j] * x[j])).ToArray();

        public static double[] Row(double[,] a, int i) => Enumerable.Range(0, a.GetLength(1)).Select(j => a[i, j]).ToArray();

        public static double[] Column(double[,] a, int j) => Enumerable.Range(0, a.GetLength(0)).Select(i => a[i, j]).ToArray();

        public static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

        public static double MaxAbs(double[,] a) => a.Cast<double>().Select(Math.Abs).DefaultIfEmpty(0).Max();

        public static double MaxAbs(double[] a) => a.Select(Math.Abs).DefaultIfEmpty(0).Max();

        public static string Show(double[,] a) =>
            "[" + string.Join("; ", Enumerable.Range(0, a.GetLength(0)).Select(i => string.Join(" ", Row(a, i).Select(F)))) + "]";

        public static string Show(double[] a) => "[" + string.Join(", ", a.Select(F)) + "]";

        private static string F(double x) => x.ToString("G10", CultureInfo.InvariantCulture);
    }
}
