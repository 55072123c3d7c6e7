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
        // Arrays up to this length are copied element by element (see Copy) and cleared so when lent again.
        private const int SmallCopy = 16;

        // This thread's free tapes, a stack linked through their next field: a rent and a return are one thread-static
        // read and write each (a small derivative, a Jacobian block per observation, pays them on every call). It grows
        // to the deepest nesting of taped calls seen, so every level reuses its tape.
        [ThreadStatic] private static Tape? free;
        private Tape? next;

        // Adjoint buffers of the method's local arrays: lent during a call, kept after for the next one. A call lends a
        // handful, so a linear scan of the kept ones by type and shape, newest first, beats any lookup; about the newest
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

        /// <summary>
        /// How many values (reals and integers together) a tape may hold before calls stop being reversed split onto it:
        /// past it, a [Differentiable] callee that is not inlined runs its primal in the forward sweep and its own Reverse,
        /// on a tape of its own, in the backward sweep (joint reversal), so memory stays bounded where a recursion or a
        /// long loop of calls would otherwise keep every callee's records at once. 2²⁷ by default (at most 1 GiB).
        /// </summary>
        public static int SplitLimit { get; set; } = 1 << 27;

        /// <summary>Whether a callee may record its forward sweep on this tape (reversed split): it holds fewer than <see cref="SplitLimit"/> values.</summary>
        public bool RoomToSplit => realCount + intCount < SplitLimit;

        /// <summary>Takes an empty tape from this thread's pool, or makes one.</summary>
        public static Tape Rent()
        {
            var tape = free;
            if (tape is null)
            {
                return new Tape();
            }

            free = tape.next;
            tape.next = null;
            return tape;
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
                tape.lent[i] = default;
            }

            tape.lentCount = 0;
            if (tape.objectCount > 0)
            {
                Array.Clear(tape.objects, 0, tape.objectCount);
                tape.objectCount = 0;
            }

            tape.next = free;
            free = tape;
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
        public void PushAllReserved(double[] values) => realCount = PushAllAt(reals, realCount, values);

        /// <summary>Records two whole arrays, as <see cref="PushAll(double[], double[])"/> does, in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(double[] first, double[] second) => realCount = PushAllAt(reals, realCount, first, second);

        /// <summary>Records a whole array (as doubles, exactly) in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(float[] values) => realCount = PushAllAt(reals, realCount, values);

        /// <summary>Records a whole array in room made by <see cref="Reserve"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushAllReserved(int[] values) => intCount = PushAllAt(ints, intCount, values);

        /// <summary>Puts back what <see cref="PushAll(double[])"/> recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PopAll(double[] values) => realCount = PopAllAt(reals, realCount, values);

        /// <summary>Puts back what <see cref="PushAll(double[], double[])"/> recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PopAll(double[] first, double[] second) => realCount = PopAllAt(reals, realCount, first, second);

        /// <summary>Puts back what <see cref="PushAll(float[])"/> recorded.</summary>
        public void PopAll(float[] values) => realCount = PopAllAt(reals, realCount, values);

        /// <summary>Puts back what <see cref="PushAll(int[])"/> recorded.</summary>
        public void PopAll(int[] values) => intCount = PopAllAt(ints, intCount, values);

        // The whole-array records of a loop that works on a buffer through a cursor (see Reals): each takes the cursor
        // and gives it back moved, so that it stays a local.

        /// <summary>Records a whole array at <paramref name="top"/> of <paramref name="buffer"/>, in room made by <see cref="Reserve"/>; returns the new top.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int PushAllAt(double[] buffer, int top, double[] values)
        {
            Copy(values, 0, buffer, top, values.Length);
            return top + values.Length;
        }

        /// <summary>Records two whole arrays, <paramref name="first"/> then <paramref name="second"/>, as <see cref="PushAllAt(double[], int, double[])"/> does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int PushAllAt(double[] buffer, int top, double[] first, double[] second)
        {
            Copy(first, 0, buffer, top, first.Length);
            Copy(second, 0, buffer, top + first.Length, second.Length);
            return top + first.Length + second.Length;
        }

        /// <summary>Records a whole array (as doubles, exactly), as <see cref="PushAllAt(double[], int, double[])"/> does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int PushAllAt(double[] buffer, int top, float[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                buffer[top + i] = values[i];
            }

            return top + values.Length;
        }

        /// <summary>Records a whole array, as <see cref="PushAllAt(double[], int, double[])"/> does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int PushAllAt(int[] buffer, int top, int[] values)
        {
            Array.Copy(values, 0, buffer, top, values.Length);
            return top + values.Length;
        }

        /// <summary>Puts back the whole array recorded below <paramref name="top"/> of <paramref name="buffer"/>; returns the new top.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int PopAllAt(double[] buffer, int top, double[] values)
        {
            top -= values.Length;
            Copy(buffer, top, values, 0, values.Length);
            return top;
        }

        /// <summary>Puts back what <see cref="PushAllAt(double[], int, double[], double[])"/> recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int PopAllAt(double[] buffer, int top, double[] first, double[] second)
        {
            top -= first.Length + second.Length;
            Copy(buffer, top, first, 0, first.Length);
            Copy(buffer, top + first.Length, second, 0, second.Length);
            return top;
        }

        /// <summary>Puts back what <see cref="PushAllAt(double[], int, float[])"/> recorded.</summary>
        public static int PopAllAt(double[] buffer, int top, float[] values)
        {
            top -= values.Length;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)buffer[top + i];
            }

            return top;
        }

        /// <summary>Puts back what <see cref="PushAllAt(int[], int, int[])"/> recorded.</summary>
        public static int PopAllAt(int[] buffer, int top, int[] values)
        {
            top -= values.Length;
            Array.Copy(buffer, top, values, 0, values.Length);
            return top;
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

        // Cursors: a loop whose only records are reserved ones, or which only takes records back, works on the buffer
        // itself through a local index (the JIT keeps it in a register; the count field is a load and a store per record,
        // one after the other). The buffer stays the same until a record that can grow it: Reserve, Push, PushAll.

        /// <summary>The buffer of real records; the first <see cref="RealCount"/> hold them.</summary>
        public double[] Reals => reals;

        /// <summary>How many real values are recorded.</summary>
        public int RealCount => realCount;

        /// <summary>Takes the count of real records back from a loop that recorded into <see cref="Reals"/> or took records from it.</summary>
        public void SetRealCount(int count) => realCount = count;

        /// <summary>The buffer of integer records; the first <see cref="IntCount"/> hold them.</summary>
        public int[] Ints => ints;

        /// <summary>How many integers are recorded.</summary>
        public int IntCount => intCount;

        /// <summary>Takes the count of integer records back from a loop that recorded into <see cref="Ints"/> or took records from it.</summary>
        public void SetIntCount(int count) => intCount = count;

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
                    Lend(i);
                    if (length <= SmallCopy)
                    {
                        for (int j = 0; j < array.Length; j++)
                        {
                            array[j] = default!;
                        }
                    }
                    else
                    {
                        Array.Clear(array, 0, length);
                    }

                    return array;
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
                    Lend(i);
                    Array.Clear(matrix, 0, matrix.Length);
                    return matrix;
                }
            }

            var fresh = new T[rows, columns];
            Append(ref lent, ref lentCount, fresh);
            return fresh;
        }

        /// <summary>Lends the kept array at <paramref name="index"/> again (its place goes to the last kept one: a call lends few).</summary>
        private void Lend(int index)
        {
            var array = kept[index].Array;
            kept[index] = kept[--keptCount];
            kept[keptCount] = default;
            Append(ref lent, ref lentCount, array);
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
