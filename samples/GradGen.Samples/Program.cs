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
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

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

// ---------------------------------------------------------------------------------------------
// 6. Fitting a linear model y ≈ Φθ by gradient descent on (1/n)‖y − Φθ‖²; the gradient of the
//    loss over θ is generated (LeastSquaresGradient). θ converges to the normal-equation solution.
// ---------------------------------------------------------------------------------------------
{
    var random = new Random(7);
    const int n = 200;
    double[] truth = { 1.5, -2.0, 0.5 };
    var phi = new double[n, 3];
    var y = new double[n];
    for (int i = 0; i < n; i++)
    {
        double t = -1 + 2.0 * i / (n - 1);
        phi[i, 0] = 1;
        phi[i, 1] = t;
        phi[i, 2] = t * t;
        y[i] = truth[0] + truth[1] * t + truth[2] * t * t + 0.1 * (random.NextDouble() - 0.5);
    }

    Console.WriteLine("6. Linear least squares by gradient descent: y ≈ θ₀ + θ₁t + θ₂t² on 200 noisy points, η = 0.5");
    var theta = new double[3];
    var gradient = new double[3];

    // At θ = (0.3, 0.3, 0.3) the gradient is −(2/n)Φᵀ(y − Φθ): the generated one must match it.
    double[] probe = { 0.3, 0.3, 0.3 };
    Learning.LeastSquaresGradient(probe, phi, y, gradient);
    for (int j = 0; j < 3; j++)
    {
        double closed = 0;
        for (int i = 0; i < n; i++)
        {
            closed += -2.0 / n * phi[i, j] * (y[i] - (phi[i, 0] * probe[0] + phi[i, 1] * probe[1] + phi[i, 2] * probe[2]));
        }

        checks.Expect($"∂loss/∂θ{j} vs −(2/n)Φᵀ(y − Φθ)", gradient[j], closed, 1e-12);
    }

    Console.WriteLine($"   at θ = (0.3, 0.3, 0.3): ∇loss = ({Fmt.Num(gradient[0])}, {Fmt.Num(gradient[1])}, {Fmt.Num(gradient[2])}) = −(2/n)Φᵀ(y − Φθ)");
    var table = new Table("step", "loss", "θ₀", "θ₁", "θ₂");
    double previous = double.PositiveInfinity;
    for (int step = 0; step <= 300; step++)
    {
        double loss = Learning.LeastSquaresGradient(theta, phi, y, gradient);
        if (step is 0 or 5 or 10 or 25 or 50 or 100 or 300)
        {
            table.Text(step.ToString(CultureInfo.InvariantCulture), loss.ToString("0.000000", CultureInfo.InvariantCulture), Fmt.Arg(theta[0]), Fmt.Arg(theta[1]), Fmt.Arg(theta[2]));
        }

        checks.Expect($"loss falls at step {step}", Math.Min(loss, previous), loss, 1e-12);
        previous = loss;
        for (int j = 0; j < 3; j++)
        {
            theta[j] -= 0.5 * gradient[j];
        }
    }

    table.Print(checks);
    var exact = Linear.NormalEquations(phi, y);
    Console.WriteLine($"   normal equations (ΦᵀΦ)⁻¹Φᵀy: θ = ({Fmt.Arg(exact[0])}, {Fmt.Arg(exact[1])}, {Fmt.Arg(exact[2])})");
    for (int j = 0; j < 3; j++)
    {
        checks.Expect($"θ{j} vs normal equations", theta[j], exact[j], 1e-6);
    }

    Console.WriteLine();
}

// ---------------------------------------------------------------------------------------------
// 7. Training a two-layer network (tanh hidden layer, logistic output) by backpropagation: the
//    generated NetworkLossGradient is reverse mode through the whole forward pass.
// ---------------------------------------------------------------------------------------------
{
    var random = new Random(11);
    const int count = 200;
    const int hiddenCount = 8;
    var points = new double[count, 2];
    var labels = new int[count];
    for (int i = 0; i < count; i++)
    {
        // Two classes: inside or outside the circle of radius 0.6.
        double px = 2 * random.NextDouble() - 1, py = 2 * random.NextDouble() - 1;
        points[i, 0] = px;
        points[i, 1] = py;
        labels[i] = px * px + py * py < 0.36 ? 1 : 0;
    }

    var w1 = new double[hiddenCount, 2];
    var b1 = new double[hiddenCount];
    var w2 = new double[hiddenCount];
    double b2 = 0;
    for (int h = 0; h < hiddenCount; h++)
    {
        w1[h, 0] = random.NextDouble() * 2 - 1;
        w1[h, 1] = random.NextDouble() * 2 - 1;
        b1[h] = random.NextDouble() - 0.5;
        w2[h] = random.NextDouble() - 0.5;
    }

    var gw1 = new double[hiddenCount, 2];
    var gb1 = new double[hiddenCount];
    var gw2 = new double[hiddenCount];

    // Before training, check the generated gradient against central differences in a few coordinates.
    Learning.NetworkLossGradient(w1, b1, w2, b2, points, labels, gw1, gb1, gw2, out double gb2Start);
    double fdW1 = Fd.Central(v => { var w = (double[,])w1.Clone(); w[3, 1] = v; return Learning.NetworkLoss(w, b1, w2, b2, points, labels); }, w1[3, 1]);
    double fdB2 = Fd.Central(v => Learning.NetworkLoss(w1, b1, w2, v, points, labels), b2);
    Console.WriteLine($"   ∂loss/∂W₁[3,1] = {Fmt.Num(gw1[3, 1])} (central FD {Fmt.Num(fdW1)}),  ∂loss/∂b₂ = {Fmt.Num(gb2Start)} (central FD {Fmt.Num(fdB2)})");
    checks.Expect("∂loss/∂W₁[3,1] vs central FD", gw1[3, 1], fdW1, 1e-6);
    checks.Expect("∂loss/∂b₂ vs central FD", gb2Start, fdB2, 1e-6);
    Console.WriteLine($"7. A 2-{hiddenCount}-1 network learns \"inside the circle r = 0.6\" from {count} points by backpropagation, η = 0.5");
    var table = new Table("epoch", "loss", "accuracy");
    double firstLoss = 0, lastLoss = 0, accuracy = 0;
    for (int epoch = 0; epoch <= 3000; epoch++)
    {
        double loss = Learning.NetworkLossGradient(w1, b1, w2, b2, points, labels, gw1, gb1, gw2, out double gb2);
        if (epoch % 500 == 0)
        {
            int correct = 0;
            for (int i = 0; i < count; i++)
            {
                bool inside = Learning.Predict(w1, b1, w2, b2, points[i, 0], points[i, 1]) > 0.5;
                correct += inside == (labels[i] == 1) ? 1 : 0;
            }

            accuracy = (double)correct / count;
            table.Text(epoch.ToString(CultureInfo.InvariantCulture), loss.ToString("0.0000", CultureInfo.InvariantCulture), accuracy.ToString("0.0%", CultureInfo.InvariantCulture));
        }

        firstLoss = epoch == 0 ? loss : firstLoss;
        lastLoss = loss;
        for (int h = 0; h < hiddenCount; h++)
        {
            w1[h, 0] -= 0.5 * gw1[h, 0];
            w1[h, 1] -= 0.5 * gw1[h, 1];
            b1[h] -= 0.5 * gb1[h];
            w2[h] -= 0.5 * gw2[h];
        }

        b2 -= 0.5 * gb2;
    }

    table.Print(checks);
    checks.Expect("the network's loss falls below a third of its start", Math.Min(lastLoss, firstLoss / 3), lastLoss, 0);
    checks.Expect("the network classifies at least 90% of the points", Math.Min(accuracy, 0.9), 0.9, 0);
    Console.WriteLine();
}

// ---------------------------------------------------------------------------------------------
// 8. A two-link robot arm: the Jacobian of the tip position (x, y) in the joint angles (q₁, q₂) from
//    the generated EndEffectorJacobian, then inverse kinematics by Gauss–Newton steps J·Δq = target − tip.
// ---------------------------------------------------------------------------------------------
{
    const double l1 = 1.0, l2 = 0.7, q1 = 0.4, q2 = 1.1;
    var jacobian = new double[2, 2];
    RobotArm.EndEffectorJacobian(q1, q2, l1, l2, jacobian);
    double rowX1 = 0, rowX2 = 0, rowY1 = 0, rowY2 = 0;
    RobotArm.EndEffectorReverse(q1, q2, l1, l2, (1.0, 0.0), ref rowX1, ref rowX2);
    RobotArm.EndEffectorReverse(q1, q2, l1, l2, (0.0, 1.0), ref rowY1, ref rowY2);
    double s1 = Math.Sin(q1), c1 = Math.Cos(q1), s12 = Math.Sin(q1 + q2), c12 = Math.Cos(q1 + q2);

    Console.WriteLine($"8. Two-link arm (l₁ = {l1}, l₂ = {l2}): Jacobian of the tip (x, y) in (q₁, q₂) at ({q1}, {q2})");
    var table = new Table("", "FJacobian", "FReverse row", "closed form", "central FD");
    table.Row("∂x/∂q₁", jacobian[0, 0], rowX1, -l1 * s1 - l2 * s12, Fd.Central(u => RobotArm.EndEffector(u, q2, l1, l2).X, q1));
    table.Row("∂x/∂q₂", jacobian[0, 1], rowX2, -l2 * s12, Fd.Central(u => RobotArm.EndEffector(q1, u, l1, l2).X, q2));
    table.Row("∂y/∂q₁", jacobian[1, 0], rowY1, l1 * c1 + l2 * c12, Fd.Central(u => RobotArm.EndEffector(u, q2, l1, l2).Y, q1));
    table.Row("∂y/∂q₂", jacobian[1, 1], rowY2, l2 * c12, Fd.Central(u => RobotArm.EndEffector(q1, u, l1, l2).Y, q2));
    table.Print(checks);

    const double targetX = 0.9, targetY = 1.1;
    Console.WriteLine($"   Inverse kinematics: reach ({targetX}, {targetY}) from (q₁, q₂) = (0.3, 0.3) by Gauss–Newton");
    var steps = new Table("step", "q₁", "q₂", "distance to target");
    double a = 0.3, b = 0.3, distance = double.NaN;
    for (int step = 0; step <= 8; step++)
    {
        var (x, y) = RobotArm.EndEffectorJacobian(a, b, l1, l2, jacobian);
        double ex = targetX - x, ey = targetY - y;
        distance = Math.Sqrt(ex * ex + ey * ey);
        steps.Text(step.ToString(CultureInfo.InvariantCulture), Fmt.Arg(a), Fmt.Arg(b), distance.ToString("0.0e+00", CultureInfo.InvariantCulture));
        if (distance < 1e-12)
        {
            break;
        }

        // Solve the 2 × 2 system J·Δq = e.
        double det = jacobian[0, 0] * jacobian[1, 1] - jacobian[0, 1] * jacobian[1, 0];
        a += (jacobian[1, 1] * ex - jacobian[0, 1] * ey) / det;
        b += (jacobian[0, 0] * ey - jacobian[1, 0] * ex) / det;
    }

    steps.Print(checks);
    checks.Expect("the arm reaches its target", distance, 0, 1e-10);
}

// ---------------------------------------------------------------------------------------------
// 9. Newton's method on Rosenbrock's function with the generated Hessian (forward over reverse):
//    x ← x − H⁻¹∇f from (−1.2, 1), converging quadratically to the minimum (1, 1).
// ---------------------------------------------------------------------------------------------
{
    double x = -1.2, y = 1.0;
    var hessian = new double[2, 2];
    SecondOrder.RosenbrockHessian(x, y, hessian);
    SecondOrder.RosenbrockHessianVectorProduct(x, y, 1.0, 0.0, out double hvXX, out double hvXY);
    SecondOrder.RosenbrockHessianVectorProduct(x, y, 0.0, 1.0, out double hvYX, out double hvYY);
    double Dx(double u, double v) { SecondOrder.RosenbrockGradient(u, v, out double gx, out _); return gx; }
    double Dy(double u, double v) { SecondOrder.RosenbrockGradient(u, v, out _, out double gy); return gy; }

    Console.WriteLine($"9. Rosenbrock f = (1 − x)² + 100(y − x²)²: Hessian at ({x}, {y}), then Newton's method");
    var table = new Table("", "FHessian", "FHessianVectorProduct", "closed form", "central FD of ∇f");
    table.Row("∂²f/∂x²", hessian[0, 0], hvXX, 2 - 400 * (y - 3 * x * x), Fd.Central(u => Dx(u, y), x));
    table.Row("∂²f/∂x∂y", hessian[0, 1], hvYX, -400 * x, Fd.Central(v => Dx(x, v), y));
    table.Row("∂²f/∂y∂x", hessian[1, 0], hvXY, -400 * x, Fd.Central(u => Dy(u, y), x));
    table.Row("∂²f/∂y²", hessian[1, 1], hvYY, 200, Fd.Central(v => Dy(x, v), y));
    table.Print(checks);

    var steps = new Table("step", "x", "y", "f", "|∇f|");
    double value = double.NaN, gradientNorm = double.NaN;
    for (int step = 0; step <= 20; step++)
    {
        value = SecondOrder.RosenbrockGradient(x, y, out double gx, out double gy);
        gradientNorm = Math.Sqrt(gx * gx + gy * gy);
        steps.Text(step.ToString(CultureInfo.InvariantCulture), Fmt.Arg(x), Fmt.Arg(y), value.ToString("0.0e+00", CultureInfo.InvariantCulture), gradientNorm.ToString("0.0e+00", CultureInfo.InvariantCulture));
        if (gradientNorm < 1e-10)
        {
            break;
        }

        SecondOrder.RosenbrockHessian(x, y, hessian);
        double det = hessian[0, 0] * hessian[1, 1] - hessian[0, 1] * hessian[1, 0];
        x -= (hessian[1, 1] * gx - hessian[0, 1] * gy) / det;
        y -= (hessian[0, 0] * gy - hessian[1, 0] * gx) / det;
    }

    steps.Print(checks);
    checks.Expect("Newton's method reaches x = 1", x, 1, 1e-9);
    checks.Expect("Newton's method reaches y = 1", y, 1, 1e-9);
}

// ---------------------------------------------------------------------------------------------
// 10. The second-order Taylor expansion of e^{xy} around (0, 0): value 1, gradient 0 and Hessian
//     [[0, 1], [1, 0]] give 1 + xy, whose error shrinks like |h|⁴ (the next term is (xy)²/2).
// ---------------------------------------------------------------------------------------------
{
    var hessian = new double[2, 2];
    double value = SecondOrder.ExpOfProductHessian(0, 0, hessian);
    SecondOrder.ExpOfProductGradient(0, 0, out double gx, out double gy);
    Console.WriteLine($"10. e^(xy) around (0, 0): f = {Fmt.Arg(value)}, ∇f = ({Fmt.Arg(gx)}, {Fmt.Arg(gy)}), H = [[{Fmt.Arg(hessian[0, 0])}, {Fmt.Arg(hessian[0, 1])}], [{Fmt.Arg(hessian[1, 0])}, {Fmt.Arg(hessian[1, 1])}]]");
    checks.Expect("H₀₀ of e^(xy) at 0", hessian[0, 0], 0, 1e-15);
    checks.Expect("H₀₁ of e^(xy) at 0", hessian[0, 1], 1, 1e-15);
    checks.Expect("H₁₁ of e^(xy) at 0", hessian[1, 1], 0, 1e-15);
    var table = new Table("(x, y)", "e^(xy)", "1 + xy from ∇f and H", "error", "error / h⁴");
    foreach (double h in new[] { 0.2, 0.1, 0.05 })
    {
        double x = h, y = 0.5 * h;
        double taylor = value + gx * x + gy * y + 0.5 * (hessian[0, 0] * x * x + 2 * hessian[0, 1] * x * y + hessian[1, 1] * y * y);
        double exact = Math.Exp(x * y);
        table.Text($"({Fmt.Arg(x)}, {Fmt.Arg(y)})", Fmt.Num(exact), Fmt.Num(taylor), (exact - taylor).ToString("0.0e+00", CultureInfo.InvariantCulture), ((exact - taylor) / (h * h * h * h)).ToString("0.0000", CultureInfo.InvariantCulture));
        checks.Expect($"Taylor error at h = {h} is (xy)²/2 to leading order", (exact - taylor) / Math.Pow(x * y, 2), 0.5, 0.05);
    }

    table.Print(checks);
}

// ---------------------------------------------------------------------------------------------
// 11. Custom derivatives: [DerivativeOf] methods stand in for the derivatives of Softplus (stable
//     where the textbook formula overflows, and with its second derivative for Hessians) and of a
//     root found by Newton iteration (the implicit function theorem).
// ---------------------------------------------------------------------------------------------
{
    const double x = 2.0, y = -1.0;
    Console.WriteLine("11. Custom derivatives: logistic loss softplus(−y(wx + b)) with x = 2, y = −1, and the root of y³ + y = ab");
    var table = new Table("", "forward", "reverse", "closed form", "central FD");
    foreach (var (w, b) in new[] { (0.3, -0.1), (400.0, 0.5) })
    {
        double margin = -y * (w * x + b), s = Custom.Logistic(margin);
        Custom.LogisticLossGradient(w, b, x, y, out double dW, out double dB);
        table.Row($"∂L/∂w at w = {Fmt.Arg(w)}", Custom.LogisticLossForward(w, b, x, y, 1, 0).Tangent, dW, -y * x * s, Fd.Central(u => Custom.LogisticLoss(u, b, x, y), w));
        table.Row($"∂L/∂b at w = {Fmt.Arg(w)}", Custom.LogisticLossForward(w, b, x, y, 0, 1).Tangent, dB, -y * s, Fd.Central(u => Custom.LogisticLoss(w, u, x, y), b));
    }

    table.Print(checks);
    double naive = Math.Exp(800) / (1 + Math.Exp(800));
    Console.WriteLine($"   At margin 800 the textbook derivative eᵗ/(1 + eᵗ) is {naive}; the custom one gives {Fmt.Arg(Custom.Logistic(800))}.");

    var hessian = new double[2, 2];
    const double w0 = 0.3, b0 = -0.1;
    Custom.LogisticLossHessian(w0, b0, x, y, hessian);
    double s0 = Custom.Logistic(-y * (w0 * x + b0)), curvature = s0 * (1 - s0);
    Console.WriteLine($"   Hessian at (w, b) = ({w0}, {b0}) through SoftplusReverseTangent: [[{Fmt.Num(hessian[0, 0])}, {Fmt.Num(hessian[0, 1])}], [{Fmt.Num(hessian[1, 0])}, {Fmt.Num(hessian[1, 1])}]]");
    Console.WriteLine($"   closed form σ(1 − σ)·[x, 1]ᵀ[x, 1]:                 [[{Fmt.Num(curvature * x * x)}, {Fmt.Num(curvature * x)}], [{Fmt.Num(curvature * x)}, {Fmt.Num(curvature)}]]");
    checks.Expect("∂²L/∂w² by SoftplusReverseTangent", hessian[0, 0], curvature * x * x, 1e-12);
    checks.Expect("∂²L/∂w∂b by SoftplusReverseTangent", hessian[0, 1], curvature * x, 1e-12);
    checks.Expect("∂²L/∂b² by SoftplusReverseTangent", hessian[1, 1], curvature, 1e-12);

    const double a = 1.5, c = 0.8;
    double root = Custom.CubicRoot(a * c);
    Custom.RootEnergyGradient(a, c, out double dA, out double dC);
    double dy = 1 / (3 * root * root + 1);
    var roots = new Table("", "forward", "reverse", "closed form", "central FD");
    roots.Row("∂E/∂a", Custom.RootEnergyForward(a, c, 1, 0).Tangent, dA, 2 * root * dy * c, Fd.Central(u => Custom.RootEnergy(u, c), a));
    roots.Row("∂E/∂b", Custom.RootEnergyForward(a, c, 0, 1).Tangent, dC, 2 * root * dy * a + 1, Fd.Central(u => Custom.RootEnergy(a, u), c));
    Console.WriteLine($"   E(a, b) = y(ab)² + b with y³ + y = ab solved by Newton: y({Fmt.Arg(a * c)}) = {Fmt.Num(root)}, dy/d(ab) = 1/(3y² + 1)");
    roots.Print(checks);
}

// ---------------------------------------------------------------------------------------------
// 12. Aiming a projectile with air drag, written in System.Numerics Vector3: the generated
//     FlightJacobian (3 × 4 over the launch velocity and the drag coefficient, in float) against
//     central differences, then Gauss–Newton on the launch velocity to hit a target after one second.
// ---------------------------------------------------------------------------------------------
{
    var velocity = new System.Numerics.Vector3(12, 9, 4);
    const float drag = 0.02f;
    var jacobian = new float[3, 4];
    Physics.FlightJacobian(velocity, drag, jacobian);
    var pulled = default(System.Numerics.Vector3);
    float pulledDrag = 0;
    Physics.FlightReverse(velocity, drag, System.Numerics.Vector3.UnitY, ref pulled, ref pulledDrag);
    var along = Physics.FlightForward(velocity, drag, System.Numerics.Vector3.UnitX, 0).Tangent;

    Console.WriteLine($"12. Projectile with drag {drag}, launched at ({velocity.X}, {velocity.Y}, {velocity.Z}) m/s: position after 1 s and its Jacobian");
    var inputs = new[] { "vx", "vy", "vz", "drag" };
    var table = new Table("", "FJacobian", "central FD");
    for (int i = 0; i < 3; i++)
    {
        for (int j = 0; j < 4; j++)
        {
            double Output(double u)
            {
                var v = velocity;
                var d = drag;
                if (j < 3) { v = j == 0 ? v with { X = (float)u } : j == 1 ? v with { Y = (float)u } : v with { Z = (float)u }; } else { d = (float)u; }
                var p = Physics.Flight(v, d);
                return i == 0 ? p.X : i == 1 ? p.Y : p.Z;
            }

            double at = j switch { 0 => velocity.X, 1 => velocity.Y, 2 => velocity.Z, _ => drag };
            double h = j < 3 ? 1e-2 : 1e-4;
            double fd = (Output(at + h) - Output(at - h)) / (2 * h);
            table.Text($"∂{"xyz"[i]}/∂{inputs[j]}", Fmt.Num(jacobian[i, j]), Fmt.Num(fd));
            checks.Expect($"projectile ∂{"xyz"[i]}/∂{inputs[j]}: FJacobian vs central FD", jacobian[i, j], fd, 2e-3);
        }
    }

    table.Print(checks);
    checks.Expect("FlightReverse seeded with ŷ is row y of the Jacobian", pulled.X, jacobian[1, 0], 1e-5);
    checks.Expect("FlightReverse: ∂y/∂drag", pulledDrag, jacobian[1, 3], 1e-5);
    checks.Expect("FlightForward along x̂ is column vx of the Jacobian", along.Y, jacobian[1, 0], 1e-5);

    var target = new System.Numerics.Vector3(20, 3, -5);
    Console.WriteLine($"   Aim at ({target.X}, {target.Y}, {target.Z}): Gauss–Newton on the launch velocity, J·Δv = target − position");
    var steps = new Table("step", "vx", "vy", "vz", "miss (m)");
    var launch = new System.Numerics.Vector3(10, 10, 0);
    double miss = double.NaN;
    for (int step = 0; step <= 8; step++)
    {
        var position = Physics.FlightJacobian(launch, drag, jacobian);
        var error = target - position;
        miss = error.Length();
        steps.Text(step.ToString(CultureInfo.InvariantCulture), Fmt.Arg(launch.X), Fmt.Arg(launch.Y), Fmt.Arg(launch.Z), miss.ToString("0.0e+00", CultureInfo.InvariantCulture));
        if (miss < 1e-3)
        {
            break;
        }

        launch += Solve3(jacobian, error);
    }

    steps.Print(checks);
    checks.Expect("the projectile hits its target to a millimetre", miss, 0, 1e-3);

    // Cramer's rule on the velocity columns of J.
    static System.Numerics.Vector3 Solve3(float[,] j, System.Numerics.Vector3 e)
    {
        var (c0, c1, c2) = (new System.Numerics.Vector3(j[0, 0], j[1, 0], j[2, 0]), new System.Numerics.Vector3(j[0, 1], j[1, 1], j[2, 1]), new System.Numerics.Vector3(j[0, 2], j[1, 2], j[2, 2]));
        float det = System.Numerics.Vector3.Dot(c0, System.Numerics.Vector3.Cross(c1, c2));
        return new System.Numerics.Vector3(
            System.Numerics.Vector3.Dot(e, System.Numerics.Vector3.Cross(c1, c2)),
            System.Numerics.Vector3.Dot(c0, System.Numerics.Vector3.Cross(e, c2)),
            System.Numerics.Vector3.Dot(c0, System.Numerics.Vector3.Cross(c1, e))) / det;
    }
}

// ---------------------------------------------------------------------------------------------
// 13. Fitting a low-pass filter H(ω) = g / (1 + iωτ) to its measured frequency response, in
//     System.Numerics Complex: the gradient of the misfit against the closed form from complex
//     calculus and central differences, then damped Newton steps with the generated Hessian.
// ---------------------------------------------------------------------------------------------
{
    const double trueGain = 2.5, trueTau = 0.04;
    double[] omegas = { 1, 5, 10, 25, 50, 100, 250 };
    var re = Array.ConvertAll(omegas, w => Signals.Response(trueGain, trueTau, w).Real);
    var im = Array.ConvertAll(omegas, w => Signals.Response(trueGain, trueTau, w).Imaginary);

    double g = 1.8, tau = 0.06;
    double misfit = Signals.MisfitGradient(g, tau, omegas, re, im, out double dG, out double dTau);

    // With u = 1/(1 + iωτ) and r = g·u − m: ∂|r|²/∂g = 2 Re(r̄ u), ∂|r|²/∂τ = 2 Re(r̄ g ∂u/∂τ), ∂u/∂τ = −iω u².
    double closedG = 0, closedTau = 0;
    for (int k = 0; k < omegas.Length; k++)
    {
        var u = 1 / new System.Numerics.Complex(1, omegas[k] * tau);
        var r = g * u - new System.Numerics.Complex(re[k], im[k]);
        closedG += 2 * (System.Numerics.Complex.Conjugate(r) * u).Real;
        closedTau += 2 * (System.Numerics.Complex.Conjugate(r) * g * -System.Numerics.Complex.ImaginaryOne * omegas[k] * u * u).Real;
    }

    Console.WriteLine($"13. Low-pass filter g/(1 + iωτ) fitted to {omegas.Length} measured responses (g = {trueGain}, τ = {trueTau}): misfit at (g, τ) = ({g}, {tau}) is {Fmt.Arg(misfit)}");
    var table = new Table("", "forward", "reverse", "closed form", "central FD");
    table.Row("∂misfit/∂g", Signals.MisfitForward(g, tau, omegas, re, im, 1, 0).Tangent, dG, closedG, Fd.Central(v => Signals.Misfit(v, tau, omegas, re, im), g));
    table.Row("∂misfit/∂τ", Signals.MisfitForward(g, tau, omegas, re, im, 0, 1).Tangent, dTau, closedTau, Fd.Central(v => Signals.Misfit(g, v, omegas, re, im), tau));
    table.Print(checks);

    // Levenberg–Marquardt on (g, τ): (H + λ·diag H) Δ = −∇, λ shrinking after a step that lowers the misfit.
    var steps = new Table("step", "g", "τ", "misfit");
    var hessian = new double[2, 2];
    double lambda = 1e-3;
    for (int step = 0; step < 30 && misfit > 1e-24; step++)
    {
        steps.Text(step.ToString(CultureInfo.InvariantCulture), Fmt.Arg(g), Fmt.Arg(tau), misfit.ToString("0.0e+00", CultureInfo.InvariantCulture));
        Signals.MisfitGradient(g, tau, omegas, re, im, out dG, out dTau);
        Signals.MisfitHessian(g, tau, omegas, re, im, hessian);
        while (true)
        {
            double a = hessian[0, 0] * (1 + lambda), b = hessian[0, 1], d = hessian[1, 1] * (1 + lambda);
            double det = a * d - b * b;
            double stepG = -(d * dG - b * dTau) / det, stepTau = -(a * dTau - b * dG) / det;
            double next = Signals.Misfit(g + stepG, tau + stepTau, omegas, re, im);
            if (next < misfit)
            {
                (g, tau, misfit, lambda) = (g + stepG, tau + stepTau, next, lambda / 10);
                break;
            }

            lambda *= 10;
        }
    }

    steps.Text("fit", Fmt.Arg(g), Fmt.Arg(tau), misfit.ToString("0.0e+00", CultureInfo.InvariantCulture));
    steps.Print(checks);
    checks.Expect("fitted gain", g, trueGain, 1e-8);
    checks.Expect("fitted time constant", tau, trueTau, 1e-8);
}

// ---------------------------------------------------------------------------------------------
// 14. A network whose weights live in an object: the generated FitLossGradient fills another Net
//     with ∂loss/∂(every weight), checked against central differences, then gradient descent.
//     And a density written once in generic math, differentiated in double, float and Half.
// ---------------------------------------------------------------------------------------------
{
    var random = new Random(5);
    const int n = 40, hidden = 6;
    var xs = new double[n];
    var ys = new double[n];
    for (int i = 0; i < n; i++)
    {
        xs[i] = -1.5 + 3.0 * i / (n - 1);
        ys[i] = Math.Sin(2 * xs[i]);
    }

    double[] Draw() => Array.ConvertAll(new double[hidden], _ => random.NextDouble() - 0.5);
    var net = new Net { W = Draw(), B = Draw(), C = Draw() };
    var grad = new Net { W = new double[hidden], B = new double[hidden], C = new double[hidden] };
    double start = Models.FitLossGradient(net, xs, ys, grad);
    double Shifted(Action<Net, double> set, double v)
    {
        var copy = new Net { W = (double[])net.W.Clone(), B = (double[])net.B.Clone(), C = (double[])net.C.Clone(), D = net.D };
        set(copy, v);
        return Models.FitLoss(copy, xs, ys);
    }

    Console.WriteLine($"14. y = sin 2x from {n} points by a 1-{hidden}-1 network whose weights are a Net object; loss at the start {Fmt.Arg(start)}");
    var table = new Table("", "reverse (into a Net)", "central FD");
    foreach (var (label, derivative, fd) in new[]
    {
        ("∂loss/∂W[2]", grad.W[2], Fd.Central(v => Shifted((c, x) => c.W[2] = x, v), net.W[2])),
        ("∂loss/∂C[4]", grad.C[4], Fd.Central(v => Shifted((c, x) => c.C[4] = x, v), net.C[4])),
        ("∂loss/∂D", grad.D, Fd.Central(v => Shifted((c, x) => c.D = x, v), net.D)),
    })
    {
        table.Text(label, Fmt.Num(derivative), Fmt.Num(fd));
        checks.Expect(label + " vs central FD", derivative, fd, 1e-6);
    }

    table.Print(checks);
    double loss = start;
    for (int epoch = 0; epoch < 5000; epoch++)
    {
        loss = Models.FitLossGradient(net, xs, ys, grad);
        for (int k = 0; k < hidden; k++)
        {
            net.W[k] -= 0.2 * grad.W[k];
            net.B[k] -= 0.2 * grad.B[k];
            net.C[k] -= 0.2 * grad.C[k];
        }

        net.D -= 0.2 * grad.D;
    }

    Console.WriteLine($"   after 5000 steps of gradient descent (η = 0.2): loss {Fmt.Arg(loss)}");
    checks.Expect("the network's loss falls below a hundredth of its start", Math.Min(loss, start / 100), loss, 0);

    // The normal density p(x; μ, σ): ∂p/∂x = −z p/σ, ∂p/∂μ = z p/σ, ∂p/∂σ = (z² − 1) p/σ, z = (x − μ)/σ.
    const double x0 = 0.7, mu = 0.2, sigma = 1.3;
    double z = (x0 - mu) / sigma, p = Models.Normal(x0, mu, sigma);
    Console.WriteLine($"   The normal density at x = {x0} (μ = {mu}, σ = {sigma}), one generic method differentiated in three types:");
    var density = new Table("", "∂p/∂x", "∂p/∂μ", "∂p/∂σ");
    Models.NormalGradient(x0, mu, sigma, out double dx, out double dmu, out double dsigma);
    Models.NormalGradient((float)x0, (float)mu, (float)sigma, out float fx, out float fmu, out float fsigma);
    Models.NormalGradient((Half)x0, (Half)mu, (Half)sigma, out Half hx, out Half hmu, out Half hsigma);
    void Derivatives(string type, double a, double b, double c) => density.Text(type, Fmt.Num(a), Fmt.Num(b), Fmt.Num(c));
    Derivatives("closed form", -z * p / sigma, z * p / sigma, (z * z - 1) * p / sigma);
    Derivatives("double", dx, dmu, dsigma);
    Derivatives("float", fx, fmu, fsigma);
    Derivatives("Half", (double)hx, (double)hmu, (double)hsigma);
    density.Print(checks);
    checks.Expect("∂p/∂σ in double vs closed form", dsigma, (z * z - 1) * p / sigma, 1e-12);
    checks.Expect("∂p/∂x in float vs closed form", fx, -z * p / sigma, 1e-6);
    checks.Expect("∂p/∂μ in Half vs closed form", (double)hmu, z * p / sigma, 5e-3);
    Console.WriteLine();
}

// ---------------------------------------------------------------------------------------------
// 15. Math.NET Numerics' BFGS and L-BFGS driven by the generated gradient: a damped oscillation
//     y = a·e^(−bt)·cos(ct + d) fitted to 120 noisy points. Optimisers.Objective wraps the generated
//     OscillationLossGradient (value and gradient in one reverse pass) in ObjectiveFunction.Gradient.
// ---------------------------------------------------------------------------------------------
{
    var random = new Random(3);
    const int n = 120;
    const double noise = 0.05, gradientTolerance = 1e-8;
    double[] truth = { 2.0, 0.35, 2.2, 0.6 };
    var t = new double[n];
    var y = new double[n];
    for (int i = 0; i < n; i++)
    {
        t[i] = 8.0 * i / (n - 1);
        double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        y[i] = Optimisers.Oscillation(truth, t[i]) + noise * gaussian;
    }

    double[] start = { 1.0, 0.1, 2.0, 0.0 };
    Console.WriteLine($"15. y = a·e^(−bt)·cos(ct + d) fitted to {n} points with noise σ = {noise} by Math.NET's BFGS and L-BFGS, from (a, b, c, d) = ({string.Join(", ", start)})");

    // The generated gradient at the start, against the closed form (2/n)Σ r·∂model/∂p and central differences.
    var gradient = new double[4];
    Optimisers.OscillationLossGradient(start, t, y, gradient);
    var closed = new double[4];
    for (int i = 0; i < n; i++)
    {
        double decay = Math.Exp(-start[1] * t[i]), cos = Math.Cos(start[2] * t[i] + start[3]), sin = Math.Sin(start[2] * t[i] + start[3]);
        double r = 2.0 / n * (start[0] * decay * cos - y[i]);
        closed[0] += r * decay * cos;
        closed[1] += r * -t[i] * start[0] * decay * cos;
        closed[2] += r * -t[i] * start[0] * decay * sin;
        closed[3] += r * -start[0] * decay * sin;
    }

    var table = new Table("", "forward", "reverse", "closed form", "central FD");
    for (int j = 0; j < 4; j++)
    {
        var direction = new double[4];
        direction[j] = 1;
        double forward = Optimisers.OscillationLossForward(start, t, y, direction).Tangent;
        double fd = Fd.Central(v => { var q = (double[])start.Clone(); q[j] = v; return Optimisers.OscillationLoss(q, t, y); }, start[j]);
        table.Row($"∂loss/∂{"abcd"[j]}", forward, gradient[j], closed[j], fd);
    }

    table.Print(checks);

    // Minimise: both stop when the gradient is below the tolerance. Each evaluation is one generated reverse pass.
    int bfgsEvaluations = 0, lbfgsEvaluations = 0;
    var bfgs = new BfgsMinimizer(gradientTolerance, 1e-12, 1e-15, 1000)
        .FindMinimum(Optimisers.Objective(t, y, () => bfgsEvaluations++), Vector<double>.Build.DenseOfArray(start));
    var lbfgs = new LimitedMemoryBfgsMinimizer(gradientTolerance, 1e-12, 1e-15, 5, 1000)
        .FindMinimum(Optimisers.Objective(t, y, () => lbfgsEvaluations++), Vector<double>.Build.DenseOfArray(start));

    // Plain gradient descent on the same loss, as in sample 6: η = 0.5 is about the largest fixed step that converges (0.8 does not).
    const double eta = 0.5;
    var descent = (double[])start.Clone();
    int descentSteps = 0;
    double descentLoss;
    while (true)
    {
        descentLoss = Optimisers.OscillationLossGradient(descent, t, y, gradient);
        if (Norm(gradient) < gradientTolerance || descentSteps == 10000)
        {
            break;
        }

        for (int j = 0; j < 4; j++)
        {
            descent[j] -= eta * gradient[j];
        }

        descentSteps++;
    }

    var fits = new Table("", "iterations", "gradients", "loss", "a", "b", "c", "d");
    void Fit(string name, int? iterations, int? evaluations, double loss, IReadOnlyList<double> p) =>
        fits.Text(name, iterations?.ToString(CultureInfo.InvariantCulture) ?? "", evaluations?.ToString(CultureInfo.InvariantCulture) ?? "",
            loss.ToString("0.000000000", CultureInfo.InvariantCulture), P(p[0]), P(p[1]), P(p[2]), P(p[3]));
    static string P(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);
    Fit("start", null, null, Optimisers.OscillationLoss(start, t, y), start);
    Fit("BFGS", bfgs.Iterations, bfgsEvaluations, bfgs.FunctionInfoAtMinimum.Value, bfgs.MinimizingPoint.ToArray());
    Fit("L-BFGS (memory 5)", lbfgs.Iterations, lbfgsEvaluations, lbfgs.FunctionInfoAtMinimum.Value, lbfgs.MinimizingPoint.ToArray());
    Fit($"gradient descent, η = {eta}", descentSteps, descentSteps + 1, descentLoss, descent);
    Fit("true parameters", null, null, Optimisers.OscillationLoss(truth, t, y), truth);
    fits.Print(checks);
    Console.WriteLine($"   to |∇loss| < 1e-8: BFGS takes {bfgs.Iterations} iterations ({bfgsEvaluations} gradients), L-BFGS {lbfgs.Iterations} ({lbfgsEvaluations}), plain gradient descent {descentSteps} steps at its best fixed step η = {eta}");

    var fitted = bfgs.MinimizingPoint.ToArray();
    Optimisers.OscillationLossGradient(fitted, t, y, gradient);
    checks.Expect("|∇loss| at the BFGS minimum", Norm(gradient), 0, gradientTolerance);
    for (int j = 0; j < 4; j++)
    {
        checks.Expect($"{"abcd"[j]}: L-BFGS vs BFGS", lbfgs.MinimizingPoint[j], fitted[j], 1e-6);
        checks.Expect($"{"abcd"[j]}: gradient descent vs BFGS", descent[j], fitted[j], 1e-6);
        checks.Expect($"{"abcd"[j]}: BFGS fit vs the true value", fitted[j], truth[j], 0.05);
    }

    Console.WriteLine();

    static double Norm(double[] v)
    {
        double sum = 0;
        foreach (double x in v)
        {
            sum += x * x;
        }

        return Math.Sqrt(sum);
    }
}

// ---------------------------------------------------------------------------------------------
// 16. Everyday C#: an RK4 integrator over a right-hand side that fills an output array, its Jacobian with respect to
//     the initial state and a parameter (ODE sensitivities); a layer with jagged weights, inputs in a List<double>
//     and an out by-product.
// ---------------------------------------------------------------------------------------------
{
    double[] start = { 1.2, 0.7 };
    const double a = 1.5, h = 0.05;
    const int steps = 40;
    var jacobian = new double[2, 3];
    var end = Everyday.FlowJacobian(start, a, h, steps, jacobian);
    Console.WriteLine($"16. Lotka–Volterra by {steps} RK4 steps of {h} from ({start[0]}, {start[1]}), a = {a}: ({Fmt.Arg(Math.Round(end[0], 6))}, {Fmt.Arg(Math.Round(end[1], 6))})");
    var table = new Table("", "Jacobian (reverse)", "forward", "central FD");
    string[] inputs = { "x₀", "y₀", "a" };
    for (int j = 0; j < 3; j++)
    {
        var direction = new double[2];
        double da = 0;
        if (j < 2) direction[j] = 1; else da = 1;
        var tangent = Everyday.FlowForward(start, a, h, steps, direction, da).Tangent;
        for (int i = 0; i < 2; i++)
        {
            int column = j, row = i;
            double fd = Fd.Central(v => column < 2
                ? Everyday.Flow(column == 0 ? new[] { v, start[1] } : new[] { start[0], v }, a, h, steps)[row]
                : Everyday.Flow(start, v, h, steps)[row], column < 2 ? start[column] : a);
            table.Text($"∂{(i == 0 ? "x" : "y")}/∂{inputs[j]}", Fmt.Num(jacobian[i, j]), Fmt.Num(tangent[i]), Fmt.Num(fd));
            checks.Expect($"∂flow{i}/∂{inputs[j]}: forward vs Jacobian", tangent[i], jacobian[i, j], 1e-10);
            checks.Expect($"∂flow{i}/∂{inputs[j]}: Jacobian vs central FD", jacobian[i, j], fd, 1e-6);
        }
    }

    table.Print(checks);

    double[][] weights = { new[] { 0.5, -0.3, 0.8 }, new[] { 0.2, 0.7 }, new[] { -0.6, 0.1, 0.4 } };
    var inputsList = new List<double> { 1.0, -0.5, 0.25 };
    double[] targets = { 0.3, -0.1, 0.2 };
    double[][] dWeights = { new double[3], new double[2], new double[3] };
    var dInputs = new double[3];
    double loss = Everyday.LayerLossGradient(weights, inputsList, targets, out double largest, dWeights, dInputs);
    Console.WriteLine($"    layer loss {Fmt.Arg(Math.Round(loss, 9))} (largest activation {Fmt.Arg(Math.Round(largest, 9))}):");
    var layer = new Table("", "reverse", "central FD");
    foreach (var (u, j) in new[] { (0, 2), (1, 1), (2, 0) })
    {
        double fd = Fd.Central(v => { var w = Array.ConvertAll(weights, r => (double[])r.Clone()); w[u][j] = v; return Everyday.LayerLoss(w, inputsList, targets, out _); }, weights[u][j]);
        layer.Text($"∂loss/∂w[{u}][{j}]", Fmt.Num(dWeights[u][j]), Fmt.Num(fd));
        checks.Expect($"∂loss/∂w[{u}][{j}]: reverse vs central FD", dWeights[u][j], fd, 1e-6);
    }

    for (int j = 0; j < 3; j++)
    {
        int k = j;
        double fd = Fd.Central(v => { var x = new List<double>(inputsList); x[k] = v; return Everyday.LayerLoss(weights, x, targets, out _); }, inputsList[j]);
        layer.Text($"∂loss/∂x[{j}]", Fmt.Num(dInputs[j]), Fmt.Num(fd));
        checks.Expect($"∂loss/∂x[{j}]: reverse vs central FD", dInputs[j], fd, 1e-6);
    }

    layer.Print(checks);
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

/// <summary>The normal equations (ΦᵀΦ)θ = Φᵀy, solved by Gaussian elimination: the closed-form fit.</summary>
internal static class Linear
{
    public static double[] NormalEquations(double[,] phi, double[] y)
    {
        int n = phi.GetLength(0), p = phi.GetLength(1);
        var a = new double[p, p + 1];
        for (int r = 0; r < p; r++)
        {
            for (int c = 0; c < p; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    a[r, c] += phi[i, r] * phi[i, c];
                }
            }

            for (int i = 0; i < n; i++)
            {
                a[r, p] += phi[i, r] * y[i];
            }
        }

        for (int col = 0; col < p; col++)
        {
            for (int r = col + 1; r < p; r++)
            {
                double factor = a[r, col] / a[col, col];
                for (int c = col; c <= p; c++)
                {
                    a[r, c] -= factor * a[col, c];
                }
            }
        }

        var theta = new double[p];
        for (int r = p - 1; r >= 0; r--)
        {
            double sum = a[r, p];
            for (int c = r + 1; c < p; c++)
            {
                sum -= a[r, c] * theta[c];
            }

            theta[r] = sum / a[r, r];
        }

        return theta;
    }
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
