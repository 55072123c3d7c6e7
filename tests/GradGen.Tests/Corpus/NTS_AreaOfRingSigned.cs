// Corpus: https://github.com/NetTopologySuite/NetTopologySuite
// Path: src/NetTopologySuite/Algorithm/Area.cs (commit 29e6a6b8), Area.OfRingSigned(Coordinate[]); Coordinate (Geometries/Coordinate.cs)
// Licence: BSD-3-Clause (NetTopologySuite licence, License.md; derived from JTS, EDL-1.0)
// Changes: namespace NetTopologySuite.Algorithm -> GradGen.Corpus; public static class Area -> public static partial class NTS_AreaOfRingSigned;
//   Coordinate reduced to X, Y and the (x, y) constructor (no interfaces, Z, M or other members); [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class NTS_AreaOfRingSigned
    {
        [GradGen.Differentiable]
        public static double OfRingSigned(Coordinate[] ring)
        {
            if (ring.Length < 3)
                return 0.0;
            double sum = 0.0;
            /*
             * Based on the Shoelace formula.
             * http://en.wikipedia.org/wiki/Shoelace_formula
             */
            double x0 = ring[0].X;
            for (int i = 1; i < ring.Length - 1; i++)
            {
                double x = ring[i].X - x0;
                double y1 = ring[i + 1].Y;
                double y2 = ring[i - 1].Y;
                sum += x * (y2 - y1);
            }
            return sum / 2.0;
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
