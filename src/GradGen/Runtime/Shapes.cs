using System;
using System.ComponentModel;

namespace GradGen.Runtime
{
    /// <summary>
    /// The checks generated methods make of derivative buffers: a derivative span against its array parameter, and the
    /// arrays a class parameter's derivative instance holds. An array the caller leaves null asks nothing (the method's own
    /// code says what null means). Calls, not inline comparisons: a null test written out in the generated method would
    /// make the compiler's nullable analysis take the parameter's array for maybe null from there on.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Shapes
    {
        /// <summary>Whether <paramref name="derivative"/> does not fit <paramref name="value"/>: the value is given, and the derivative missing or of another length.</summary>
        public static bool Mismatch(Array? value, Array? derivative) => value != null && (derivative == null || derivative.Length != value.Length);

        /// <summary>Whether <paramref name="derivative"/> does not fit <paramref name="value"/>: the value is given, and the derivative of another length.</summary>
        public static bool LengthMismatch<T>(T[]? value, ReadOnlySpan<T> derivative) => value != null && derivative.Length != value.Length;

        /// <summary>Whether <paramref name="derivative"/> is <paramref name="value"/> itself, which derivatives written into it would overwrite.</summary>
        public static bool Shared(Array? value, Array? derivative) => value != null && ReferenceEquals(value, derivative);

        /// <summary>
        /// The elements of a collection parameter as an array the generated method reads: the collection itself when it is
        /// an array (generated methods never write it), else a copy; null for null, which the method's code then meets as it would.
        /// </summary>
        public static T[] Items<T>(System.Collections.Generic.IEnumerable<T>? items) =>
            items == null ? null! : items as T[] ?? System.Linq.Enumerable.ToArray(items);

        /// <summary>Copies a result into a method's output array, or its derivative into the output's derivative.</summary>
        public static void CopyOut<T>(T[] from, Span<T> to) => from.AsSpan().CopyTo(to);

        /// <summary>Zeroes a derivative array, when there is one.</summary>
        public static void Clear(Array? derivative)
        {
            if (derivative != null)
            {
                Array.Clear(derivative, 0, derivative.Length);
            }
        }
    }
}
