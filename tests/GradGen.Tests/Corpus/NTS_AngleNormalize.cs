// Corpus: https://github.com/NetTopologySuite/NetTopologySuite
// Path: src/NetTopologySuite/Algorithm/Angle.cs (commit 29e6a6b8), AngleUtility.Normalize with PiTimes2
// Licence: BSD-3-Clause (NetTopologySuite licence, License.md; derived from JTS, EDL-1.0)
// Changes: namespace NetTopologySuite.Algorithm -> GradGen.Corpus; public static class AngleUtility -> public static partial class NTS_AngleNormalize;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class NTS_AngleNormalize
    {
        public const double PiTimes2 = 2.0 * System.Math.PI;

        [GradGen.Differentiable]
        public static double Normalize(double angle)
        {
            while (angle > System.Math.PI)
                angle -= PiTimes2;
            while (angle <= -System.Math.PI)
                angle += PiTimes2;
            return angle;
        }
    }
}
