using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GradGen.Fuzzer.Tests
{
    internal enum ParamKind { Double, Float, Array, Span, Matrix, Int, NoDerivative, Tuple, Struct, PointArray, PointSpan, Vector3, Vector2, Complex, Model, Collection, ConstCollection, Output, Jagged, Out, Ref, Quaternion, Matrix4x4, Plane }

    /// <summary>How the harness passes a collection parameter: an array, a List&lt;T&gt;, or a sequence that counts its enumerations (IEnumerable only).</summary>
    internal enum Passed { Array, List, Once }

    /// <summary>
    /// The differentiable types added by the fifth RNG stream: at most one per program; Everyday: everyday C# constructs by
    /// the sixth stream, only in programs without the others; Collections: collection parameters and output arrays by the
    /// seventh, only in programs without any of those; Jagged: jagged array parameters (maybe with out/ref outputs) and OutRef:
    /// out and ref outputs, by the eighth, only in programs without any of those.
    /// </summary>
    internal enum Feature { None, Generic, Model, Numerics, Everyday, Collections, Jagged, OutRef }

    /// <summary>One parameter of a fuzzed entry method: how the harness builds it from the flat input vector.</summary>
    internal sealed class ParamSpec
    {
        public ParamKind Kind;
        public string Name = "";
        public int Length;          // Array, Span; PointArray, PointSpan (elements); Model (its array W, 0: left null)
        public int Rows, Cols;      // Matrix
        public int IntValue;        // Int
        public double ConstValue;   // NoDerivative
        public string CollectionType = "";  // Collection, ConstCollection: IReadOnlyList, IList, List, IReadOnlyCollection, ICollection, IEnumerable
        public bool ElementFloat;           // Collection: of float (else double)
        public Passed Passed;               // Collection: what the harness passes
        public double[] ConstValues = System.Array.Empty<double>(); // ConstCollection: its elements
        public int[] RowLengths = System.Array.Empty<int>();        // Jagged: the lengths of its rows (Length: their sum); ElementFloat: float[][]
        public bool In;                     // Double: an in parameter (read only)

        /// <summary>The C# element type of a collection: float or double.</summary>
        public string Element => ElementFloat ? "float" : "double";

        public bool Differentiable => Kind is ParamKind.Double or ParamKind.Float or ParamKind.Array or ParamKind.Span or ParamKind.Matrix or ParamKind.Tuple or ParamKind.Struct or ParamKind.PointArray or ParamKind.PointSpan
            or ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Model or ParamKind.Collection or ParamKind.Output
            or ParamKind.Jagged or ParamKind.Out or ParamKind.Ref or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane;

        /// <summary>A System.Numerics value passed whole (Vector3, Vector2, Complex; Quaternion, Matrix4x4, Plane: floats).</summary>
        public bool IsNumeric => Kind is ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane;

        /// <summary>A Pt[] or ReadOnlySpan&lt;Pt&gt;: its flat values go element by element, X then Y.</summary>
        public bool IsPoints => Kind is ParamKind.PointArray or ParamKind.PointSpan;

        public int FlatSize => Kind switch
        {
            ParamKind.Double or ParamKind.Float or ParamKind.Ref => 1,
            ParamKind.Array or ParamKind.Span or ParamKind.Collection or ParamKind.Output or ParamKind.Jagged => Length,
            ParamKind.Matrix => Rows * Cols,
            ParamKind.Tuple or ParamKind.Struct => 2,
            ParamKind.PointArray or ParamKind.PointSpan => 2 * Length,
            ParamKind.Vector3 => 3,
            ParamKind.Vector2 or ParamKind.Complex => 2,
            ParamKind.Quaternion or ParamKind.Plane => 4,
            ParamKind.Matrix4x4 => 16,
            ParamKind.Model => 2 + Length,
            _ => 0,
        };

        /// <summary>"x" -> "X": the suffix of the contract's derivative parameter names (dX, vX, hvX).</summary>
        public string Cap => char.ToUpperInvariant(Name[0]) + Name.Substring(1);
    }

    /// <summary>A generated program: its source (one namespace), its entry method and a harness that calls it.</summary>
    internal sealed class FuzzProgram
    {
        public int Index;
        public string Namespace = "";
        public string EntryType = "Main";
        public string EntryName = "F";
        public bool Instance;
        public bool ReturnsFloat;
        public bool UsesFloat;
        public bool Higher;         // Jacobian and Hessian kinds generated
        public bool UsesPoint;      // declares the struct Pt
        public bool PointOperators; // Pt has its members and operators
        public Feature Feature;     // the new differentiable type the program has (None: generated as before the fifth stream)
        public bool GenericEntry;   // F is F<T>: the harness calls F<double>
        public bool SingleCheck;    // also F<float>, compared with F<double> at float's precision
        public bool OutputEntry;    // F is void and fills its Output parameter: checked through the weighted sum W·(its contents after)
        public double[] OutputWeights = System.Array.Empty<double>(); // W, one per element of the output
        public bool OutRefEntry;    // F has out or ref parameters: checked through S = W·(its result, then its out/ref values after)
        public bool VoidEntry;      // OutRefEntry: F returns nothing (S has no result term)
        public bool Transforms;     // a Numerics program that may have Quaternion, Matrix4x4 and Plane values (the ninth stream)
        public double[] OutRefWeights = System.Array.Empty<double>(); // W, one per output: the result (unless void), then the out/ref parameters in order
        public List<ParamSpec> Params = new();
        public string Source = "";

        public int FlatCount => Params.Sum(p => p.FlatSize);

        public string FileName => Namespace + ".cs";

        public string HarnessFileName => Namespace + ".Harness.cs";
    }

    /// <summary>
    /// Csmith-style generator of [Differentiable] C# programs inside GradGen's documented subset. Program i depends
    /// only on (seed, i). Expressions keep their arguments in safe domains (Log of 1.5 + e², Asin of 0.9·tanh e, ...),
    /// and the statement mix is weighted toward what interacts in reverse mode: overwrites inside loops, array
    /// elements written in loops, tuple calls reassigned, early returns, break/continue.
    /// </summary>
    internal sealed partial class ProgramGenerator
    {
        private readonly Random _rng;

        /// <summary>Choices added after programs were pinned by tests (tuple parameters): a stream of their own, so programs without them stay as they were.</summary>
        private readonly Random _later;

        /// <summary>Choices added later still (the struct Pt, callees that take a tuple or Pt or return a Pt): a third stream.</summary>
        private readonly Random _types;

        /// <summary>Whether the program may have a Pt parameter and callees that take a pair or return a Pt.</summary>
        private readonly bool _withTypes;

        /// <summary>Choices added with arrays of Pt: a fourth stream, drawn only where <see cref="_withArrays"/> holds.</summary>
        private readonly Random _arrays;

        /// <summary>Whether the program may have arrays of Pt: a Pt[] or ReadOnlySpan&lt;Pt&gt; parameter, local Pt arrays, callees that take them.</summary>
        private readonly bool _withArrays;

        /// <summary>Choices of the differentiable types added last (generic math, classes, System.Numerics): a fifth stream.</summary>
        private readonly Random _more;

        private readonly Feature _feature;

        /// <summary>Whether a Numerics program has Vector2/Vector3 values, Complex values (one or both).</summary>
        private readonly bool _numVectors, _numComplex;

        private bool _withNumerics => _feature == Feature.Numerics;

        private bool MoreChance(double p) => _more.NextDouble() < p;

        /// <summary>Whether the program's Pt is a readonly record struct (else a struct of public fields); decided when first used.</summary>
        private bool? _recordPoint;

        /// <summary>Whether Pt has members read in place (Norm2, Dot) and [Differentiable] operators (+, scalar ×); decided when first asked.</summary>
        private bool? _pointMembers;

        private bool PointMembers => _pointMembers ??= TypesChance(0.5);
        private readonly FuzzProgram _program;
        private readonly List<Callee> _callees = new();
        private string _kinds = "";

        private ProgramGenerator(int seed, int index)
        {
            _rng = new Random(Mix(seed, index));
            _later = new Random(Mix(seed, index) ^ 0x5bd1e995);
            _types = new Random(Mix(seed, index) ^ 0x27d4eb2f);

            // Only some programs (4 in 10) have them, by the stream's first draw: a band that the programs the tests pin
            // (seed 7 #392, 11 #568, 20261207 #6023: draws 0.81, 0.30, 0.80) fall outside, so they stay as they were.
            var draw = _types.NextDouble();
            _withTypes = draw >= 0.35 && draw < 0.75;

            // Arrays of Pt in 3 in 4 of those programs, by the fourth stream: the others stay as they were too.
            _arrays = new Random(Mix(seed, index) ^ 0x165667b1);
            _withArrays = _withTypes && _arrays.NextDouble() < 0.75;

            // The fifth stream: generic math, a class of model parameters, or System.Numerics vectors and Complex, in
            // about 4 programs in 10 (by its first draw: the pinned programs, draws 0.35, 0.80 and 0.67, fall outside). Generic math and classes are
            // rewrites of the finished program (FeatureRewriter), so its own draws are those it had; Numerics adds
            // statements and expressions whose weights are 0 elsewhere.
            _more = new Random(Mix(seed, index) ^ 0x3c6ef372);
            var more = _more.NextDouble();
            _feature = more < 0.13 ? Feature.Generic : more < 0.26 ? Feature.Model : more >= 0.36 && more < 0.50 ? Feature.Numerics : Feature.None;
            _numVectors = _feature == Feature.Numerics && _more.NextDouble() < 0.6;
            _numComplex = _feature == Feature.Numerics && (!_numVectors || _more.NextDouble() < 0.4);
            // The sixth stream: everyday C# constructs (throw, switch expressions and patterns, %, Convert, local functions,
            // lambdas and delegates, plain helpers taking a Func or ref/out, LINQ, params, assignments in conditions,
            // objects made in the body), in about a third of the programs without a fifth-stream type (by its first draw:
            // the pinned programs, draws 0.65, 0.74 and 0.97, fall outside).
            _every = new Random(Mix(seed, index) ^ 0x61c88647);
            var every = _every.NextDouble();
            _withEveryday = _feature == Feature.None && every >= 0.10 && every < 0.45;
            // The seventh stream: collection parameters and output arrays (void methods filling an array, and callers
            // filling local arrays through them), in 4 in 10 of the programs with neither a fifth-stream type nor the
            // everyday constructs, about 3 in 20 in all (by its first draw: the pinned programs, draws 0.003, 0.92 and 0.96,
            // fall outside; every other program is generated byte for byte as before, 2,556 of 3,000 hashed).
            _coll = new Random(Mix(seed, index) ^ 0x2f3a9c51);
            var coll = _coll.NextDouble();
            _withCollections = _feature == Feature.None && !_withEveryday && coll >= 0.20 && coll < 0.60;
            // The eighth stream: jagged array parameters (a third of them with out/ref outputs too) and out/ref outputs, in
            // about half of the programs with none of the above (about 3 in 20 in all), by its first draw: the pinned
            // programs, draws 0.73, 0.48 and 0.83, fall outside.
            _jag = new Random(Mix(seed, index) ^ 0x7feb352d);
            var jag = _jag.NextDouble();
            bool plain = _feature == Feature.None && !_withEveryday && !_withCollections;
            _withJagged = plain && jag < 0.28;
            _withOutRef = plain && ((jag >= 0.50 && jag < 0.70) || (_withJagged && _jag.NextDouble() < 0.35));
            // The ninth stream: Quaternion, Matrix4x4 and Plane values in 6 in 10 of the Numerics programs (about 1 in 12 in
            // all), by its first draw; every other program is generated byte for byte as before (ProgramGenerator.Transforms.cs).
            _nine = new Random(Mix(seed, index) ^ 0x4cf5ad43);
            _withRot = _feature == Feature.Numerics && _nine.NextDouble() < 0.6;
            if (_withRot)
            {
                _rotQ = RotChance(0.65);
                _rotM = RotChance(0.5);
                _rotP = RotChance(0.4) || (!_rotQ && !_rotM);
            }

            _program = new FuzzProgram { Index = index, Namespace = "Fz" + index.ToString(CultureInfo.InvariantCulture) };
        }

        public static int Mix(int seed, int index)
        {
            unchecked
            {
                ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)index * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                return (int)(z & 0x7FFFFFFF);
            }
        }

        public static FuzzProgram Generate(int seed, int index) => new ProgramGenerator(seed, index).Build();

        // ------------------------------------------------------------------------------------------------------------

        internal enum CalleeKind { Scalar, Tuple, Recursive, ArrayArg, PairArg, PointArrayArg, NumericArg, ParamsArg, CollArg, Fill, OutRef }

        internal sealed class Callee
        {
            public string Type = "";      // "Main" or "Other"
            public string Name = "";
            public CalleeKind Kind;
            public int Arity;
            public bool Instance;
            public bool PreferThis;
            public bool PairIsStruct;   // PairArg: takes a Pt (else a (double X, double Y))
            public bool TakesSpan;      // PointArrayArg: takes a ReadOnlySpan<Pt> (else a Pt[])
            public bool ReturnsPoint;   // Tuple: returns a Pt (else a (double A, double B))
            public ParamKind Numeric;   // NumericArg: takes a Vector3, Vector2 or Complex
            public string CollectionType = "";  // CollArg: its collection parameter's interface; Fill: its input collection's ("" none)
            public bool ElementFloat;           // CollArg: of float; Fill: its output is a float[]
            public bool FillArray;              // Fill: takes a double[] input
            public List<string> Slots = new();  // Fill: its parameters in order: "u" (a real), "o" (the output), "a" (a double[]), "cv" (a collection); OutRef: "u" (a real), "o" (out), "r" (ref)
            public bool VoidResult;             // OutRef: returns nothing

            /// <summary>The element names of a Tuple callee's result.</summary>
            public (string A, string B) Elements => ReturnsPoint ? (".X", ".Y") : (".A", ".B");
        }

        private bool Chance(double p) => _rng.NextDouble() < p;

        private bool LaterChance(double p) => _later.NextDouble() < p;

        private bool TypesChance(double p) => _types.NextDouble() < p;

        private bool ArraysChance(double p) => _arrays.NextDouble() < p;

        private bool RecordPoint
        {
            get
            {
                _program.UsesPoint = true;
                return _recordPoint ??= TypesChance(0.5);
            }
        }

        /// <summary>A Pt made of two values: by its constructor (record) or its object initializer (fields).</summary>
        private string MakePoint(string x, string y) => RecordPoint ? "new Pt(" + x + ", " + y + ")" : "new Pt { X = " + x + ", Y = " + y + " }";

        private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

        private FuzzProgram Build()
        {
            var p = _program;
            p.Instance = Chance(0.3);
            p.Higher = Chance(0.2);
            p.ReturnsFloat = !p.Higher && Chance(0.12);
            bool floatParam = !p.Higher && Chance(0.15);
            _kinds = p.Higher
                ? "(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)"
                : "";

            // Parameters: 1-3 scalars, maybe an array, a matrix, a span, an int and a [NoDerivative] double, shuffled.
            var names = new Queue<string>(new[] { "x", "y", "z", "w" });
            var ps = new List<ParamSpec>();
            int scalars = 1 + _rng.Next(p.Higher ? 2 : 3);
            for (int k = 0; k < scalars; k++)
            {
                ps.Add(new ParamSpec { Kind = ParamKind.Double, Name = names.Dequeue() });
            }

            if (floatParam)
            {
                ps.Add(new ParamSpec { Kind = ParamKind.Float, Name = "f" });
            }

            if (Chance(0.55))
            {
                ps.Add(new ParamSpec { Kind = ParamKind.Array, Name = "a", Length = 2 + _rng.Next(4) });
            }

            if (Chance(0.2))
            {
                ps.Add(new ParamSpec { Kind = ParamKind.Matrix, Name = "m", Rows = 2, Cols = 2 + _rng.Next(2) });
            }

            if (Chance(0.2))
            {
                ps.Add(new ParamSpec { Kind = ParamKind.Span, Name = "s", Length = 2 + _rng.Next(3) });
            }

            if (Chance(0.5))
            {
                ps.Add(new ParamSpec { Kind = ParamKind.Int, Name = "n", IntValue = 1 + _rng.Next(4) });
            }

            if (Chance(0.25))
            {
                ps.Add(new ParamSpec { Kind = ParamKind.NoDerivative, Name = "c", ConstValue = Math.Round(0.3 + _rng.NextDouble(), 2) });
            }

            // A stable shuffle: the flat index follows declaration order, whatever it is.
            for (int k = ps.Count - 1; k > 0; k--)
            {
                int j = _rng.Next(k + 1);
                (ps[k], ps[j]) = (ps[j], ps[k]);
            }

            if (LaterChance(0.2))
            {
                ps.Insert(_later.Next(ps.Count + 1), new ParamSpec { Kind = ParamKind.Tuple, Name = "pt" });
            }

            if (_withTypes && TypesChance(0.25))
            {
                ps.Insert(_types.Next(ps.Count + 1), new ParamSpec { Kind = ParamKind.Struct, Name = "ps" });
                p.UsesPoint = true;
            }

            if (_withArrays && ArraysChance(0.6))
            {
                var kind = ArraysChance(0.7) ? ParamKind.PointArray : ParamKind.PointSpan;
                ps.Insert(_arrays.Next(ps.Count + 1), new ParamSpec { Kind = kind, Name = "pts", Length = 2 + _arrays.Next(3) });
                p.UsesPoint = true;
            }

            if (_withNumerics && MoreChance(0.5))
            {
                // A vector parameter (float: not in Hessian programs) or a Complex one.
                var kind = _numVectors && !p.Higher && (!_numComplex || MoreChance(0.5)) ? (MoreChance(0.7) ? ParamKind.Vector3 : ParamKind.Vector2) : _numComplex ? ParamKind.Complex : (ParamKind?)null;
                if (kind is { } k)
                {
                    ps.Insert(_more.Next(ps.Count + 1), new ParamSpec { Kind = k, Name = k == ParamKind.Complex ? "cz" : k == ParamKind.Vector3 ? "vc" : "vd" });
                    floatParam |= k != ParamKind.Complex;
                }
            }

            if (_withRot && !p.Higher)
            {
                // Quaternion, Matrix4x4 and Plane parameters (floats: not in Hessian programs), by the ninth stream.
                floatParam |= TransformParams(ps);
            }

            if (_withCollections)
            {
                // Collection parameters, maybe a [NoDerivative] one; an output entry's output array (seventh stream).
                p.OutputEntry = CollChance(0.35);
                p.ReturnsFloat &= !p.OutputEntry;
                floatParam |= CollectionParams(ps, p.Higher, p.OutputEntry);
            }

            if (_withJagged || _withOutRef)
            {
                // Jagged parameters, and the entry's out and ref parameters (eighth stream).
                floatParam |= JaggedParams(ps, p);
            }

            p.Params = ps;
            p.UsesFloat = floatParam || p.ReturnsFloat;

            var main = new StringBuilder();
            var other = new StringBuilder();

            // Callees first, so that the entry (and later callees) can call earlier ones.
            int calleeCount = _rng.Next(6);
            if (_withCollections && calleeCount == 0)
            {
                calleeCount = 1 + _coll.Next(3); // callees that fill arrays or take collections: at least one
            }

            for (int k = 0; k < calleeCount; k++)
            {
                GenerateCallee(k, main, other);
            }

            var body = new BodyGen(this, isEntry: true, returnsFloat: p.ReturnsFloat, returnsTuple: false) { Void = p.OutputEntry || p.VoidEntry };
            foreach (var param in ps)
            {
                body.AddParam(param);
            }

            if (p.Instance)
            {
                body.HasThis = true;
            }

            string bodyText = body.GenerateBody(10 + _rng.Next(16));
            if (body.UsesFloat)
            {
                p.UsesFloat = true;
            }

            var sig = string.Join(", ", ps.Select(Declare));
            var entry = new StringBuilder();
            entry.Append("        [Differentiable").Append(p.OutputEntry || p.OutRefEntry ? (p.Higher ? OutputKinds : "") : _kinds).AppendLine("]");
            entry.Append("        public ").Append(p.Instance ? "" : "static ").Append(p.OutputEntry || p.VoidEntry ? "void" : p.ReturnsFloat ? "float" : "double")
                .Append(" F(").Append(sig).AppendLine(")");
            entry.Append(bodyText);

            var src = new StringBuilder();
            src.AppendLine("using System;");
            if (_feature == Feature.Numerics)
            {
                src.AppendLine("using System.Numerics;");
            }

            if (_withCollections)
            {
                src.AppendLine("using System.Collections.Generic;");
            }

            if (_withEveryday || _withCollections)
            {
                src.AppendLine("using System.Linq;");
            }

            src.AppendLine("using GradGen;");
            src.AppendLine();
            src.Append("namespace ").AppendLine(p.Namespace);
            src.AppendLine("{");
            if (p.UsesPoint)
            {
                if (!PointMembers)
                {
                    src.AppendLine(RecordPoint ? "    public readonly record struct Pt(double X, double Y);" : "    public struct Pt { public double X; public double Y; }");
                }
                else
                {
                    p.PointOperators = true;
                    src.AppendLine(RecordPoint ? "    public readonly partial record struct Pt(double X, double Y)" : "    public partial struct Pt");
                    src.AppendLine("    {");
                    if (!RecordPoint)
                    {
                        src.AppendLine("        public double X;");
                        src.AppendLine("        public double Y;");
                    }

                    src.AppendLine("        public double Norm2 => X * X + Y * Y;");
                    src.AppendLine("        public double Dot(Pt o) => X * o.X + Y * o.Y;");
                    src.AppendLine("        [Differentiable] public static Pt operator +(Pt a, Pt b) => " + MakePoint("a.X + b.X", "a.Y + b.Y") + ";");
                    src.AppendLine("        [Differentiable] public static Pt operator *(double s, Pt a) => " + MakePoint("s * a.X", "s * a.Y") + ";");
                    src.AppendLine("    }");
                }

                src.AppendLine();
            }

            src.Append("    public ").Append(p.Instance ? "" : "static ").AppendLine("partial class Main");
            src.AppendLine("    {");
            if (p.Instance)
            {
                src.AppendLine("        public double K = 0.75;");
                src.AppendLine("        public double P => 1.25;");
                src.AppendLine();
            }

            src.Append(entry);
            src.AppendLine("    }");
            if (main.Length > 0)
            {
                src.AppendLine();
                src.Append("    public ").Append(p.Instance ? "" : "static ").AppendLine("partial class Main");
                src.AppendLine("    {");
                src.Append(main);
                src.AppendLine("    }");
            }

            if (other.Length > 0)
            {
                src.AppendLine();
                src.AppendLine("    public static partial class Other");
                src.AppendLine("    {");
                src.Append(other);
                src.AppendLine("    }");
            }

            if (_withEveryday)
            {
                src.Append(EverydayMembers());
            }

            src.AppendLine("}");
            p.Source = src.ToString();
            if (_feature == Feature.Numerics)
            {
                p.Feature = Feature.Numerics;
                p.Transforms = _withRot;
            }
            else if (_withEveryday)
            {
                p.Feature = Feature.Everyday;
            }
            else if (_withCollections)
            {
                p.Feature = Feature.Collections;
            }
            else if (_withJagged)
            {
                p.Feature = Feature.Jagged;
            }
            else if (_withOutRef)
            {
                p.Feature = Feature.OutRef;
            }
            else if (_feature is Feature.Generic or Feature.Model)
            {
                FeatureRewriter.Apply(p, _feature, _more);
            }

            return p;
        }

        private string Declare(ParamSpec p) => p.Kind switch
        {
            ParamKind.Double => (p.In ? "in double " : "double ") + p.Name,
            ParamKind.Float => "float " + p.Name,
            ParamKind.Array => "double[] " + p.Name,
            ParamKind.Span => "ReadOnlySpan<double> " + p.Name,
            ParamKind.Matrix => "double[,] " + p.Name,
            ParamKind.Int => "int " + p.Name,
            ParamKind.NoDerivative => "[NoDerivative] double " + p.Name,
            ParamKind.Tuple => "(double X, double Y) " + p.Name,
            ParamKind.Struct => "Pt " + p.Name,
            ParamKind.PointArray => "Pt[] " + p.Name,
            ParamKind.PointSpan => "ReadOnlySpan<Pt> " + p.Name,
            ParamKind.Vector3 => "Vector3 " + p.Name,
            ParamKind.Vector2 => "Vector2 " + p.Name,
            ParamKind.Complex => "Complex " + p.Name,
            ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane => p.Kind + " " + p.Name,
            ParamKind.Collection => p.CollectionType + "<" + p.Element + "> " + p.Name,
            ParamKind.ConstCollection => "[NoDerivative] " + p.CollectionType + "<double> " + p.Name,
            ParamKind.Output => "double[] " + p.Name,
            ParamKind.Jagged => (p.ElementFloat ? "float[][] " : "double[][] ") + p.Name,
            ParamKind.Out => "out " + p.Element + " " + p.Name,
            ParamKind.Ref => "ref " + p.Element + " " + p.Name,
            _ => throw new InvalidOperationException(),
        };

        private void GenerateCallee(int k, StringBuilder main, StringBuilder other)
        {
            var kinds = new List<CalleeKind> { CalleeKind.Scalar, CalleeKind.Scalar, CalleeKind.Recursive, CalleeKind.ArrayArg };
            if (!_program.Higher)
            {
                kinds.Add(CalleeKind.Tuple);
                kinds.Add(CalleeKind.Tuple);
                kinds.Add(CalleeKind.Tuple);
                kinds.Add(CalleeKind.Tuple);
            }

            // (No Fill callee in a Hessian program with a scalar entry: its callers, of the Hessian kind, could not call it.)
            // (No out/ref callee in a Hessian program: its callers, of the Hessian kind, could not call it.)
            var kind = _withOutRef && !_program.Higher && JagChance(0.45) ? CalleeKind.OutRef
                : _withCollections && CollChance(0.65) ? (CollChance(0.55) && (!_program.Higher || _program.OutputEntry) ? CalleeKind.Fill : CalleeKind.CollArg)
                : _withEveryday && EveryChance(0.2) ? CalleeKind.ParamsArg
                : _withNumerics && MoreChance(0.3) ? CalleeKind.NumericArg
                : _withArrays && ArraysChance(0.2) ? CalleeKind.PointArrayArg
                : _withTypes && TypesChance(0.25) ? CalleeKind.PairArg
                : Pick(kinds);
            bool inOther = kind != CalleeKind.Recursive && Chance(0.4);
            bool instance = !inOther && _program.Instance && kind != CalleeKind.Recursive && Chance(0.4);
            string name = kind switch
            {
                CalleeKind.Tuple => "T",
                CalleeKind.Recursive => "R",
                CalleeKind.ArrayArg => "S",
                CalleeKind.PairArg => "Q",
                CalleeKind.PointArrayArg => "V",
                CalleeKind.NumericArg => "N",
                CalleeKind.ParamsArg => "P",
                CalleeKind.CollArg => "C",
                CalleeKind.Fill => "Fill",
                CalleeKind.OutRef => "G",
                _ => inOther ? "K" : "H",
            } + k.ToString(CultureInfo.InvariantCulture);
            var sb = inOther ? other : main;
            string access = Chance(0.5) ? "public" : "internal";
            string mods = access + (instance ? " " : " static ");
            if (kind == CalleeKind.Fill)
            {
                GenerateFill(sb, name, mods, inOther, instance);
                return;
            }

            if (kind == CalleeKind.OutRef)
            {
                GenerateOutRefCallee(sb, name, mods, inOther, instance);
                return;
            }

            string kindsAttr = kind == CalleeKind.Tuple ? "" : _kinds;
            var body = new BodyGen(this, isEntry: false, returnsFloat: false, returnsTuple: kind == CalleeKind.Tuple) { HasThis = instance, OwnType = inOther ? "Other" : "Main" };
            var callee = new Callee { Type = inOther ? "Other" : "Main", Name = name, Kind = kind, Instance = instance };
            callee.ReturnsPoint = body.ReturnsPoint = _withTypes && kind == CalleeKind.Tuple && TypesChance(0.4);
            _program.UsesPoint |= callee.ReturnsPoint;
            string sig;
            int arity;
            switch (kind)
            {
                case CalleeKind.PairArg:
                    callee.PairIsStruct = TypesChance(0.5);
                    _program.UsesPoint |= callee.PairIsStruct;
                    sig = (callee.PairIsStruct ? "Pt" : "(double X, double Y)") + " p, double u";
                    arity = 1;
                    body.AddParam(new ParamSpec { Kind = callee.PairIsStruct ? ParamKind.Struct : ParamKind.Tuple, Name = "p" });
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    break;
                case CalleeKind.NumericArg:
                    // (A Quaternion, Matrix4x4 or Plane, by the ninth stream, where the program has them.)
                    callee.Numeric = _withRot && RotChance(0.5) ? RotKind()
                        : _numVectors && (!_numComplex || MoreChance(0.5)) ? (MoreChance(0.7) ? ParamKind.Vector3 : ParamKind.Vector2) : ParamKind.Complex;
                    sig = callee.Numeric + " p, double u";
                    arity = 1;
                    body.AddParam(new ParamSpec { Kind = callee.Numeric, Name = "p" });
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    break;
                case CalleeKind.PointArrayArg:
                    callee.TakesSpan = ArraysChance(0.4);
                    _program.UsesPoint = true;
                    sig = (callee.TakesSpan ? "ReadOnlySpan<Pt>" : "Pt[]") + " pts, double u";
                    arity = 1;
                    body.AddParam(new ParamSpec { Kind = callee.TakesSpan ? ParamKind.PointSpan : ParamKind.PointArray, Name = "pts", Length = -1 });
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    break;
                case CalleeKind.Recursive:
                    sig = "double u, int depth";
                    arity = 1;
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    body.AddIntName("depth");
                    body.RecursiveName = name;
                    break;
                case CalleeKind.ParamsArg:
                    sig = "double u, params double[] vs";
                    arity = 1;
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    body.AddParam(new ParamSpec { Kind = ParamKind.Array, Name = "vs", Length = -1 });
                    break;
                case CalleeKind.CollArg:
                {
                    // A collection interface (not List<T>: a caller's IReadOnlyList could not be passed), of double or float.
                    callee.CollectionType = Pick(CalleeCollectionTypes);
                    callee.ElementFloat = !_program.Higher && Chance(0.25);
                    var spec = new ParamSpec { Kind = ParamKind.Collection, Name = "cv", CollectionType = callee.CollectionType, ElementFloat = callee.ElementFloat, Length = -1 };
                    sig = Declare(spec) + ", double u";
                    arity = 1;
                    body.AddParam(spec);
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    break;
                }

                case CalleeKind.ArrayArg:
                    sig = "double[] arr, double u";
                    arity = 1;
                    body.AddParam(new ParamSpec { Kind = ParamKind.Array, Name = "arr", Length = -1 });
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    break;
                default:
                    arity = 1 + _rng.Next(2);
                    sig = arity == 1 ? "double u" : "double u, double v";
                    body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
                    if (arity == 2)
                    {
                        body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "v" });
                    }

                    break;
            }

            string text = body.GenerateBody(kind == CalleeKind.Recursive ? 2 + _rng.Next(3) : 2 + _rng.Next(8));
            if (body.UsesFloat)
            {
                _program.UsesFloat = true;
            }

            string ret = callee.ReturnsPoint ? "Pt" : kind == CalleeKind.Tuple ? "(double A, double B)" : "double";
            sb.Append("        [Differentiable").Append(kindsAttr).AppendLine("]");
            sb.Append("        ").Append(mods).Append(ret).Append(' ').Append(name).Append('(').Append(sig).AppendLine(")");
            sb.Append(text);
            sb.AppendLine();
            callee.Arity = arity;
            callee.PreferThis = Chance(0.5);
            _callees.Add(callee);
        }

        // ------------------------------------------------------------------------------------------------------------

        // Tuple: a tuple or Pt local (Var.Point), read by element; Whole: a tuple or Pt parameter or foreach variable,
        // passed on whole; PtArr, PtSpan: a Pt[] (parameter or local) and a ReadOnlySpan<Pt> parameter.
        // V2, V3, Cx: a Vector2, Vector3 or Complex parameter or local (Numerics programs).
        // Coll: a collection parameter (CollType its interface, ElemFloat of float, NoDeriv [NoDerivative]); FArr: a local float[]
        // (filled by a callee whose output is a float[]).
        // Jag: a jagged array parameter (ElemFloat: float[][]); Row: one of its rows in a local (read only).
        // Q, M4, Pl: a Quaternion, Matrix4x4 or Plane parameter or local (Numerics programs with the ninth stream's types).
        private enum VT { D, F, I, Arr, Span, Mat, IntArr, Tuple, Whole, PtArr, PtSpan, V2, V3, Cx, Fn, Fn2, Act, Obj, Coll, FArr, Jag, Row, Q, M4, Pl }

        private sealed class Var
        {
            public string Name = "";
            public VT Type;
            public bool Writable;
            public bool IsParam;
            public bool Point;
            public bool LocalFunction;  // Fn: a local function (else a delegate local)
            public string? Writes;      // Act: the captured local it writes
            public string CollType = "";  // Coll: IReadOnlyList, IList, List, IReadOnlyCollection, ICollection or IEnumerable
            public bool ElemFloat;      // Coll: of float
            public bool NoDeriv;        // Coll: [NoDerivative]
            public bool Output;         // Arr: the method's output array (a void method's)
            public bool OutRef;         // D, F: an out or ref parameter of the method
            public bool Bounded;        // Q, M4, Pl: of bounded size (ProgramGenerator.Transforms.cs), safe to invert or normalize after an offset

            public (string A, string B) Elements => Point ? (".X", ".Y") : (".A", ".B");
        }

        /// <summary>Generates one method body; tracks scopes, loop depth and where tuple-call elements may appear.</summary>
        private sealed partial class BodyGen
        {
            private readonly ProgramGenerator _g;
            private readonly bool _isEntry;
            private readonly bool _returnsFloat;
            private readonly bool _returnsTuple;
            private readonly List<List<Var>> _scopes = new() { new List<Var>() };
            private readonly StringBuilder _sb = new();
            private int _indent = 2;
            private int _names;
            private int _loopDepth;
            private int _nest;
            private bool _hasSpanLocal;
            private int _budget;

            public BodyGen(ProgramGenerator g, bool isEntry, bool returnsFloat, bool returnsTuple)
            {
                _g = g;
                _isEntry = isEntry;
                _returnsFloat = returnsFloat;
                _returnsTuple = returnsTuple;
            }

            public bool HasThis;
            public bool ReturnsPoint;
            public string OwnType = "Main";
            public bool UsesFloat;

            /// <summary>A void method filling its output array: no return value.</summary>
            public bool Void;
            public string? RecursiveName;

            private Random R => _g._rng;

            private bool Chance(double p) => _g.Chance(p);

            private IEnumerable<Var> All => _scopes.SelectMany(s => s);

            private List<Var> OfType(params VT[] types) => All.Where(v => types.Contains(v.Type) && (_closure == 0 || v.Type is not (VT.Span or VT.PtSpan)) && (_hidden.Count == 0 || !_hidden.Contains(v.Name))).ToList();

            public void AddParam(ParamSpec p)
            {
                if (p.Kind is ParamKind.Jagged or ParamKind.Out or ParamKind.Ref)
                {
                    // A jagged array is read only; an out parameter comes into scope once assigned (OutPrologue), a ref one is read and written.
                    var v = p.Kind == ParamKind.Jagged
                        ? new Var { Name = p.Name, Type = VT.Jag, IsParam = true, ElemFloat = p.ElementFloat }
                        : new Var { Name = p.Name, Type = p.ElementFloat ? VT.F : VT.D, IsParam = true, Writable = true, OutRef = true };
                    (p.Kind == ParamKind.Out ? _pendingOuts : _scopes[0]).Add(v);
                    UsesFloat |= p.ElementFloat;
                    return;
                }

                if (p.Kind is ParamKind.Collection or ParamKind.ConstCollection)
                {
                    _scopes[0].Add(new Var { Name = p.Name, Type = VT.Coll, IsParam = true, CollType = p.CollectionType, ElemFloat = p.ElementFloat, NoDeriv = p.Kind == ParamKind.ConstCollection });
                    UsesFloat |= p.ElementFloat;
                    return;
                }

                if (p.Kind == ParamKind.Output)
                {
                    // The void method's output: an array parameter its body writes (and may read before).
                    _scopes[0].Add(new Var { Name = p.Name, Type = p.ElementFloat ? VT.FArr : VT.Arr, IsParam = true, Writable = true, Output = true });
                    UsesFloat |= p.ElementFloat;
                    return;
                }

                if (p.Kind is ParamKind.Tuple or ParamKind.Struct)
                {
                    // Its elements are scalars the body reads and may overwrite (not a record Pt's).
                    bool Writable() => p.Kind == ParamKind.Tuple ? _g.LaterChance(0.3) : !_g.RecordPoint && _g.TypesChance(0.3);
                    _scopes[0].AddRange(Whole(p.Name, p.Kind == ParamKind.Struct, Writable));
                    return;
                }

                var type = p.Kind switch
                {
                    ParamKind.Double or ParamKind.NoDerivative => VT.D,
                    ParamKind.Float => VT.F,
                    ParamKind.Array => VT.Arr,
                    ParamKind.Span => VT.Span,
                    ParamKind.Matrix => VT.Mat,
                    ParamKind.PointArray => VT.PtArr,
                    ParamKind.PointSpan => VT.PtSpan,
                    ParamKind.Vector3 => VT.V3,
                    ParamKind.Vector2 => VT.V2,
                    ParamKind.Complex => VT.Cx,
                    ParamKind.Quaternion => VT.Q,
                    ParamKind.Matrix4x4 => VT.M4,
                    ParamKind.Plane => VT.Pl,
                    _ => VT.I,
                };
                // A scalar parameter may be overwritten (it is a local); a [NoDerivative] one may not (GG0005).
                _scopes[0].Add(new Var { Name = p.Name, Type = type, IsParam = true, Writable = p.Kind is ParamKind.Double && _g.Chance(0.3) && !p.In, Bounded = true });
                if (type is VT.F or VT.V2 or VT.V3 or VT.Q or VT.M4 or VT.Pl)
                {
                    UsesFloat = true;
                }
            }

            /// <summary>A tuple or Pt that may be passed on whole, and its elements: scalars the body reads (and may write where <paramref name="writable"/> says).</summary>
            private static IEnumerable<Var> Whole(string name, bool point, Func<bool> writable) => new[]
            {
                new Var { Name = name + ".X", Type = VT.D, Writable = writable() },
                new Var { Name = name + ".Y", Type = VT.D, Writable = writable() },
                new Var { Name = name, Type = VT.Whole, Point = point },
            };

            public void AddIntName(string name) => _scopes[0].Add(new Var { Name = name, Type = VT.I, IsParam = true });

            private string Fresh(string prefix) => prefix + (_names++).ToString(CultureInfo.InvariantCulture);

            private void Line(string text) => _sb.Append(' ', _indent * 4).AppendLine(text);

            private static string Lit(double d)
            {
                var s = d.ToString("0.0##", CultureInfo.InvariantCulture);
                return s;
            }

            private string Const()
            {
                var c = Math.Round(R.NextDouble() * 2.4 - 1.2, 2);
                return Lit(Math.Abs(c) < 0.05 ? 0.5 : c);
            }

            private string PosConst() => Lit(Math.Round(0.2 + R.NextDouble(), 2));

            public string GenerateBody(int statements)
            {
                _budget = statements;
                Line("{");
                _indent++;
                if (RecursiveName != null)
                {
                    // depth <= 0 ends the recursion; the recursive call sits in the last statement.
                    Line("if (depth <= 0) return " + Expr(2) + ";");
                    Statements(_budget);
                    Line("return " + RecursiveName + "(" + Squash(Expr(2)) + ", depth - 1) * " + PosConst() + " + " + Expr(2) + ";");
                }
                else if (Void && _scopes[0].Any(v => v.Output))
                {
                    OutputBody(_budget);
                }
                else if (Void)
                {
                    // A void method whose outputs are out/ref parameters.
                    OutPrologue();
                    Statements(_budget);
                    OutRefEpilogue();
                }
                else
                {
                    if (_pendingOuts.Count > 0 || _scopes[0].Any(v => v.OutRef))
                    {
                        OutPrologue();
                        Statements(_budget);
                        OutRefEpilogue();
                    }
                    else
                    {
                        Statements(_budget);
                    }

                    Line("return " + ReturnValue() + ";");
                }

                _indent--;
                Line("}");
                return _sb.ToString();
            }

            private string ReturnValue()
            {
                if (_returnsTuple)
                {
                    return ReturnsPoint ? _g.MakePoint(Expr(3), Expr(3)) : "(" + Expr(3) + ", " + Expr(3) + ")";
                }

                return _returnsFloat ? "(float)(" + Expr(3) + ")" : Expr(3);
            }

            private void Statements(int count)
            {
                for (int k = 0; k < count && _budget > 0; k++)
                {
                    _budget--;
                    Statement();
                }
            }

            private void Block(int count)
            {
                _scopes.Add(new List<Var>());
                _nest++;
                Statements(count);
                _nest--;
                _scopes.RemoveAt(_scopes.Count - 1);
            }

            private void Statement()
            {
                var writableD = OfType(VT.D).Where(v => v.Writable).ToList();
                var localArrays = OfType(VT.Arr, VT.Span).Where(v => v.Writable).ToList();
                var floats = OfType(VT.F).Where(v => v.Writable).ToList();
                var tuples = OfType(VT.Tuple);
                var tupleCallees = Callees.Where(c => c.Kind == CalleeKind.Tuple).ToList();
                var pointArrays = OfType(VT.PtArr, VT.PtSpan);
                var pointLocals = OfType(VT.PtArr).Where(v => v.Writable).ToList();
                var numLocals = OfType(VT.V2, VT.V3, VT.Cx).Where(v => v.Writable).ToList();
                bool inLoop = _loopDepth > 0;

                // Weights: (what, weight)
                var choices = new List<(int Kind, double W)>
                {
                    (0, writableD.Count < 2 ? 4 : 1.5),             // declare a double local
                    (1, writableD.Count > 0 ? (inLoop ? 6 : 3) : 0), // overwrite
                    (2, writableD.Count > 0 ? (inLoop ? 4 : 2) : 0), // compound assignment
                    (3, writableD.Count > 0 ? 0.7 : 0),              // ++ / --
                    (4, _nest < 3 ? 1.5 : 0),                        // if / else
                    (5, _nest < 3 && _loopDepth < 2 ? 3 : 0),        // for loop
                    (6, _nest < 3 && _loopDepth < 2 ? 1.2 : 0),      // while / do loop
                    (7, inLoop ? 1.2 : 0),                           // break / continue
                    (8, _nest > 0 ? (inLoop ? 1.2 : 0.6) : 0.2),     // early return
                    (9, _loopDepth == 0 ? 1.0 : 0.2),                // local array
                    (10, localArrays.Count > 0 ? (inLoop ? 5 : 2) : 0), // array element write
                    (11, tupleCallees.Count > 0 ? (inLoop ? 4 : 3) : 0),            // tuple call: deconstruct / reassign / element
                    (12, tuples.Count > 0 ? 2 : 0),                  // use / overwrite a tuple local
                    (13, 0.5),                                       // float local
                    (14, floats.Count > 0 ? 1.0 : 0),                // float overwrite
                    (15, !_hasSpanLocal && _loopDepth == 0 && _nest == 0 && _isEntry ? 0.4 : 0), // stackalloc scratch
                    (16, OfType(VT.Arr, VT.Span, VT.PtArr, VT.PtSpan).Count > 0 && writableD.Count > 0 ? 0.6 : 0), // foreach
                    (17, OfType(VT.I).Count > 0 && _nest < 3 && writableD.Count > 0 ? 0.4 : 0), // switch on an int
                    (18, localArrays.Count > 0 && _loopDepth == 0 ? 0.5 : 0), // int[] index array
                    // Arrays of Pt, only where the program may have them (weight 0 elsewhere: the same draws as before).
                    (19, _g._withArrays && _loopDepth == 0 ? 1.0 : 0),           // local Pt array
                    (20, pointLocals.Count > 0 ? (inLoop ? 4 : 2) : 0),          // Pt array element write
                    (21, pointArrays.Count > 0 ? 0.8 : 0),                       // Pt local from an element
                    // System.Numerics values, only in Numerics programs (weight 0 elsewhere).
                    (22, _g._withNumerics && _nest < 3 ? 1.2 : 0),                                     // a vector or Complex local
                    (23, numLocals.Count > 0 ? (inLoop ? 3 : 1.5) : 0),                               // one updated
                    (24, OfType(VT.V2, VT.V3, VT.Cx).Count > 0 && writableD.Count > 0 ? 1.5 : 0),     // a double from one
                    // Everyday C# constructs, only in Everyday programs (weight 0 elsewhere).
                    (25, _g._withEveryday ? 3.0 : 0),
                    // Collections and output arrays, only in Collections programs (weight 0 elsewhere).
                    (26, _g._withCollections ? 3.0 : 0),
                    // Jagged arrays and calls with out/ref arguments, only in programs with them (weight 0 elsewhere).
                    (27, _g._withJagged || _g._withOutRef ? 2.5 : 0),
                    // Quaternion, Matrix4x4 and Plane values, only in programs with them (weight 0 elsewhere).
                    (28, _g._withRot && _nest < 3 ? 1.5 : 0),                                                     // a local of one
                    (29, _g._withRot && OfType(VT.Q, VT.M4, VT.Pl).Any(v => v.Writable) ? (inLoop ? 2.5 : 1.2) : 0), // one updated
                    (30, _g._withRot && OfType(VT.Q, VT.M4, VT.Pl).Count > 0 && writableD.Count > 0 ? 1.5 : 0),   // a double from one
                    (31, _g._withRot && _g._rotM && _nest < 3 ? 0.6 : 0),                                         // Matrix4x4.Invert
                };
                double total = choices.Sum(c => c.W);
                double r = R.NextDouble() * total;
                int kind = choices.Last(c => c.W > 0).Kind;
                foreach (var c in choices)
                {
                    if (r < c.W)
                    {
                        kind = c.Kind;
                        break;
                    }

                    r -= c.W;
                }

                switch (kind)
                {
                    case 0:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + Expr(3) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                    case 1:
                    {
                        var v = _g.Pick(writableD);
                        Line(v.Name + " = " + Update(v.Name) + ";");
                        break;
                    }
                    case 2:
                    {
                        var v = _g.Pick(writableD);
                        switch (R.Next(4))
                        {
                            case 0: Line(v.Name + " += " + Expr(2) + ";"); break;
                            case 1: Line(v.Name + " -= " + Expr(2) + ";"); break;
                            case 2: Line(v.Name + " *= " + Bounded(Expr(2)) + ";"); break;
                            default: Line(v.Name + " /= " + Positive(Expr(2)) + ";"); break;
                        }

                        break;
                    }
                    case 3:
                        Line(_g.Pick(writableD).Name + (Chance(0.5) ? "++;" : "--;"));
                        break;
                    case 4:
                        Line("if (" + Condition() + ")");
                        Braced(() => Block(1 + R.Next(3)));
                        if (Chance(0.5))
                        {
                            Line("else");
                            Braced(() => Block(1 + R.Next(3)));
                        }

                        break;
                    case 5:
                        ForLoop();
                        break;
                    case 6:
                        WhileLoop();
                        break;
                    case 7:
                        Line("if (" + Condition() + ") " + (Chance(0.5) ? "break;" : "continue;"));
                        break;
                    case 8:
                        Line("if (" + Condition() + ") return" + (Void ? "" : " " + ReturnValue()) + ";");
                        break;
                    case 9:
                    {
                        var name = Fresh("u");
                        var len = 2 + R.Next(4);
                        if (Chance(0.7))
                        {
                            Line("double[] " + name + " = new double[" + len + "];");
                        }
                        else
                        {
                            var arrays = OfType(VT.Arr).Where(v => v.IsParam).ToList();
                            Line("double[] " + name + " = new double[" + (arrays.Count > 0 ? _g.Pick(arrays).Name + ".Length" : len.ToString(CultureInfo.InvariantCulture)) + "];");
                        }

                        Declare(name, VT.Arr, true);
                        MaybeFill(name, () => Expr(2));

                        break;
                    }
                    case 10:
                    {
                        var arr = _g.Pick(localArrays);
                        var target = arr.Name + "[" + Index(arr) + "]";
                        switch (R.Next(5))
                        {
                            case 0: Line(target + " += " + Expr(2) + ";"); break;
                            case 1: Line(target + " *= " + Bounded(Expr(2)) + ";"); break;
                            case 2: Line(target + " = " + Squash(Expr(2) + " + " + Elem(arr)) + ";"); break;
                            default: Line(target + " = " + Expr(3) + ";"); break;
                        }

                        break;
                    }
                    case 11:
                        TupleCall(_g.Pick(tupleCallees), writableD, tuples);
                        break;
                    case 12:
                    {
                        var t = _g.Pick(tuples);
                        if (writableD.Count > 0 && Chance(0.5))
                        {
                            Line(_g.Pick(writableD).Name + " = " + t.Name + (Chance(0.5) ? t.Elements.A : t.Elements.B) + " * " + Expr(1) + ";");
                        }
                        else if (tupleCallees.Count > 0 && _g.Pick(tupleCallees) is var same && same.ReturnsPoint == t.Point)
                        {
                            Line(t.Name + " = " + Call(same) + ";");
                        }
                        else
                        {
                            var swapped = (t.Name + t.Elements.B, Squash(t.Name + t.Elements.A));
                            Line(t.Name + " = " + (t.Point ? _g.MakePoint(swapped.Item1, swapped.Item2) : "(" + swapped.Item1 + ", " + swapped.Item2 + ")") + ";");
                        }

                        break;
                    }
                    case 13:
                    {
                        var name = Fresh("g");
                        Line("float " + name + " = (float)(" + Expr(2) + ");");
                        Declare(name, VT.F, true);
                        UsesFloat = true;
                        break;
                    }
                    case 14:
                    {
                        var f = _g.Pick(floats);
                        switch (R.Next(3))
                        {
                            case 0: Line(f.Name + " = MathF.Sin(" + f.Name + ") * 0.5f + (float)(" + Expr(2) + ");"); break;
                            case 1: Line(f.Name + " += MathF.Tanh((float)(" + Expr(2) + "));"); break;
                            default: Line(f.Name + " *= (float)" + Bounded(Expr(1)) + ";"); break;
                        }

                        UsesFloat = true;
                        break;
                    }
                    case 15:
                    {
                        var name = Fresh("sp");
                        Line("Span<double> " + name + " = stackalloc double[" + (2 + R.Next(3)) + "];");
                        Declare(name, VT.Span, true);
                        _hasSpanLocal = true;
                        break;
                    }
                    case 16:
                    {
                        var arr = _g.Pick(OfType(VT.Arr, VT.Span, VT.PtArr, VT.PtSpan));
                        var v = _g.Pick(writableD);
                        var e = Fresh("e");
                        bool points = arr.Type is VT.PtArr or VT.PtSpan;
                        Line("foreach (" + (points ? "var " : "double ") + e + " in " + arr.Name + ")");
                        _scopes.Add(points ? Whole(e, true, () => false).ToList() : new List<Var> { new Var { Name = e, Type = VT.D } });
                        _loopDepth++;
                        Line("    " + v.Name + " = " + Squash(v.Name + " * " + e + (points ? ".X" : "") + " + " + Expr(1)) + ";");
                        _loopDepth--;
                        _scopes.RemoveAt(_scopes.Count - 1);
                        break;
                    }
                    case 17:
                    {
                        var iv = _g.Pick(OfType(VT.I));
                        var v = _g.Pick(writableD);
                        Line("switch (" + iv.Name + " % 3)");
                        Line("{");
                        Line("    case 0:");
                        Line("        " + v.Name + " += " + Expr(2) + ";");
                        Line("        break;");
                        Line("    case 1:");
                        Line("        " + v.Name + " = " + Update(v.Name) + ";");
                        Line("        break;");
                        Line("    default:");
                        Line("        " + v.Name + " *= " + Bounded(Expr(1)) + ";");
                        Line("        break;");
                        Line("}");
                        break;
                    }
                    case 18:
                    {
                        var arr = _g.Pick(localArrays);
                        var name = Fresh("ix");
                        var len = 2 + R.Next(3);
                        Line("int[] " + name + " = new int[" + len + "];");
                        var i = Fresh("j");
                        Line("for (int " + i + " = 0; " + i + " < " + len + "; " + i + "++) " + name + "[" + i + "] = (" + i + " * " + (1 + R.Next(3)) + " + " + R.Next(3) + ") % " + arr.Name + ".Length;");
                        Declare(name, VT.IntArr, false);
                        break;
                    }
                    case 19:
                        PointArrayLocal(pointArrays);
                        break;
                    case 20:
                        PointElementWrite(_g.Pick(pointLocals));
                        break;
                    case 21:
                    {
                        var name = Fresh("pe");
                        Line("var " + name + " = " + Elem(_g.Pick(pointArrays)) + ";");
                        Declare(name, VT.Tuple, true, point: true);
                        break;
                    }
                    case 22:
                        NumericLocal();
                        break;
                    case 23:
                        NumericUpdate(numLocals[_g._more.Next(numLocals.Count)]);
                        break;
                    case 24:
                    {
                        var v = _g.Pick(writableD);
                        Line(v.Name + (_g.MoreChance(0.5) ? " += " : " = 0.5 * " + v.Name + " + ") + NumScalar(2, false) + ";");
                        break;
                    }
                    case 25:
                        EverydayStatement();
                        break;
                    case 26:
                        CollectionStatement();
                        break;
                    case 27:
                        JaggedStatement();
                        break;
                    case 28:
                        TransformLocal();
                        break;
                    case 29:
                        TransformUpdate();
                        break;
                    case 30:
                    {
                        var v = _g.Pick(writableD);
                        Line(v.Name + (_g.RotChance(0.5) ? " += " : " = 0.5 * " + v.Name + " + ") + RotScalar(2, false) + ";");
                        break;
                    }
                    case 31:
                        InvertStatement(writableD);
                        break;
                }
            }

            private void Declare(string name, VT type, bool writable, bool point = false) =>
                _scopes[_scopes.Count - 1].Add(new Var { Name = name, Type = type, Writable = writable, Point = point });

            // ---- System.Numerics values (Numerics programs): every choice from the fifth stream, the reals in them from Expr.

            /// <summary>
            /// Known generator bug (found by this fuzzer): forward mode's tangent of Min/Max/Clamp/Abs whose operand is a
            /// double→float conversion is the double tangent, uncast (<c>MathF.Min(0.5f, (float)u)</c> in a double method:
            /// generated code does not compile, CS0266). While it stands, vector Min/Max/Abs/Clamp take vector variables only.
            /// </summary>
            private const bool AvoidMinMaxOfConversions = true;

            private string Pick5(params string[] items) => items[_g._more.Next(items.Length)];

            private Var? SomeNumeric(params VT[] types)
            {
                var vars = OfType(types);
                return vars.Count == 0 ? null : vars[_g._more.Next(vars.Count)];
            }

            private static string TypeName(VT t) => t == VT.V3 ? "Vector3" : t == VT.V2 ? "Vector2" : "Complex";

            private static int Dims(VT t) => t == VT.V3 ? 3 : 2;

            /// <summary>A float in (-1, 1) or so from a real expression: vector components stay of order 1 (they are floats).</summary>
            private string SmallFloat(int depth) => "(float)" + Squash(Expr(Math.Max(depth, 0)));

            private string FloatScalar(int depth) => _g._more.Next(3) switch
            {
                0 => Pick5("0.5f", "0.25f", "1.5f", "-0.75f"),
                1 => "(float)" + Bounded(Expr(Math.Max(depth, 0))),
                _ => SmallFloat(depth),
            };

            private string NewVector(VT t, int depth) =>
                "new " + TypeName(t) + "(" + string.Join(", ", Enumerable.Range(0, Dims(t)).Select(_ => SmallFloat(depth))) + ")";

            /// <summary>A Vector2 or Vector3 value: its operators, static members and with, of values of order 1.</summary>
            private string VecExpr(VT t, int depth)
            {
                _g._program.UsesFloat = true;
                UsesFloat = true;
                string tn = TypeName(t);
                var own = OfType(t);
                if (depth <= 0 || _g.MoreChance(0.2))
                {
                    return own.Count > 0 && _g.MoreChance(0.7) ? own[_g._more.Next(own.Count)].Name : NewVector(t, depth - 1);
                }

                string V() => VecExpr(t, depth - 1);
                string MinMaxOperand() => AvoidMinMaxOfConversions ? own[_g._more.Next(own.Count)].Name : V();
                string Named() => own.Count > 0 && _g.MoreChance(0.7) ? own[_g._more.Next(own.Count)].Name : NewVector(t, depth - 1);
                switch (_g._more.Next(t == VT.V3 ? 14 : 13))
                {
                    case 0: return "(" + V() + " + " + V() + ")";
                    case 1: return Difference(V(), V());
                    case 2: return "(" + V() + " * " + V() + ")";
                    case 3: return "(" + V() + " * " + FloatScalar(depth - 1) + ")";
                    case 4: return "(" + FloatScalar(depth - 1) + " * " + V() + ")";
                    case 5: return "(" + V() + " / (float)(2.0 + Math.Sin(" + Expr(depth - 1) + ")))";
                    case 6: return "(-" + V() + ")";
                    case 7: return tn + ".Lerp(" + V() + ", " + V() + ", (float)(0.5 + 0.4 * Math.Sin(" + Expr(depth - 1) + ")))";
                    case 8 when !AvoidMinMaxOfConversions || own.Count > 0: return tn + "." + Pick5("Min", "Max") + "(" + MinMaxOperand() + ", " + MinMaxOperand() + ")";
                    case 9 when !AvoidMinMaxOfConversions || own.Count > 0: return tn + ".Abs(" + MinMaxOperand() + ")";
                    case 10: return tn + ".Normalize(" + Named() + " + new " + tn + "(3f" + (t == VT.V3 ? ", 0f, 0f" : ", 0f") + "))";
                    case 11 when own.Count > 0: return "(" + own[_g._more.Next(own.Count)].Name + " with { " + Pick5("X", "Y") + " = " + SmallFloat(depth - 1) + " })";
                    case 12: return "(" + tn + ".One * " + FloatScalar(depth - 1) + ")";
                    case 13: return "Vector3.Cross(" + V() + ", " + V() + ")";
                    default: return NewVector(t, depth - 1);
                }
            }

            /// <summary>A Complex of order 1 made from reals.</summary>
            private string NewComplex(int depth) => _g._more.Next(4) switch
            {
                0 => "new Complex(" + Squash(Expr(depth)) + ", " + Squash(Expr(depth)) + ")",
                1 => "Complex.FromPolarCoordinates(0.5 + 0.4 * Math.Sin(" + Expr(depth) + "), " + Expr(depth) + ")",
                2 => "(Complex)" + Squash(Expr(depth)),
                _ => "(Complex.ImaginaryOne * " + Squash(Expr(depth)) + " + Complex.One)",
            };

            /// <summary>A Complex value: arithmetic with Complex and reals, and the functions GradGen writes out, away from their singularities.</summary>
            private string CxExpr(int depth)
            {
                var own = OfType(VT.Cx);
                if (depth <= 0 || _g.MoreChance(0.2))
                {
                    return own.Count > 0 && _g.MoreChance(0.7) ? own[_g._more.Next(own.Count)].Name : NewComplex(Math.Max(depth - 1, 0));
                }

                string Z() => CxExpr(depth - 1);
                string E() => Expr(depth - 1);
                switch (_g._more.Next(16))
                {
                    case 0: return "(" + Z() + " + " + Z() + ")";
                    case 1: return Difference(Z(), Z());
                    case 2: return "(" + Z() + " * " + Z() + ")";
                    case 3: return "(" + Z() + " * " + Squash(E()) + ")";
                    case 4: return "(" + Squash(E()) + " * " + Z() + ")";
                    case 5: return "(" + Z() + " / new Complex(2.0 + Math.Sin(" + E() + "), 0.5 * Math.Cos(" + E() + ")))";
                    case 6: return "(" + Z() + " / " + Positive(E()) + ")";
                    case 7: return "(-" + Z() + ")";
                    case 8: return "Complex.Conjugate(" + Z() + ")";
                    case 9: return "Complex.Exp(" + Z() + " * 0.3)";
                    case 10: return "Complex.Log(" + Z() + " + 3.5)";
                    case 11: return "Complex.Sqrt(" + Z() + " + 3.5)";
                    case 12: return "Complex.Pow(" + Z() + " + 3.5, " + Lit(0.3 + R.Next(4) * 0.4) + ")";
                    case 13: return "Complex.Pow(" + Z() + " + 3.5, " + Z() + " * 0.3)";
                    case 14: return "Complex.Reciprocal(" + Z() + " + 3.5)";
                    default: return "Complex." + Pick5("Sin", "Cos") + "(" + Z() + " * 0.5)";
                }
            }

            /// <summary>a - b, or a + b where they are the same variable (a zero vector's Length or a zero Complex's Magnitude has no derivative).</summary>
            private static string Difference(string a, string b) => "(" + a + (a == b ? " + " : " - ") + b + ")";

            /// <summary>A real read from a vector or Complex in scope, parenthesized; in a condition or a ?: branch only a field.</summary>
            private string NumScalar(int depth, bool restricted) => "(" + NumScalarCore(depth, restricted) + ")";

            private string NumScalarCore(int depth, bool restricted)
            {
                var u = SomeNumeric(VT.V2, VT.V3, VT.Cx)!;
                if (u.Type == VT.Cx)
                {
                    if (restricted)
                    {
                        return u.Name + Pick5(".Real", ".Imaginary");
                    }

                    // Magnitude, Abs and Phase away from 0 (no derivative there; a Complex from a real of a zeroed array is 0)
                    // and from the negative real axis (Phase's cut, where a signed zero picks ±π).
                    string away = "(" + u.Name + " + new Complex(3.5, 0.5))";
                    switch (_g._more.Next(7))
                    {
                        case 0: return u.Name + ".Real";
                        case 1: return u.Name + ".Imaginary";
                        case 2: return away + ".Magnitude";
                        case 3: return away + ".Phase";
                        case 4: return "Complex.Abs(" + away + ")";
                        case 5: return "Complex.Conjugate(" + u.Name + ").Imaginary";
                        default: return "(" + CxExpr(Math.Max(depth - 1, 0)) + ")" + Pick5(".Real", ".Imaginary");
                    }
                }

                UsesFloat = true;
                string tn = TypeName(u.Type);
                string field = Pick5(".X", ".Y", u.Type == VT.V3 ? ".Z" : ".X");
                if (restricted)
                {
                    return "(double)" + u.Name + field;
                }

                var others = OfType(u.Type).Where(v => v != u).ToList();
                switch (_g._more.Next(7))
                {
                    case 0: return "(double)" + u.Name + field;
                    case 1: return "(double)" + tn + ".Dot(" + u.Name + ", " + VecExpr(u.Type, Math.Max(depth - 1, 0)) + ")";
                    case 2: // off 0 (a Cross of parallel vectors, -v + v: no derivative there)
                        return "(double)(" + u.Name + " + new " + tn + "(3f" + (u.Type == VT.V3 ? ", 0f, 0f" : ", 0f") + ")).Length()";
                    case 3: return "(double)" + u.Name + ".LengthSquared()";
                    case 4 when others.Count > 0: return "(double)" + tn + ".Distance(" + u.Name + ", " + others[_g._more.Next(others.Count)].Name + " * 0.5f + new " + tn + "(3f" + (u.Type == VT.V3 ? ", 0f, 0f" : ", 0f") + "))";
                    case 4: return "(double)" + tn + ".DistanceSquared(" + u.Name + ", " + VecExpr(u.Type, Math.Max(depth - 1, 0)) + ")";
                    case 5: return "(double)(" + VecExpr(u.Type, Math.Max(depth - 1, 0)) + ")" + field;
                    default: return "(double)" + u.Name + field + " * " + Expr(Math.Max(depth - 1, 0));
                }
            }

            /// <summary>A new Vector2, Vector3 or Complex local (the types the program has).</summary>
            private void NumericLocal()
            {
                VT t = _g._numVectors && (!_g._numComplex || _g.MoreChance(0.5)) ? (_g.MoreChance(0.7) ? VT.V3 : VT.V2) : VT.Cx;
                var name = Fresh(t == VT.Cx ? "zc" : "vv");
                Line(TypeName(t) + " " + name + " = " + (t == VT.Cx ? CxExpr(2) : VecExpr(t, 2)) + ";");
                Declare(name, t, true);
            }

            /// <summary>A vector or Complex local updated, by forms that keep it of order 1 when repeated in a loop.</summary>
            private void NumericUpdate(Var v)
            {
                if (v.Type == VT.Cx)
                {
                    switch (_g._more.Next(6))
                    {
                        case 0: Line(v.Name + " = " + v.Name + " * Complex.FromPolarCoordinates(0.6, " + Expr(1) + ") + " + NewComplex(1) + ";"); break;
                        case 1: Line(v.Name + " += (" + NewComplex(1) + " - " + v.Name + ") * 0.25;"); break;
                        case 2: Line(v.Name + " *= " + Bounded(Expr(1)) + ";"); break;
                        case 3: Line(v.Name + " /= new Complex(2.0 + Math.Sin(" + Expr(1) + "), 0.5);"); break;
                        case 4: Line(v.Name + " = Complex.Sqrt(" + v.Name + " * 0.5 + 3.5);"); break;
                        default: Line(v.Name + " = " + v.Name + " * 0.5 + " + CxExpr(1) + " * 0.25;"); break;
                    }

                    return;
                }

                string tn = TypeName(v.Type);
                var others = OfType(v.Type).Where(o => o != v).ToList();
                switch (_g._more.Next(7))
                {
                    case 0: Line(v.Name + " = " + v.Name + " * " + "(float)" + Bounded(Expr(1)) + " + " + NewVector(v.Type, 1) + " * 0.5f;"); break;
                    case 1: Line(v.Name + " += (" + NewVector(v.Type, 1) + " - " + v.Name + ") * 0.25f;"); break;
                    case 2: Line(v.Name + " = " + v.Name + " with { " + Pick5("X", "Y") + " = " + SmallFloat(1) + " };"); break;
                    case 3 when others.Count > 0: Line(v.Name + " = " + tn + ".Lerp(" + v.Name + ", " + others[_g._more.Next(others.Count)].Name + ", 0.3f);"); break;
                    case 4: Line(v.Name + " = " + tn + ".Normalize(" + v.Name + " + new " + tn + "(3f" + (v.Type == VT.V3 ? ", 0f, 0f" : ", 0f") + "));"); break;
                    case 5: Line(v.Name + " *= " + Pick5("0.5f", "0.9f", "(float)" + Bounded(Expr(1))) + ";"); break;
                    default:
                        if (AvoidMinMaxOfConversions)
                        {
                            Line(v.Name + " += " + VecExpr(v.Type, 1) + " * 0.5f;");
                            Line(v.Name + " = " + tn + ".Clamp(" + v.Name + ", -" + tn + ".One, " + tn + ".One);");
                        }
                        else
                        {
                            Line(v.Name + " = " + tn + ".Clamp(" + v.Name + " + " + VecExpr(v.Type, 1) + " * 0.5f, -" + tn + ".One, " + tn + ".One);");
                        }

                        break;
                }
            }

            /// <summary>In 7 of 10 cases, fills the new local array <paramref name="name"/> in a loop over its indices, each element a new <paramref name="value"/>.</summary>
            private void MaybeFill(string name, Func<string> value)
            {
                if (!Chance(0.7))
                {
                    return;
                }

                var i = Fresh("j");
                Line("for (int " + i + " = 0; " + i + " < " + name + ".Length; " + i + "++)");
                _scopes.Add(new List<Var> { new Var { Name = i, Type = VT.I } });
                _loopDepth++;
                Line("    " + name + "[" + i + "] = " + value() + ";");
                _loopDepth--;
                _scopes.RemoveAt(_scopes.Count - 1);
            }

            /// <summary>A local Pt array: from an initializer, or new Pt[n] (of a constant or a Pt array's length) maybe filled in a loop.</summary>
            private void PointArrayLocal(List<Var> pointArrays)
            {
                _g._program.UsesPoint = true;
                var name = Fresh("pv");
                if (_g.ArraysChance(0.3))
                {
                    Line("var " + name + " = new[] { " + string.Join(", ", Enumerable.Range(0, 2 + R.Next(3)).Select(_ => PointValue(2))) + " };");
                    Declare(name, VT.PtArr, true);
                    return;
                }

                string len = pointArrays.Count > 0 && Chance(0.5) ? _g.Pick(pointArrays).Name + ".Length" : (2 + R.Next(3)).ToString(CultureInfo.InvariantCulture);
                Line("var " + name + " = new Pt[" + len + "];");
                Declare(name, VT.PtArr, true);
                MaybeFill(name, () => PointValue(2));
            }

            /// <summary>
            /// An element of a local Pt array written: whole, by field (not a record's: its properties are init-only),
            /// by the record's with, or by its operator + (not in Hessian programs, as in <see cref="PointValue"/>).
            /// </summary>
            private void PointElementWrite(Var arr)
            {
                var target = arr.Name + "[" + Index(arr) + "]";
                var member = Chance(0.5) ? "X" : "Y";
                var field = target + "." + member;
                switch (R.Next(5))
                {
                    case 0 when !_g.RecordPoint:
                        Line(field + " += " + Expr(2) + ";");
                        break;
                    case 1 when !_g.RecordPoint:
                        Line(field + " = " + Update(field) + ";");
                        break;
                    case 2 when !_g.RecordPoint:
                        Line(field + " *= " + Bounded(Expr(2)) + ";");
                        break;
                    case 1 or 2:
                        Line(target + " = " + target + " with { " + member + " = " + Expr(2) + " };");
                        break;
                    case 3 when _g.PointMembers && !_g._program.Higher:
                        Line(target + " += " + PointValue(1) + ";");
                        break;
                    default:
                        Line(target + " = " + PointValue(2) + ";");
                        break;
                }
            }

            private void Braced(Action body)
            {
                Line("{");
                _indent++;
                body();
                _indent--;
                Line("}");
            }

            private void ForLoop()
            {
                var i = Fresh("i");
                var ints = OfType(VT.I).Where(v => v.IsParam).ToList();
                var arrays = OfType(VT.Arr, VT.Span, VT.PtArr, VT.PtSpan);
                var ds = OfType(VT.D, VT.F);
                string bound;
                switch (R.Next(5))
                {
                    case 0 when ints.Count > 0: bound = i + " < " + _g.Pick(ints).Name; break;
                    case 1 when arrays.Count > 0: bound = i + " < " + _g.Pick(arrays).Name + ".Length"; break;
                    case 2 when ds.Count > 0: bound = i + " < " + (3 + R.Next(4)) + " && " + _g.Pick(ds).Name + " < " + Lit(0.5 + R.Next(4)); break;
                    default: bound = i + " < " + (1 + R.Next(5)); break;
                }

                if (Chance(0.2))
                {
                    // Counting down.
                    Line("for (int " + i + " = " + (2 + R.Next(3)) + "; " + i + " >= 0; " + i + "--)");
                }
                else
                {
                    Line("for (int " + i + " = 0; " + bound + "; " + i + "++)");
                }

                _loopDepth++;
                Braced(() =>
                {
                    _scopes.Add(new List<Var> { new Var { Name = i, Type = VT.I } });
                    Block(2 + R.Next(4));
                    _scopes.RemoveAt(_scopes.Count - 1);
                });
                _loopDepth--;
            }

            private void WhileLoop()
            {
                var k = Fresh("k");
                var ds = OfType(VT.D).Where(v => v.Writable).ToList();
                int max = 2 + R.Next(5);
                Line("int " + k + " = 0;");
                bool isDo = Chance(0.3);
                string cond = k + " < " + max + (ds.Count > 0 && Chance(0.6) ? " && " + _g.Pick(ds).Name + " < " + Lit(1 + R.Next(3)) : "");
                Line(isDo ? "do" : "while (" + cond + ")");
                _loopDepth++;
                Braced(() =>
                {
                    // The counter moves first, so a 'continue' cannot loop forever.
                    Line(k + "++;");
                    _scopes.Add(new List<Var> { new Var { Name = k, Type = VT.I } });
                    Block(2 + R.Next(4));
                    _scopes.RemoveAt(_scopes.Count - 1);
                });
                _loopDepth--;
                if (isDo)
                {
                    Line("while (" + cond + ");");
                }

                Declare(k, VT.I, false);
            }

            private void TupleCall(Callee callee, List<Var> writableD, List<Var> tuples)
            {
                var choice = R.Next(5);
                switch (callee.ReturnsPoint && choice < 2 ? 3 : choice)
                {
                    case 0:
                    case 1:
                    {
                        // Deconstruct into fresh locals, or into existing ones (overwrite).
                        if (writableD.Count >= 2 && Chance(0.6))
                        {
                            var a = _g.Pick(writableD);
                            var b = _g.Pick(writableD.Where(v => v != a).ToList());
                            Line("(" + a.Name + ", " + b.Name + ") = " + Call(callee) + ";");
                        }
                        else
                        {
                            var a = Fresh("p");
                            var b = Fresh("q");
                            bool discard = Chance(0.2);
                            Line("var (" + a + ", " + (discard ? "_" : b) + ") = " + Call(callee) + ";");
                            Declare(a, VT.D, true);
                            if (!discard)
                            {
                                Declare(b, VT.D, true);
                            }
                        }

                        break;
                    }
                    case 2:
                    {
                        var name = Fresh("tp");
                        Line("var " + name + " = " + Call(callee) + ";");
                        Declare(name, VT.Tuple, true, callee.ReturnsPoint);
                        break;
                    }
                    default:
                    {
                        // Element access of a tuple call, at statement level (not inside a condition or a ?: branch).
                        var e = Call(callee) + (Chance(0.5) ? callee.Elements.A : callee.Elements.B);
                        if (writableD.Count > 0 && Chance(0.7))
                        {
                            var v = _g.Pick(writableD);
                            Line(v.Name + (Chance(0.5) ? " = " : " += ") + e + ";");
                        }
                        else
                        {
                            var name = Fresh("t");
                            Line("double " + name + " = " + e + ";");
                            Declare(name, VT.D, true);
                        }

                        break;
                    }
                }
            }

            /// <summary>A new value for v that keeps magnitudes in check (loops apply it many times).</summary>
            private string Update(string v)
            {
                switch (R.Next(6))
                {
                    case 0: return "0.5 * " + v + " + " + Expr(2);
                    case 1: return Squash(v + " * " + Expr(1) + " + " + Expr(2));
                    case 2: return v + " * " + Bounded(Expr(1)) + " + " + Expr(1);
                    case 3: return Expr(3);
                    case 4: return Squash(Expr(2)) + " - " + v + " * " + PosConst();
                    default: return "Math.Sin(" + v + ") + " + Expr(2);
                }
            }

            private string Squash(string e) => R.Next(3) switch
            {
                0 => "Math.Tanh(" + e + ")",
                1 => "Math.Sin(" + e + ")",
                _ => "Math.Atan(" + e + ")",
            };

            /// <summary>A factor in (-1, 1)-ish, or near 1: a multiplier that does not blow up in a loop.</summary>
            private string Bounded(string e) => R.Next(4) switch
            {
                0 => "Math.Cos(" + e + ")",
                1 => "Math.Tanh(" + e + ")",
                2 => "(0.5 + 0.4 * Math.Sin(" + e + "))",
                _ => "(0.9 + 0.1 * Math.Tanh(" + e + "))",
            };

            private string Positive(string e) => R.Next(3) switch
            {
                0 => "(1.5 + " + e + " * " + e + ")",
                1 => "(2.0 + Math.Sin(" + e + "))",
                _ => "Math.Exp(0.3 * Math.Tanh(" + e + "))",
            };

            private string Condition()
            {
                if (_g._withEveryday && _g.EveryChance(0.15))
                {
                    return PatternCondition();
                }

                var ints = OfType(VT.I);
                if (ints.Count > 0 && Chance(0.25))
                {
                    return _g.Pick(ints).Name + " % 2 == " + R.Next(2);
                }

                var a = Expr(1, noTupleElements: true);
                return a + (Chance(0.5) ? " > " : " < ") + (Chance(0.5) ? Const() : Expr(1, noTupleElements: true));
            }

            private string Index(Var arr)
            {
                var ints = OfType(VT.I).Where(v => v.Type == VT.I).ToList();
                var idxArrays = OfType(VT.IntArr);
                string len = arr.Name + ".Length";
                switch (R.Next(7))
                {
                    case 0 when ints.Count > 0: return _g.Pick(ints).Name + " % " + len;
                    case 1 when ints.Count > 0: return "(" + _g.Pick(ints).Name + " + " + (1 + R.Next(3)) + ") % " + len;
                    case 2 when ints.Count > 0: return len + " - 1 - " + _g.Pick(ints).Name + " % " + len;
                    case 3 when idxArrays.Count > 0 && ints.Count > 0:
                    {
                        var ix = _g.Pick(idxArrays);
                        return ix.Name + "[" + _g.Pick(ints).Name + " % " + ix.Name + ".Length] % " + len;
                    }
                    case 4 when idxArrays.Count > 0:
                    {
                        var ix = _g.Pick(idxArrays);
                        return ix.Name + "[" + ix.Name + "[0] % " + ix.Name + ".Length] % " + len;
                    }
                    case 5 when arr.Writable && Chance(0.5):
                        // An index that reads the array itself (a value-dependent int index; GG0006 warns).
                        return "(int)(Math.Abs(" + arr.Name + "[0]" + (arr.Type == VT.PtArr ? ".X" : "") + ") * 2.0) % " + len;
                    default: return "0";
                }
            }

            private string Elem(Var arr)
            {
                if (arr.Type == VT.Mat)
                {
                    var ints = OfType(VT.I);
                    string i = ints.Count > 0 && Chance(0.6) ? _g.Pick(ints).Name + " % " + arr.Name + ".GetLength(0)" : R.Next(2).ToString(CultureInfo.InvariantCulture);
                    string j = ints.Count > 0 && Chance(0.6) ? _g.Pick(ints).Name + " % " + arr.Name + ".GetLength(1)" : R.Next(2).ToString(CultureInfo.InvariantCulture);
                    return arr.Name + "[" + i + ", " + j + "]";
                }

                return arr.Name + "[" + Index(arr) + "]";
            }

            private string Leaf(bool noTupleElements)
            {
                var scalars = OfType(VT.D, VT.F);
                var arrays = OfType(VT.Arr, VT.Span, VT.Mat, VT.PtArr, VT.PtSpan);
                var tuples = OfType(VT.Tuple);
                int r = R.Next(10);
                if (r < 5 && scalars.Count > 0)
                {
                    return _g.Pick(scalars).Name;
                }

                if (r < 7 && arrays.Count > 0)
                {
                    // A Pt element by field, or by a member read in place where Pt has them (not in a condition or a ?:
                    // branch: the element is staged before the member reads it, GG0005 there).
                    var arr = _g.Pick(arrays);
                    return Elem(arr) + (arr.Type is not (VT.PtArr or VT.PtSpan) ? ""
                        : !noTupleElements && _g.ArraysChance(0.2) && _g.PointMembers ? ".Norm2"
                        : _g.ArraysChance(0.5) ? ".X" : ".Y");
                }

                if (r == 7 && tuples.Count > 0)
                {
                    var t = _g.Pick(tuples);
                    return t.Name + (Chance(0.5) ? t.Elements.A : t.Elements.B);
                }

                if (r == 8 && HasThis && Chance(0.5))
                {
                    return Chance(0.5) ? "K" : "this.P";
                }

                if (r == 8 && OfType(VT.I).Count > 0)
                {
                    return "(double)" + _g.Pick(OfType(VT.I)).Name;
                }

                if (scalars.Count > 0 && Chance(0.5))
                {
                    return _g.Pick(scalars).Name;
                }

                return Const();
            }

            /// <summary>The callees this body may call: static ones anywhere, instance ones of its own type from an instance body.</summary>
            private List<Callee> Callees => _g._callees.Where(c => (!c.Instance || (HasThis && c.Type == OwnType)) && c.Kind is not (CalleeKind.Fill or CalleeKind.OutRef)).ToList();

            private string CallName(Callee c) =>
                c.Type != OwnType ? c.Type + "." + c.Name : (c.Instance && c.PreferThis ? "this." + c.Name : c.Name);

            private string Call(Callee c, bool noTupleElements = false)
            {
                string Arg() => Expr(1, noTupleElements);
                switch (c.Kind)
                {
                    case CalleeKind.Recursive:
                        return CallName(c) + "(" + Squash(Arg()) + ", " + R.Next(4) + ")";
                    case CalleeKind.ArrayArg:
                    case CalleeKind.PointArrayArg:
                    {
                        // A Pt[] parameter or local; a ReadOnlySpan<Pt> parameter too where the callee takes a span.
                        var arrays = c.Kind == CalleeKind.ArrayArg ? OfType(VT.Arr) : c.TakesSpan ? OfType(VT.PtArr, VT.PtSpan) : OfType(VT.PtArr);
                        return arrays.Count == 0 ? Const() : CallName(c) + "(" + _g.Pick(arrays).Name + ", " + Arg() + ")";
                    }
                    case CalleeKind.ParamsArg:
                        return ParamsCall(c);
                    case CalleeKind.CollArg:
                        return CollectionArgument(c.CollectionType, c.ElementFloat, null, noTupleElements) is { } collection ? CallName(c) + "(" + collection + ", " + Arg() + ")" : Const();
                    case CalleeKind.NumericArg:
                        // A vector or Complex passed whole: a variable, or one computed in place.
                        if (c.Numeric is ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane)
                        {
                            return CallName(c) + "(" + RotArgument(c.Numeric) + ", " + Arg() + ")";
                        }

                        return CallName(c) + "(" + (c.Numeric == ParamKind.Complex ? CxExpr(1) : VecExpr(c.Numeric == ParamKind.Vector3 ? VT.V3 : VT.V2, 1)) + ", " + Arg() + ")";
                    case CalleeKind.PairArg:
                    {
                        // A parameter or local of the callee's type passed whole, an element of a Pt array, or one made in place.
                        var whole = OfType(VT.Whole, VT.Tuple).Where(v => v.Point == c.PairIsStruct).ToList();
                        var pair = (c.PairIsStruct ? SomeElement(0.4) : null)
                            ?? (whole.Count > 0 && _g.TypesChance(0.4) ? whole[_g._types.Next(whole.Count)].Name
                            : c.PairIsStruct ? _g.MakePoint(Arg(), Arg())
                            : "(" + Arg() + ", " + Arg() + ")");
                        return CallName(c) + "(" + pair + ", " + Arg() + ")";
                    }
                    default:
                        return CallName(c) + "(" + string.Join(", ", Enumerable.Range(0, c.Arity).Select(_ => Arg())) + ")";
                }
            }

            /// <summary>An element of a Pt array in scope, with probability p; null, drawing nothing, where there is none (so programs without them stay as they were).</summary>
            private string? SomeElement(double p)
            {
                var arrays = OfType(VT.PtArr, VT.PtSpan);
                return arrays.Count > 0 && _g.ArraysChance(p) ? Elem(arrays[_g._arrays.Next(arrays.Count)]) : null;
            }

            /// <summary>
            /// A Pt: a parameter or local, an element of a Pt array, one made in place, or a sum or multiple by its operators
            /// where Pt has them (not in Hessian programs: a vector-valued callee has no Hessian).
            /// </summary>
            private string PointValue(int depth)
            {
                if (SomeElement(0.3) is { } element)
                {
                    return element;
                }

                var wholes = OfType(VT.Whole, VT.Tuple).Where(v => v.Point).ToList();
                int r = _g._types.Next(4);
                if (r == 0 && wholes.Count > 0)
                {
                    return wholes[_g._types.Next(wholes.Count)].Name;
                }

                bool operators = !_g._program.Higher && depth > 0 && _g.PointMembers;
                if (r == 1 && operators)
                {
                    return "(" + PointValue(depth - 1) + " + " + PointValue(depth - 1) + ")";
                }

                if (r == 2 && operators)
                {
                    return "(" + Expr(depth - 1) + " * " + PointValue(depth - 1) + ")";
                }

                return _g.MakePoint(Expr(Math.Max(depth - 1, 0)), Expr(Math.Max(depth - 1, 0)));
            }

            private string Expr(int depth, bool noTupleElements = false)
            {
                // A real from a vector or Complex value, where the program has them (drawn from the fifth stream only there).
                if (_g._withNumerics && OfType(VT.V2, VT.V3, VT.Cx).Count > 0 && _g.MoreChance(0.12))
                {
                    return NumScalar(depth, noTupleElements);
                }

                // A real from a Quaternion, Matrix4x4 or Plane, where the program has them (drawn from the ninth stream only there).
                if (_g._withRot && OfType(VT.Q, VT.M4, VT.Pl).Count > 0 && _g.RotChance(0.12))
                {
                    return RotScalar(depth, noTupleElements);
                }

                if (_g._withEveryday && depth > 0 && _g.EveryChance(0.08))
                {
                    return EverydayExpr(depth, noTupleElements);
                }

                if (_g._withCollections && depth > 0 && Chance(0.12) && CollectionExpr(depth, noTupleElements) is { } collection)
                {
                    return collection;
                }

                if (_g._withJagged && OfType(VT.Jag, VT.Row).Count > 0 && _g.JagChance(0.15) && JaggedRead(depth, noTupleElements) is { } jagged)
                {
                    return jagged;
                }

                if (depth <= 0 || Chance(0.25))
                {
                    return Leaf(noTupleElements);
                }

                string E() => Expr(depth - 1, noTupleElements);
                // Neither a tuple call's elements nor an array of structs passed on may be in a condition or a ?: branch (GG0005).
                var callees = Callees.Where(c => c.Kind is not (CalleeKind.Tuple or CalleeKind.PointArrayArg or CalleeKind.NumericArg or CalleeKind.ParamsArg) || !noTupleElements).ToList();
                int r = R.Next(100);
                if (r < 30)
                {
                    return "(" + E() + " " + _g.Pick(new[] { "+", "-", "*", "+", "*" }) + " " + E() + ")";
                }

                if (r < 35)
                {
                    return "(" + E() + " / " + Positive(E()) + ")";
                }

                if (r < 38)
                {
                    return "-(" + E() + ")";
                }

                if (r < 42)
                {
                    UsesFloat = true;
                    return "(double)(float)(" + E() + ")";
                }

                if (r < 48)
                {
                    // Branches of ?: hold no tuple-call elements (GG0005), nor does the condition.
                    return "(" + Condition() + " ? " + Expr(depth - 1, true) + " : " + Expr(depth - 1, true) + ")";
                }

                if (!noTupleElements && _g._program.UsesPoint && _g.TypesChance(0.05) && _g.PointMembers)
                {
                    // A member of Pt read in place, of a Pt that may come from its operators (not in a condition:
                    // an operator's result is computed before the statement); only in programs that have a Pt already,
                    // so the programs pinned by tests stay as they were.
                    string P() => PointValue(depth - 1);
                    return _g.TypesChance(0.5) ? "(" + P() + ").Norm2" : "(" + P() + ").Dot(" + P() + ")";
                }

                if (r < 60 && callees.Count > 0)
                {
                    var c = _g.Pick(callees);
                    if (c.Kind == CalleeKind.Tuple)
                    {
                        return Call(c, noTupleElements) + (Chance(0.5) ? c.Elements.A : c.Elements.B);
                    }

                    return Call(c, noTupleElements);
                }

                return MathCall(E);
            }

            private string MathCall(Func<string> e)
            {
                switch (R.Next(34))
                {
                    case 0: return "Math.Sin(" + e() + ")";
                    case 1: return "Math.Cos(" + e() + ")";
                    case 2: return "Math.Tan(Math.Sin(" + e() + "))";
                    case 3: return "Math.Tan(0.6 * Math.Tanh(" + e() + "))";
                    case 4: return "Math.Exp(Math.Sin(" + e() + "))";
                    case 5: { var a = e(); return "Math.Exp(-(" + a + ") * (" + a + "))"; }
                    case 6: { var a = e(); return "Math.Log(1.5 + " + a + " * " + a + ")"; }
                    case 7: return "Math.Log(2.0 + Math.Sin(" + e() + "))";
                    case 8: { var a = e(); return "Math.Sqrt(0.5 + " + a + " * " + a + ")"; }
                    case 9: { var a = e(); return "Math.Pow(1.5 + " + a + " * " + a + ", " + Lit(0.3 + R.Next(5) * 0.4) + ")"; }
                    case 10: { var a = e(); return "Math.Pow(1.2 + " + a + " * " + a + ", 0.5 * Math.Tanh(" + e() + "))"; }
                    case 11: return "Math.Pow(" + e() + ", " + (2 + R.Next(2)) + ")";
                    case 12: { var b = e(); return "Math.Atan2(" + e() + ", 1.5 + " + b + " * " + b + ")"; }
                    case 13: return "Math.Tanh(" + e() + ")";
                    case 14: return "Math.Sinh(Math.Tanh(" + e() + "))";
                    case 15: return "Math.Cosh(Math.Sin(" + e() + "))";
                    case 16: return "Math.Asin(0.9 * Math.Tanh(" + e() + "))";
                    case 17: return "Math.Acos(0.8 * Math.Sin(" + e() + "))";
                    case 18: return "Math.Cbrt(2.5 + Math.Sin(" + e() + "))";
                    case 19: return "Math.Abs(" + e() + ")";
                    case 20: return "Math.Min(" + e() + ", " + e() + ")";
                    case 21: return "Math.Max(" + e() + ", " + e() + ")";
                    case 22: return "Math.Clamp(" + e() + ", -0.8, 0.9)";
                    case 23: return "Math.FusedMultiplyAdd(" + e() + ", " + e() + ", " + e() + ")";
                    case 24: { var a = e(); return "Math.Log2(1.1 + " + a + " * " + a + ")"; }
                    case 25: { var a = e(); return "Math.Log10(1.1 + " + a + " * " + a + ")"; }
                    case 26: { var a = e(); var b = e(); return "Math.Sqrt(" + a + " * " + a + " + " + b + " * " + b + " + 0.01)"; }
                    case 27: { var a = e(); return "Math.Log(1.5 + " + a + " * " + a + ", 3.0)"; }
                    case 28: return "Math.Atan(" + e() + ")";
                    case 29: return "Math.Exp(0.5 * Math.Tanh(" + e() + "))";
                    case 30:
                        UsesFloat = true;
                        return "(double)MathF.Sin((float)" + e() + ")";
                    case 31:
                        UsesFloat = true;
                        { var a = e(); return "(double)MathF.Sqrt(1.5f + (float)(" + a + " * " + a + "))"; }
                    case 32: return "(" + e() + " * " + e() + ")";
                    default: return "(" + e() + " - " + e() + ")";
                }
            }
        }
    }
}
