// Corpus: https://github.com/bepu/bepuphysics2
// Path: BepuPhysics/Collidables/MeshInertiaHelper.cs (commit 956a679f), MeshInertiaHelper.ComputeTetrahedronVolume(Vector3, Vector3, Vector3)
// Licence: Apache-2.0 (LICENSE.md)
// Changes: namespace BepuPhysics.Collidables -> GradGen.Corpus; public static class MeshInertiaHelper -> public static partial class
//   Bepu_TetrahedronVolume;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradGen.Corpus
{
    public static partial class Bepu_TetrahedronVolume
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        [GradGen.Differentiable]
        public static float ComputeTetrahedronVolume(Vector3 a, Vector3 b, Vector3 c)
        {
            return (1f / 6f) * Vector3.Dot(Vector3.Cross(b, a), c);
        }
    }
}
