using System;
using GradGen;

namespace GradGen.Samples;

/// <summary>Vector-valued functions and their Jacobians: the kinematics of a planar two-link arm.</summary>
public static partial class RobotArm
{
    /// <summary>Where the tip of a two-link arm with link lengths l1, l2 is, for joint angles q1 and q2.</summary>
    [Differentiable(Kinds = DerivativeKinds.Jacobian)]
    public static (double X, double Y) EndEffector(double q1, double q2, [NoDerivative] double l1, [NoDerivative] double l2)
    {
        double x = l1 * Math.Cos(q1) + l2 * Math.Cos(q1 + q2);
        double y = l1 * Math.Sin(q1) + l2 * Math.Sin(q1 + q2);
        return (x, y);
    }
}

/// <summary>Scalar functions whose Hessians drive Newton's method and Taylor expansions.</summary>
public static partial class SecondOrder
{
    /// <summary>Rosenbrock's banana valley, minimum 0 at (1, 1).</summary>
    [Differentiable(Kinds = DerivativeKinds.Hessian)]
    public static double Rosenbrock(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);

    /// <summary>e^{xy}: its second-order Taylor expansion around (0, 0) is 1 + xy.</summary>
    [Differentiable(Kinds = DerivativeKinds.Hessian)]
    public static double ExpOfProduct(double x, double y) => Math.Exp(x * y);
}
