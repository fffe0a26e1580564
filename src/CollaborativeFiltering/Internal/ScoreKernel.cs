using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Row-major scoring kernels shared by every scoring path. The score of a query q against a row v is
/// defined as the sequential fused multiply-add chain <c>acc = fma(q[k], v[k], acc)</c> for k = 0..d−1
/// starting from 0; <see cref="GemmKernel"/> computes exactly the same chain lane by lane, so a single
/// user's recommendations equal the batch ones bit for bit.
/// </summary>
internal static class ScoreKernel
{
    /// <summary>The chain dot product of two spans of equal length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ChainDot(ReadOnlySpan<float> q, ReadOnlySpan<float> v)
    {
        float acc = 0;
        for (int k = 0; k < q.Length; k++)
        {
            acc = MathF.FusedMultiplyAdd(q[k], v[k], acc);
        }

        return acc;
    }

    /// <summary>
    /// destination[j] = ChainDot(query, rows[j·d .. (j+1)·d)) for every row; eight rows are interleaved
    /// so that their independent chains hide the FMA latency.
    /// </summary>
    public static void DotAll(ReadOnlySpan<float> rows, int d, ReadOnlySpan<float> query, Span<float> destination)
    {
        int count = destination.Length;
        if (count == 0)
        {
            return;
        }

        ref float v = ref MemoryMarshal.GetReference(rows);
        ref float q = ref MemoryMarshal.GetReference(query);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        int j = 0;
        for (; j <= count - 8; j += 8)
        {
            ref float v0 = ref Unsafe.Add(ref v, (nint)j * d);
            ref float v1 = ref Unsafe.Add(ref v0, d);
            ref float v2 = ref Unsafe.Add(ref v1, d);
            ref float v3 = ref Unsafe.Add(ref v2, d);
            ref float v4 = ref Unsafe.Add(ref v3, d);
            ref float v5 = ref Unsafe.Add(ref v4, d);
            ref float v6 = ref Unsafe.Add(ref v5, d);
            ref float v7 = ref Unsafe.Add(ref v6, d);
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            for (int k = 0; k < d; k++)
            {
                float qk = Unsafe.Add(ref q, k);
                a0 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v0, k), a0);
                a1 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v1, k), a1);
                a2 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v2, k), a2);
                a3 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v3, k), a3);
                a4 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v4, k), a4);
                a5 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v5, k), a5);
                a6 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v6, k), a6);
                a7 = MathF.FusedMultiplyAdd(qk, Unsafe.Add(ref v7, k), a7);
            }

            Unsafe.Add(ref dst, j) = a0;
            Unsafe.Add(ref dst, j + 1) = a1;
            Unsafe.Add(ref dst, j + 2) = a2;
            Unsafe.Add(ref dst, j + 3) = a3;
            Unsafe.Add(ref dst, j + 4) = a4;
            Unsafe.Add(ref dst, j + 5) = a5;
            Unsafe.Add(ref dst, j + 6) = a6;
            Unsafe.Add(ref dst, j + 7) = a7;
        }

        for (; j < count; j++)
        {
            destination[j] = ChainDot(query, rows.Slice(j * d, d));
        }
    }

    /// <summary>The Euclidean norm, accumulated in double.</summary>
    public static float Norm(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v)
        {
            sum += (double)x * x;
        }

        return (float)Math.Sqrt(sum);
    }

    /// <summary>The Euclidean norm of every row.</summary>
    public static float[] RowNorms(ReadOnlySpan<float> rows, int d, int count)
    {
        var norms = new float[count];
        for (int j = 0; j < count; j++)
        {
            norms[j] = Norm(rows.Slice(j * d, d));
        }

        return norms;
    }

    /// <summary>
    /// Turns dot products into cosines in place: dot / (‖q‖·‖v_j‖), 0 where either norm is 0, clamped
    /// to [−1, 1] against rounding.
    /// </summary>
    public static void DotToCosine(Span<float> scores, float queryNorm, ReadOnlySpan<float> rowNorms)
    {
        if (queryNorm == 0)
        {
            scores.Clear();
            return;
        }

        for (int j = 0; j < scores.Length; j++)
        {
            scores[j] = Cosine(scores[j], queryNorm, rowNorms[j]);
        }
    }

    /// <summary>dot / (a·b) in double, 0 when a norm is 0, clamped to [−1, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Cosine(float dot, float normA, float normB)
    {
        if (normA == 0 || normB == 0)
        {
            return 0;
        }

        double c = dot / ((double)normA * normB);
        return (float)Math.Clamp(c, -1.0, 1.0);
    }
}
