using System;
using System.Linq;
using System.Threading;
using GradGen.Runtime;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// The runtime tape generated code rents: lent buffers come back zeroed and of the right shape, and a steady state
    /// allocates nothing even after the thread's tapes have lent buffers of many other shapes (the kept buffers are a
    /// short list, oldest dropped first).
    /// </summary>
    public sealed class TapeTests
    {
        [Fact]
        public void LentBuffersAreZeroedAndShaped()
        {
            var tape = Tape.Rent();
            var vector = tape.Rent<double>(3);
            var matrix = tape.Rent<float>(2, 3);
            vector[1] = 5;
            matrix[1, 2] = 7;
            Tape.Return(tape);

            tape = Tape.Rent();
            var again = tape.Rent<double>(3);
            var matrixAgain = tape.Rent<float>(2, 3);
            var other = tape.Rent<double>(3);
            Assert.Same(vector, again);
            Assert.Same(matrix, matrixAgain);
            Assert.NotSame(again, other);
            Assert.Equal(new double[3], again);
            Assert.Equal(0f, matrixAgain[1, 2]);
            Assert.Equal(3, other.Length);
            Assert.Empty(tape.Rent<int>(0));
            Tape.Return(tape);
        }

        [Fact]
        public void ReservedRecordsComeBackLastInFirstOut()
        {
            var tape = Tape.Rent();
            tape.Push(-1.0);
            tape.Push(-1);

            // Far beyond the first buffer, so Reserve must grow it; interleaved with an ordinary record after.
            tape.Reserve(1000, 2, 1);
            for (int i = 0; i < 1000; i++)
            {
                tape.PushReserved((double)i);
                tape.PushReserved(i * 0.5f);
                tape.PushReserved(i % 2 == 0);
            }

            tape.Reserve(0, 5, 5);
            tape.Reserve(-3, 5, 5);
            tape.Push(7.0);

            Assert.Equal(7.0, tape.PopReal());
            for (int i = 999; i >= 0; i--)
            {
                Assert.Equal(i % 2 == 0, tape.PopBool());
                Assert.Equal(i * 0.5, tape.PopReal());
                Assert.Equal(i, tape.PopReal());
            }

            Assert.Equal(-1, tape.PopInt());
            Assert.Equal(-1.0, tape.PopReal());
            Tape.Return(tape);
        }

        [Theory]
        [InlineData(2, 3)]
        [InlineData(20, 40)]
        public void TwoArraysRecordedAndPutBackTogether(int first, int second)
        {
            var tape = Tape.Rent();
            var a = new double[first];
            var b = new double[second];
            for (int i = 0; i < first; i++)
            {
                a[i] = i + 0.25;
            }

            for (int i = 0; i < second; i++)
            {
                b[i] = -i - 0.5;
            }

            var (aBefore, bBefore) = ((double[])a.Clone(), (double[])b.Clone());
            tape.PushAll(a, b);
            tape.Push(3.0);
            Array.Fill(a, 9.0);
            Array.Fill(b, 8.0);

            Assert.Equal(3.0, tape.PopReal());
            tape.PopAll(a, b);
            Assert.Equal(aBefore, a);
            Assert.Equal(bBefore, b);
            Tape.Return(tape);
        }

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public void WholeArraysInReservedRoomComeBackLastInFirstOut(int length)
        {
            var tape = Tape.Rent();
            var a = Enumerable.Range(0, length).Select(i => i + 0.25).ToArray();
            var b = Enumerable.Range(0, length + 1).Select(i => -i - 0.5).ToArray();
            var f = Enumerable.Range(0, length).Select(i => i * 0.125f).ToArray();
            var n = Enumerable.Range(0, length).Select(i => 7 * i).ToArray();
            const int Trips = 50;

            // Room for every trip's arrays and one int, far beyond the first buffers; each trip changes the arrays.
            tape.Reserve(Trips, a.Length + b.Length + a.Length + f.Length, n.Length + 1);
            for (int trip = 0; trip < Trips; trip++)
            {
                tape.PushAllReserved(a, b);
                tape.PushAllReserved(a);
                tape.PushAllReserved(f);
                tape.PushAllReserved(n);
                tape.PushReserved(trip);
                a[trip % length] += 1.0;
                b[trip % b.Length] -= 1.0;
                f[trip % length] += 1.0f;
                n[trip % length]++;
            }

            for (int trip = Trips - 1; trip >= 0; trip--)
            {
                n[trip % length]--;
                f[trip % length] -= 1.0f;
                b[trip % b.Length] += 1.0;
                a[trip % length] -= 1.0;
                var (aBefore, bBefore, fBefore, nBefore) = ((double[])a.Clone(), (double[])b.Clone(), (float[])f.Clone(), (int[])n.Clone());
                Array.Fill(a, 9.0);
                Array.Fill(b, 8.0);
                Array.Fill(f, 7.0f);
                Array.Fill(n, 6);

                Assert.Equal(trip, tape.PopInt());
                tape.PopAll(n);
                tape.PopAll(f);
                var copy = new double[a.Length];
                tape.PopAll(copy);
                tape.PopAll(a, b);
                Assert.Equal(aBefore, copy);
                Assert.Equal(aBefore, a);
                Assert.Equal(bBefore, b);
                Assert.Equal(fBefore, f);
                Assert.Equal(nBefore, n);
            }

            Tape.Return(tape);
        }

        [Fact]
        public void NestedCallsGetTheirOwnTapesAndTheThreadReusesThem()
        {
            Tape? outer = null, inner = null, outerAgain = null, innerAgain = null;
            var thread = new Thread(() =>
            {
                outer = Tape.Rent();
                inner = Tape.Rent();
                inner.Push(2.5);
                Tape.Return(inner);
                Tape.Return(outer);
                outerAgain = Tape.Rent();
                innerAgain = Tape.Rent();
            });
            thread.Start();
            thread.Join();
            Assert.NotSame(outer, inner);
            Assert.Same(outer, outerAgain);
            Assert.Same(inner, innerAgain);
            Assert.Equal(0, innerAgain!.RealCount);
        }

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public void BuffersLentAgainInAnyOrderAreZeroed(int length)
        {
            var tape = Tape.Rent();
            var first = tape.Rent<double>(length);
            var second = tape.Rent<double>(length + 1);
            var third = tape.Rent<double>(length + 2);
            first[length - 1] = 1;
            second[0] = 2;
            third[length + 1] = 3;
            Tape.Return(tape);

            // the middle one first: the others are still found after it leaves the kept list
            tape = Tape.Rent();
            Assert.Same(second, tape.Rent<double>(length + 1));
            Assert.Same(first, tape.Rent<double>(length));
            Assert.Same(third, tape.Rent<double>(length + 2));
            Assert.All(new[] { first, second, third }, buffer => Assert.All(buffer, value => Assert.Equal(0.0, value)));
            Tape.Return(tape);
        }

        [Fact]
        public void SteadyStateAllocatesNothingAfterManyOtherShapes()
        {
            long allocated = -1;
            var thread = new Thread(() =>
            {
                // Another method's buffers, more shapes than the tape keeps.
                var tape = Tape.Rent();
                for (int length = 1; length <= 200; length++)
                {
                    tape.Rent<double>(length);
                }

                Tape.Return(tape);

                void Call()
                {
                    var t = Tape.Rent();
                    t.Rent<double>(1000)[3] = 1;
                    t.Rent<double>(1000)[4] = 2;
                    t.Push(1.5);
                    t.PopReal();
                    Tape.Return(t);
                }

                Call();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 100; i++)
                {
                    Call();
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            thread.Start();
            thread.Join();
            Assert.Equal(0, allocated);
        }
    }
}
