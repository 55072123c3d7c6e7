using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace GradGen.Runtime
{
    /// <summary>
    /// The last-in, first-out record that generated reverse-mode code keeps of values overwritten inside loops,
    /// loop trip counts and branch decisions. Generated code rents one per call and returns it, so steady-state
    /// gradient calls allocate nothing. Not for direct use.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class Tape
    {
        private const int PoolSize = 8;

        // Arrays up to this length are copied element by element (see Copy).
        private const int SmallCopy = 16;

        [ThreadStatic] private static Tape?[]? pool;
        [ThreadStatic] private static int pooled;

        // Adjoint buffers of the method's local arrays: lent during a call, kept after for the next one. A call lends a
        // handful, so a linear scan of the kept ones by type and shape, newest first, beats any lookup; the newest
        // MaxKept are kept. Held in a struct so that storing one needs no covariance check (object arrays do).
        private const int MaxKept = 64;
        private Slot[] kept = new Slot[8];
        private int keptCount;
        private Slot[] lent = new Slot[8];
        private int lentCount;
        private object?[] objects = new object?[16];
        private int objectCount;
        private double[] reals = new double[64];
        private int realCount;
        private int[] ints = new int[64];
        private int intCount;

        private Tape()
        {
        }

        /// <summary>Takes an empty tape from this thread's pool, or makes one.</summary>
        public static Tape Rent()
        {
            var p = pool;
            if (p is not null && pooled > 0)
            {
                var tape = p[--pooled]!;
                p[pooled] = null;
                return tape;
            }

            return new Tape();
        }

        /// <summary>Empties a tape and gives it back to this thread's pool.</summary>
        public static void Return(Tape tape)
        {
            tape.realCount = 0;
            tape.intCount = 0;
            for (int i = 0; i < tape.lentCount; i++)
            {
                if (tape.keptCount == MaxKept)
                {
                    // Full of buffers of other shapes (another method's, earlier on this thread): the oldest goes.
                    Array.Copy(tape.kept, 1, tape.kept, 0, MaxKept - 1);
                    tape.keptCount--;
                }

                Append(ref tape.kept, ref tape.keptCount, tape.lent[i].Array);
            }

            Array.Clear(tape.lent, 0, tape.lentCount);
            tape.lentCount = 0;
            Array.Clear(tape.objects, 0, tape.objectCount);
            tape.objectCount = 0;
            // The pool grows to the deepest nesting of taped calls seen, so every level reuses its tape.
            var p = pool ??= new Tape?[PoolSize];
            if (pooled == p.Length)
            {
                Array.Resize(ref p, p.Length * 2);
                pool = p;
            }

            p[pooled++] = tape;
        }

        /// <summary>Records a real value (a <see cref="float"/> widens exactly).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(double value)
        {
            // Locals, and an unsigned test the JIT knows as a bounds check: the common case is one compare and one store.
            var buffer = reals;
            var count = realCount;
            if ((uint)count < (uint)buffer.Length)
            {
                buffer[count] = value;
                realCount = count + 1;
            }
            else
            {
                PushGrowing(value);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void PushGrowing(double value)
        {
            Array.Resize(ref reals, reals.Length * 2);
            reals[realCount++] = value;
        }

        /// <summary>Takes back the last real value recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double PopReal()
        {
            var count = realCount - 1;
            realCount = count;
            return reals[count];
        }

        // Whole-array records and restores are inlined: called once per iteration of an outer loop on short arrays,
        // a call costs more than the copy, and it keeps the caller's loop values in memory.

        /// <summary>Records a whole array at once: a loop that overwrites every element is recorded before it starts.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAll(double[] values)
        {
            EnsureReals(values.Length);
            PushAllReserved(values);
        }

        /// <summary>
        /// Records two whole arrays, <paramref name="first"/> then <paramref name="second"/>, in one call: the arrays
        /// of two loops in a row, recorded before the first.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAll(double[] first, double[] second)
        {
            EnsureReals(first.Length + second.Length);
            PushAllReserved(first, second);
        }

        /// <summary>Records a whole array at once (as doubles, exactly).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAll(float[] values)
        {
            EnsureReals(values.Length);
            PushAllReserved(values);
        }

        /// <summary>Records a whole array at once.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAll(int[] values)
        {
            EnsureInts(values.Length);
            PushAllReserved(values);
        }

        /// <summary>Records a whole array in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(double[] values)
        {
            Copy(values, 0, reals, realCount, values.Length);
            realCount += values.Length;
        }

        /// <summary>Records two whole arrays, as <see cref="PushAll(double[], double[])"/> does, in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(double[] first, double[] second)
        {
            Copy(first, 0, reals, realCount, first.Length);
            Copy(second, 0, reals, realCount + first.Length, second.Length);
            realCount += first.Length + second.Length;
        }

        /// <summary>Records a whole array (as doubles, exactly) in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(float[] values)
        {
            var buffer = reals;
            var count = realCount;
            for (int i = 0; i < values.Length; i++)
            {
                buffer[count + i] = values[i];
            }

            realCount = count + values.Length;
        }

        /// <summary>Records a whole array in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(int[] values)
        {
            Array.Copy(values, 0, ints, intCount, values.Length);
            intCount += values.Length;
        }

        /// <summary>Puts back what <see cref="PushAll(double[])"/> recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PopAll(double[] values)
        {
            realCount -= values.Length;
            Copy(reals, realCount, values, 0, values.Length);
        }

        /// <summary>Puts back what <see cref="PushAll(double[], double[])"/> recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PopAll(double[] first, double[] second)
        {
            realCount -= first.Length + second.Length;
            Copy(reals, realCount, first, 0, first.Length);
            Copy(reals, realCount + first.Length, second, 0, second.Length);
        }

        /// <summary>Short copies element by element: cheaper than <see cref="Array.Copy(Array, int, Array, int, int)"/>'s fixed cost.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Copy(double[] from, int fromStart, double[] to, int toStart, int count)
        {
            if (count <= SmallCopy)
            {
                for (int i = 0; i < count; i++)
                {
                    to[toStart + i] = from[fromStart + i];
                }
            }
            else
            {
                Array.Copy(from, fromStart, to, toStart, count);
            }
        }

        /// <summary>Puts back what <see cref="PushAll(float[])"/> recorded.</summary>
        public void PopAll(float[] values)
        {
            realCount -= values.Length;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)reals[realCount + i];
            }
        }

        /// <summary>Puts back what <see cref="PushAll(int[])"/> recorded.</summary>
        public void PopAll(int[] values)
        {
            intCount -= values.Length;
            Array.Copy(ints, intCount, values, 0, values.Length);
        }

        private void EnsureReals(int count)
        {
            if (realCount + count > reals.Length)
            {
                Array.Resize(ref reals, Math.Max(reals.Length * 2, realCount + count));
            }
        }

        private void EnsureInts(int count)
        {
            if (intCount + count > ints.Length)
            {
                Array.Resize(ref ints, Math.Max(ints.Length * 2, intCount + count));
            }
        }

        /// <summary>
        /// Makes room for the records of a counted loop of <paramref name="trips"/> iterations (none if below one),
        /// each recording at most <paramref name="realsPerTrip"/> real values and <paramref name="intsPerTrip"/>
        /// integers, which the loop then makes with <c>PushReserved</c> and <c>PushAllReserved</c>: stores with no
        /// test of capacity and no call, so the loop keeps its values in registers.
        /// </summary>
        public void Reserve(int trips, int realsPerTrip, int intsPerTrip)
        {
            if (trips > 0)
            {
                EnsureReals(checked(trips * realsPerTrip));
                EnsureInts(checked(trips * intsPerTrip));
            }
        }

        /// <summary>Records a real value in room made by <see cref="Reserve"/> (a <see cref="float"/> widens exactly).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushReserved(double value) => reals[realCount++] = value;

        /// <summary>Records an integer in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushReserved(int value) => ints[intCount++] = value;

        /// <summary>Records a branch decision in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushReserved(bool value) => PushReserved(value ? 1 : 0);

        /// <summary>Records an integer: a trip count, a branch taken, an integer variable.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(int value)
        {
            var buffer = ints;
            var count = intCount;
            if ((uint)count < (uint)buffer.Length)
            {
                buffer[count] = value;
                intCount = count + 1;
            }
            else
            {
                PushGrowing(value);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void PushGrowing(int value)
        {
            Array.Resize(ref ints, ints.Length * 2);
            ints[intCount++] = value;
        }

        /// <summary>Records a branch decision.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(bool value) => Push(value ? 1 : 0);

        /// <summary>Takes back the last integer recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int PopInt()
        {
            var count = intCount - 1;
            intCount = count;
            return ints[count];
        }

        /// <summary>A zeroed array of <paramref name="length"/> elements, lent until the tape is returned.</summary>
        public T[] Rent<T>(int length)
        {
            for (int i = keptCount - 1; i >= 0; i--)
            {
                if (kept[i].Array is T[] array && array.Length == length)
                {
                    return (T[])Reuse(i);
                }
            }

            var fresh = new T[length];
            Append(ref lent, ref lentCount, fresh);
            return fresh;
        }

        /// <summary>A zeroed <paramref name="rows"/> × <paramref name="columns"/> matrix, lent until the tape is returned.</summary>
        public T[,] Rent<T>(int rows, int columns)
        {
            for (int i = keptCount - 1; i >= 0; i--)
            {
                if (kept[i].Array is T[,] matrix && matrix.GetLength(0) == rows && matrix.GetLength(1) == columns)
                {
                    return (T[,])Reuse(i);
                }
            }

            var fresh = new T[rows, columns];
            Append(ref lent, ref lentCount, fresh);
            return fresh;
        }

        /// <summary>Lends the kept array at <paramref name="index"/> again, zeroed.</summary>
        private Array Reuse(int index)
        {
            var array = kept[index].Array;
            Array.Copy(kept, index + 1, kept, index, keptCount - index - 1);
            kept[--keptCount] = default;
            Array.Clear(array, 0, array.Length);
            Append(ref lent, ref lentCount, array);
            return array;
        }

        private static void Append(ref Slot[] arrays, ref int count, Array array)
        {
            if (count == arrays.Length)
            {
                Array.Resize(ref arrays, arrays.Length * 2);
            }

            arrays[count++] = new Slot { Array = array };
        }

        private struct Slot
        {
            public Array Array;
        }

        /// <summary>Records a reference: an array variable that a loop points elsewhere.</summary>
        public void Push(object value)
        {
            if (objectCount == objects.Length)
            {
                Array.Resize(ref objects, objects.Length * 2);
            }

            objects[objectCount++] = value;
        }

        /// <summary>Takes back the last reference recorded.</summary>
        public object PopObject()
        {
            var value = objects[--objectCount]!;
            objects[objectCount] = null;
            return value;
        }

        /// <summary>Takes back the last branch decision recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool PopBool() => PopInt() != 0;
    }
}
