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

    /// <summary>
    /// For a loader of one kind handed a file of another: a sentence naming the kind the first bytes
    /// show and what loads it (" It is a softmax model: load it with SoftmaxModel.Load or ModelFile.Load."),
    /// or the empty string when they are no kind of this library's (or the loader's own).
    /// </summary>
    /// <param name="start">The file's first bytes (up to <see cref="Length"/>).</param>
    public static string KindHint(ReadOnlySpan<byte> start)
    {
        if (start.Length < Length)
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> magic = start[..Length];
        return magic.SequenceEqual(Factorization) ? " It is a matrix-factorization model: load it with FactorizationModel.Load or ModelFile.Load."
            : magic.SequenceEqual(Softmax) ? " It is a softmax model: load it with SoftmaxModel.Load or ModelFile.Load."
            : magic.SequenceEqual(ItemKnn) ? " It is an item-kNN model: load it with ModelFile.Load."
            : magic.SequenceEqual(UserKnn) ? " It is a user-kNN model: load it with ModelFile.Load."
            : magic.SequenceEqual(Ease) ? " It is an EASE model: load it with ModelFile.Load."
            : magic.SequenceEqual(FactorizationMachine) ? " It is a Bayesian factorization machine: load it with ModelFile.Load."
            : magic.SequenceEqual("CFDATA\0\0"u8) ? " It is a dataset cache: open it with RatingsDatasetCache.Open."
            : string.Empty;
    }
}
