namespace CollaborativeFiltering.Persistence;

/// <summary>The first eight bytes of the library's model files, by which <see cref="ModelFile"/> tells them apart.</summary>
internal static class ModelFileMagic
{
    /// <summary>"CFMODEL\0": a matrix-factorization model (<c>FactorizationModel.Save</c>).</summary>
    public static ReadOnlySpan<byte> Factorization => "CFMODEL\0"u8;

    /// <summary>"CFSOFTMX": a softmax network (<c>SoftmaxModel.Save</c>).</summary>
    public static ReadOnlySpan<byte> Softmax => "CFSOFTMX"u8;

    /// <summary>"CFITMKNN": an item-kNN model (<c>ItemKnnModel</c>).</summary>
    public static ReadOnlySpan<byte> ItemKnn => "CFITMKNN"u8;

    /// <summary>"CFUSRKNN": a user-kNN model (<c>UserKnnModel</c>).</summary>
    public static ReadOnlySpan<byte> UserKnn => "CFUSRKNN"u8;

    /// <summary>"CFEASE\0\0": an EASE model (<c>EaseModel</c>).</summary>
    public static ReadOnlySpan<byte> Ease => "CFEASE\0\0"u8;

    /// <summary>"CFFMACHN": a Bayesian factorization machine (<c>FactorizationMachineModel</c>).</summary>
    public static ReadOnlySpan<byte> FactorizationMachine => "CFFMACHN"u8;

    /// <summary>The length of a magic.</summary>
    public const int Length = 8;
}
