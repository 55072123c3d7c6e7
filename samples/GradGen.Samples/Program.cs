// GradGen sample: derivatives generated at compile time, each checked against the closed form from calculus
// and against central finite differences. The [Differentiable] functions are in Functions.cs; the methods
// called here (QuadraticForward, QuadraticGradient, SinPowReverse, ...) are generated next to them.
//
//   dotnet run --project samples/GradGen.Samples
//
// The process exits with code 1 if any derivative disagrees with its checks.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using GradGen.Samples;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.OutputEncoding = Encoding.UTF8;

var checks = new Checks();

Console.WriteLine("GradGen sample: generated derivatives next to closed forms and central finite differences");
Console.WriteLine();

// ---------------------------------------------------------------------------------------------
// 1. ∇(x² + 3xy): one forward pass per input direction, or one reverse pass for the whole gradient.
// ---------------------------------------------------------------------------------------------
{
    const double x = 0.7, y = -1.3;
    double value = Functions.QuadraticGradient(x, y, out double dX, out double dY);
    double forwardX = Functions.QuadraticForward(x, y, 1.0, 0.0).Tangent;
    double forwardY = Functions.QuadraticForward(x, y, 0.0, 1.0).Tangent;

    Console.WriteLine($"1. f(x, y) = x² + 3xy at (x, y) = ({x}, {y}):  f = {Fmt.Arg(value)}");
    var table = new Table("", "forward", "reverse", "closed form", "central FD");
    table.Row("∂f/∂x", forwardX, dX, 2 * x + 3 * y, Fd.Central(u => Functions.Quadratic(u, y), x));
    table.Row("∂f/∂y", forwardY, dY, 3 * x, Fd.Central(v => Functions.Quadratic(x, v), y));
    table.Print(checks);
}

// ---------------------------------------------------------------------------------------------
// 2. The partials of (x + 2y³)²: FReverse adds seed · ∇g to the ref arguments (a pullback).
// ---------------------------------------------------------------------------------------------
{
    const double x = 1.5, y = -0.8;
    double gX = 0.0, gY = 0.0;
    double value = Functions.SquareOfCubicReverse(x, y, 1.0, ref gX, ref gY);
    double forwardX = Functions.SquareOfCubicForward(x, y, 1.0, 0.0).Tangent;
    double forwardY = Functions.SquareOfCubicForward(x, y, 0.0, 1.0).Tangent;
    double inner = x + 2 * y * y * y;

    Console.WriteLine($"2. g(x, y) = (x + 2y³)² at (x, y) = ({x}, {y}):  g = {Fmt.Arg(value)}");
    var table = new Table("", "forward", "reverse", "closed form", "central FD");
    table.Row("∂g/∂x", forwardX, gX, 2 * inner, Fd.Central(u => Functions.SquareOfCubic(u, y), x));
    table.Row("∂g/∂y", forwardY, gY, 12 * y * y * inner, Fd.Central(v => Functions.SquareOfCubic(x, v), y));
    table.Print(checks);
}

// ---------------------------------------------------------------------------------------------
// 3. d/dt exp(x₁x₂²) along x(t) = (t cos t, t sin t): the chain rule through a call to another
//    [Differentiable] method, Exp(x1, x2).
// ---------------------------------------------------------------------------------------------
{
    Console.WriteLine("3. d/dt exp(x₁x₂²) with x(t) = (t cos t, t sin t)");
    var table = new Table("t", "value", "forward", "reverse", "closed form", "central FD");
    foreach (double t in new[] { 0.5, 1.0, 1.5 })
    {
        (double value, double forward) = Functions.ExpOnSpiralForward(t, 1.0);
        Functions.ExpOnSpiralGradient(t, out double reverse);

        double x1 = t * Math.Cos(t), x2 = t * Math.Sin(t);
        double dx1 = Math.Cos(t) - t * Math.Sin(t), dx2 = Math.Sin(t) + t * Math.Cos(t);
        double exact = Math.Exp(x1 * x2 * x2) * (dx1 * x2 * x2 + 2 * x1 * x2 * dx2);

        table.Row(Fmt.Arg(t), value, forward, reverse, exact, Fd.Central(Functions.ExpOnSpiral, t));
    }

    table.Print(checks, valueColumns: 1);
}

// ---------------------------------------------------------------------------------------------
// 4. d/dx (sin x⁴)⁵ = 20x³ sin⁴(x⁴) cos(x⁴), written with Math.Pow.
// ---------------------------------------------------------------------------------------------
{
    Console.WriteLine("4. d/dx (sin x⁴)⁵ = 20x³ sin⁴(x⁴) cos(x⁴)");
    var table = new Table("x", "value", "forward", "reverse", "closed form", "central FD");
    foreach (double x in new[] { 0.5, 0.9, 1.1 })
    {
        (double value, double forward) = Functions.SinPowForward(x, 1.0);
        double reverse = 0.0;
        Functions.SinPowReverse(x, 1.0, ref reverse);

        double x4 = Math.Pow(x, 4);
        double exact = 20 * x * x * x * Math.Pow(Math.Sin(x4), 4) * Math.Cos(x4);

        table.Row(Fmt.Arg(x), value, forward, reverse, exact, Fd.Central(Functions.SinPow, x));
    }

    table.Print(checks, valueColumns: 1);
}

// ---------------------------------------------------------------------------------------------
// 5. Gradient descent on q(x) = x² − 4x + 3 from x₀ = 4 with step η = 0.1: x ← x − η q'(x).
// ---------------------------------------------------------------------------------------------
{
    const double eta = 0.1;
    double[] expected = { 4.0, 3.6, 3.28, 3.024 };

    Console.WriteLine($"5. Gradient descent on q(x) = x² − 4x + 3 from x₀ = 4 with η = {eta}");
    var table = new Table("step", "x", "q(x)", "q'(x) reverse", "q'(x) = 2x − 4");
    double x = 4.0;
    for (int step = 0; step < expected.Length; step++)
    {
        double q = Functions.ParabolaGradient(x, out double slope);
        table.Text(step.ToString(CultureInfo.InvariantCulture), Fmt.Arg(x), Fmt.Arg(q), Fmt.Arg(slope), Fmt.Arg(2 * x - 4));

        checks.Expect($"x after step {step}", x, expected[step], 1e-12);
        checks.Expect($"q'(x) at step {step}", slope, 2 * x - 4, 1e-12);
        x -= eta * slope;
    }

    table.Print(checks);
    Console.WriteLine("   (the minimum is at x = 2; each step shrinks x − 2 by the factor 1 − 2η = 0.8)");
    Console.WriteLine();
}

return checks.Report();

/// <summary>Central finite differences, the independent numerical check.</summary>
internal static class Fd
{
    public static double Central(Func<double, double> f, double x)
    {
        double h = 1e-6 * Math.Max(1.0, Math.Abs(x));
        return (f(x + h) - f(x - h)) / (2 * h);
    }
}

/// <summary>Number formatting shared by the tables.</summary>
internal static class Fmt
{
    /// <summary>A derivative or value: fixed 12 decimals, so the columns line up on the decimal point.</summary>
    public static string Num(double v) => v.ToString("0.000000000000", CultureInfo.InvariantCulture);

    /// <summary>An argument or a short result: as few digits as it needs (4, 3.6, 3.28, 3.024).</summary>
    public static string Arg(double v) => Math.Round(v, 9).ToString("0.#########", CultureInfo.InvariantCulture);
}

/// <summary>Counts disagreements; the sample's exit code.</summary>
internal sealed class Checks
{
    private int failures;

    /// <summary>True when <paramref name="actual"/> is within <paramref name="relTol"/> (relative, or absolute near 0).</summary>
    public static bool Close(double actual, double expected, double relTol) =>
        Math.Abs(actual - expected) <= relTol * Math.Max(1.0, Math.Abs(expected));

    public void Expect(string what, double actual, double expected, double relTol)
    {
        if (!Close(actual, expected, relTol))
        {
            failures++;
            Console.WriteLine($"   MISMATCH {what}: got {actual:R}, expected {expected:R}");
        }
    }

    public int Report()
    {
        if (failures == 0)
        {
            Console.WriteLine("All derivatives agree with their closed forms and with finite differences.");
            return 0;
        }

        Console.WriteLine($"{failures} derivative check(s) FAILED.");
        return 1;
    }
}

/// <summary>
/// A small aligned table. Numeric rows hold, after the label and <c>valueColumns</c> plain values:
/// forward, reverse, closed form, central FD; printing checks that they agree.
/// </summary>
internal sealed class Table
{
    private const double AdTolerance = 1e-10;   // forward, reverse and the closed form: rounding only
    private const double FdTolerance = 1e-6;    // central differences: truncation and cancellation error

    private readonly string[] headers;
    private readonly List<string[]> rows = new();
    private readonly List<double[]> numbers = new();

    public Table(params string[] headers) => this.headers = headers;

    public void Row(string label, params double[] values)
    {
        var cells = new string[values.Length + 1];
        cells[0] = label;
        for (int i = 0; i < values.Length; i++)
        {
            cells[i + 1] = Fmt.Num(values[i]);
        }

        rows.Add(cells);
        numbers.Add(values);
    }

    public void Text(params string[] cells) => rows.Add(cells);

    public void Print(Checks checks, int valueColumns = 0)
    {
        var widths = new int[headers.Length];
        for (int c = 0; c < headers.Length; c++)
        {
            widths[c] = headers[c].Length;
            foreach (var row in rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        Console.WriteLine("   " + Line(headers, widths));
        Console.WriteLine("   " + string.Join("  ", Array.ConvertAll(widths, w => new string('─', w))));
        foreach (var row in rows)
        {
            Console.WriteLine("   " + Line(row, widths));
        }

        if (numbers.Count > 0)
        {
            double adError = 0, fdError = 0;
            for (int r = 0; r < numbers.Count; r++)
            {
                var v = numbers[r];
                string label = rows[r][0];
                double forward = v[valueColumns], reverse = v[valueColumns + 1];
                double exact = v[valueColumns + 2], fd = v[valueColumns + 3];
                adError = Math.Max(adError, Math.Max(Math.Abs(forward - exact), Math.Abs(reverse - exact)));
                fdError = Math.Max(fdError, Math.Abs(reverse - fd));
                checks.Expect($"{label}: forward vs closed form", forward, exact, AdTolerance);
                checks.Expect($"{label}: reverse vs closed form", reverse, exact, AdTolerance);
                checks.Expect($"{label}: reverse vs central FD", reverse, fd, FdTolerance);
            }

            Console.WriteLine($"   max |AD − closed form| = {adError:0.0e+00}   max |AD − central FD| = {fdError:0.0e+00}");
        }

        Console.WriteLine();
    }

    private static string Line(string[] cells, int[] widths)
    {
        var sb = new StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                sb.Append("  ");
            }

            // The first column is a label (left-aligned); the rest are numbers (right-aligned).
            sb.Append(c == 0 ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c]));
        }

        return sb.ToString().TrimEnd();
    }
}
