// Corpus: https://github.com/naudio/NAudio
// Path: src/NAudio.Core/Utils/Decibels.cs (commit 97cb1c88), Decibels.LinearToDecibels with LOG_2_DB
// Licence: MIT (Copyright 2008-2026 Mark Heath)
// Changes: file-scoped namespace NAudio.Utils -> GradGen.Corpus; public class Decibels -> public partial class NAudio_LinearToDecibels;
//   [GradGen.Differentiable] added;
//   doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public partial class NAudio_LinearToDecibels
{
    // 20 / ln( 10 )
    private const double LOG_2_DB = 8.6858896380650365530225783783321;

    [GradGen.Differentiable]
    public static double LinearToDecibels(double lin)
    {
        return Math.Log(lin) * LOG_2_DB;
    }
}
