// Corpus: https://github.com/NetTopologySuite/NetTopologySuite
// Path: src/NetTopologySuite/Algorithm/Angle.cs (commit 29e6a6b8), AngleUtility.Diff with PiTimes2
// Licence: BSD-3-Clause (NetTopologySuite licence, License.md; derived from JTS, EDL-1.0)
// Changes: namespace NetTopologySuite.Algorithm -> GradGen.Corpus; public static class AngleUtility -> public static partial class NTS_AngleDiff;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class NTS_AngleDiff
    {
        public const double PiTimes2 = 2.0 * System.Math.PI;

        [GradGen.Differentiable]
        public static double Diff(double ang1, double ang2)
        {
            double delAngle;

            if (ang1 < ang2)
            {
                delAngle = ang2 - ang1;
            }
            else
            {
                delAngle = ang1 - ang2;
            }

            if (delAngle > System.Math.PI)
            {
                delAngle = PiTimes2 - delAngle;
            }

            return delAngle;
        }
    }
}
