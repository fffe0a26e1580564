namespace CollaborativeFiltering.Persistence;

/// <summary>The first eight bytes of the library's model files, by which <see cref="ModelFile"/> tells them apart.</summary>
internal static class ModelFileMagic
{
    /// <summary>"CFMODEL\0": a matrix-factorization model (<c>FactorizationModel.Save</c>).</summary>
    public static ReadOnlySpan<byte> Factorization => "CFMODEL\0"u8;

    /// <summary>"CFSOFTMX": a softmax network (<c>SoftmaxModel.Save</c>).</summary>
    public static ReadOnlySpan<byte> Softmax => "CFSOFTMX"u8;

    /// <summary>The length of a magic.</summary>
    public const int Length = 8;
}
