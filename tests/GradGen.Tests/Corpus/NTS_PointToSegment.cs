// Corpus: https://github.com/NetTopologySuite/NetTopologySuite
// Path: src/NetTopologySuite/Algorithm/Distance.cs (commit 29e6a6b8), DistanceComputer.PointToSegment; Coordinate (Geometries/Coordinate.cs) with Distance(Coordinate)
// Licence: BSD-3-Clause (NetTopologySuite licence, License.md; derived from JTS, EDL-1.0)
// Changes: namespace NetTopologySuite.Algorithm -> GradGen.Corpus; public static class DistanceComputer -> public static partial class NTS_PointToSegment;
//   Coordinate reduced to X, Y, the (x, y) constructor and Distance (no interfaces, Z, M or other members); [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class NTS_PointToSegment
    {
        [GradGen.Differentiable]
        public static double PointToSegment(Coordinate p, Coordinate A,
            Coordinate B)
        {
            // if start = end, then just compute distance to one of the endpoints
            if (A.X == B.X && A.Y == B.Y)
                return p.Distance(A);

            // otherwise use comp.graphics.algorithms Frequently Asked Questions method
            /*
             * (1) r = AC dot AB
             *         ---------
             *         ||AB||^2
             *
             * r has the following meaning:
             *   r=0 P = A
             *   r=1 P = B
             *   r<0 P is on the backward extension of AB
             *   r>1 P is on the forward extension of AB
             *   0<r<1 P is interior to AB
             */

            double len2 = (B.X - A.X) * (B.X - A.X) + (B.Y - A.Y) * (B.Y - A.Y);
            double r = ((p.X - A.X) * (B.X - A.X) + (p.Y - A.Y) * (B.Y - A.Y))
                / len2;

            if (r <= 0.0)
                return p.Distance(A);
            if (r >= 1.0)
                return p.Distance(B);

            /*
             * (2) s = (Ay-Cy)(Bx-Ax)-(Ax-Cx)(By-Ay)
             *         -----------------------------
             *                    L^2
             *
             * Then the distance from C to P = |s|*L.
             *
             * This is the same calculation as DistancePointLinePerpendicular.
             * Unrolled here for performance.
             */
            double s = ((A.Y - p.Y) * (B.X - A.X) - (A.X - p.X) * (B.Y - A.Y)) / len2;
            return Math.Abs(s) * Math.Sqrt(len2);
        }
    }

    // From src/NetTopologySuite/Geometries/Coordinate.cs: the members the function uses.
    public class Coordinate
    {
#pragma warning disable IDE0032
        private double _x;

        private double _y;
#pragma warning restore IDE0032

        public double X
        {
            get => _x;
            set => _x = value;
        }

        public double Y
        {
            get => _y;
            set => _y = value;
        }

        public Coordinate(double x, double y)
        {
            X = x;
            Y = y;
        }

        public double Distance(Coordinate c)
        {
            double dx = X - c.X;
            double dy = Y - c.Y;
            return Math.Sqrt(dx * dx + dy * dy);
        }
    }
}
