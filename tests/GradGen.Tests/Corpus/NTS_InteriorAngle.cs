// Corpus: https://github.com/NetTopologySuite/NetTopologySuite
// Path: src/NetTopologySuite/Algorithm/Angle.cs (commit 29e6a6b8), AngleUtility.InteriorAngle and its callees Angle(Coordinate, Coordinate) and NormalizePositive; Coordinate (Geometries/Coordinate.cs)
// Licence: BSD-3-Clause (NetTopologySuite licence, License.md; derived from JTS, EDL-1.0)
// Changes: namespace NetTopologySuite.Algorithm -> GradGen.Corpus; public static class AngleUtility -> public static partial class NTS_InteriorAngle;
//   Coordinate reduced to X, Y and the (x, y) constructor (no interfaces, Z, M or other members); [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class NTS_InteriorAngle
    {
        public const double PiTimes2 = 2.0 * System.Math.PI;

        [GradGen.Differentiable]
        public static double InteriorAngle(Coordinate p0, Coordinate p1, Coordinate p2)
        {
            double anglePrev = Angle(p1, p0);
            double angleNext = Angle(p1, p2);
            return NormalizePositive(angleNext - anglePrev);
        }

        [GradGen.Differentiable]
        public static double Angle(Coordinate p0, Coordinate p1)
        {
            double dx = p1.X - p0.X;
            double dy = p1.Y - p0.Y;
            return System.Math.Atan2(dy, dx);
        }

        [GradGen.Differentiable]
        public static double NormalizePositive(double angle)
        {
            if (angle < 0.0)
            {
                while (angle < 0.0)
                    angle += PiTimes2;
                // in case round-off error bumps the value over
                if (angle >= PiTimes2)
                    angle = 0.0;
            }
            else
            {
                while (angle >= PiTimes2)
                    angle -= PiTimes2;
                // in case round-off error bumps the value under
                if (angle < 0.0)
                    angle = 0.0;
            }
            return angle;
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

    }
}
