using System;
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
