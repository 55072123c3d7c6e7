using System.Numerics;
using GradGen;

namespace GradGen.Samples
{
    /// <summary>A projectile with quadratic air drag, written in System.Numerics vectors.</summary>
    public static partial class Physics
    {
        private const float Dt = 0.01f;

        /// <summary>Where a projectile launched from the origin at <paramref name="velocity"/> is after one second (100 explicit Euler steps).</summary>
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static Vector3 Flight(Vector3 velocity, float drag)
        {
            var p = Vector3.Zero;
            var v = velocity;
            var g = new Vector3(0, -9.81f, 0);
            for (int i = 0; i < 100; i++)
            {
                var a = g - drag * v.Length() * v;
                v += Dt * a;
                p += Dt * v;
            }

            return p;
        }
    }
}
