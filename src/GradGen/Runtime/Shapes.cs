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

        /// <summary>Where each row of a jagged array starts among its elements read row after row, and (last) their count; null for null.</summary>
        public static int[] Offsets<T>(T[][]? rows)
        {
            if (rows == null)
            {
                return null!;
            }

            var offsets = new int[rows.Length + 1];
            for (var i = 0; i < rows.Length; i++)
            {
                offsets[i + 1] = offsets[i] + rows[i].Length;
            }

            return offsets;
        }

        /// <summary>The elements of a jagged array row after row (<paramref name="offsets"/> from <see cref="Offsets{T}"/>); null for null.</summary>
        public static T[] Flatten<T>(T[][]? rows, int[]? offsets)
        {
            if (rows == null || offsets == null)
            {
                return null!;
            }

            var items = new T[offsets[offsets.Length - 1]];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i].CopyTo(items, offsets[i]);
            }

            return items;
        }

        /// <summary>Puts <paramref name="items"/> (row after row) back into the rows of <paramref name="rows"/>.</summary>
        public static void Unflatten<T>(T[]? items, T[][]? rows)
        {
            if (items != null)
            {
                Unflatten(new ReadOnlySpan<T>(items), rows);
            }
        }

        /// <summary>Puts <paramref name="items"/> (row after row: a Jacobian's or Hessian's direction or adjoint) into the rows of <paramref name="rows"/>.</summary>
        public static void Unflatten<T>(ReadOnlySpan<T> items, T[][]? rows)
        {
            if (rows == null)
            {
                return;
            }

            for (int i = 0, at = 0; i < rows.Length; at += rows[i].Length, i++)
            {
                items.Slice(at, rows[i].Length).CopyTo(rows[i]);
            }
        }

        /// <summary>Copies the rows of <paramref name="rows"/> into <paramref name="items"/>, row after row.</summary>
        public static void FlattenInto<T>(T[][]? rows, Span<T> items)
        {
            if (rows == null)
            {
                return;
            }

            for (int i = 0, at = 0; i < rows.Length; at += rows[i].Length, i++)
            {
                rows[i].AsSpan().CopyTo(items.Slice(at));
            }
        }

        /// <summary>A jagged array of zeros with the rows of <paramref name="rows"/>; null for null.</summary>
        public static T[][] RowsLike<T>(T[][]? rows)
        {
            if (rows == null)
            {
                return null!;
            }

            var like = new T[rows.Length][];
            for (var i = 0; i < rows.Length; i++)
            {
                like[i] = new T[rows[i].Length];
            }

            return like;
        }

        /// <summary>Whether <paramref name="derivative"/> does not have the shape of <paramref name="value"/>: the value is given, and the derivative missing, or with other rows.</summary>
        public static bool RowsMismatch<T>(T[][]? value, T[][]? derivative)
        {
            if (value == null)
            {
                return false;
            }

            if (derivative == null || derivative.Length != value.Length)
            {
                return true;
            }

            for (var i = 0; i < value.Length; i++)
            {
                if (derivative[i] == null || derivative[i].Length != value[i].Length)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Where element <paramref name="index"/> of a row that starts at <paramref name="start"/> is, checked against the row's <paramref name="length"/> as its indexer would.</summary>
        public static int Element(int start, int length, int index) =>
            (uint)index < (uint)length ? start + index : throw new IndexOutOfRangeException("Index was outside the bounds of the array.");

        /// <summary>Zeroes every row of a jagged derivative array.</summary>
        public static void ClearRows<T>(T[][] rows)
        {
            foreach (var row in rows)
            {
                Array.Clear(row, 0, row.Length);
            }
        }

        /// <summary>Whether a value is given (not null).</summary>
        public static bool Given(object? value) => value != null;

        /// <summary>Whether an output array is (part of) what the span <paramref name="input"/> reads.</summary>
        public static bool Overlaps<T>(ReadOnlySpan<T> input, T[]? output) => output != null && input.Overlaps(output);

        /// <summary>Whether an output array is the collection <paramref name="input"/> itself.</summary>
        public static bool SameObject(object? input, object? output) => output != null && ReferenceEquals(input, output);

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
