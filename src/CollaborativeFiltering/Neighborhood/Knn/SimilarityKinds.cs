namespace CollaborativeFiltering.Neighborhood.Knn;

/// <summary>
/// One similarity of <see cref="KnnSimilarity"/> as the sums it accumulates over the shared ratings of a
/// pair (a for the row being computed, b for the other) and the value it makes of them. The sums are a
/// struct per pair, so that one update touches one cache line; a pair's sums are accumulated in the same
/// order (ascending shared index) whichever of the two rows is computed, and every formula is symmetric in
/// a and b, so sim(x, y) and sim(y, x) are equal bit for bit.
/// </summary>
/// <typeparam name="TSums">The per-pair accumulator.</typeparam>
internal interface ISimilarityKind<TSums>
    where TSums : unmanaged
{
    /// <summary>n, the number of shared ratings accumulated.</summary>
    static abstract int Count(in TSums sums);

    /// <summary>Adds one shared rating.</summary>
    static abstract void Add(ref TSums sums, float a, float b);

    /// <summary>The similarity of the sums (0 where a denominator is 0), before shrinkage.</summary>
    static abstract double Similarity(in TSums sums);
}

/// <summary>Σab, Σa², Σb² and n: the cosine family (cosine, Pearson-baseline, adjusted cosine differ only in the values).</summary>
internal struct ProductSums
{
    public double Ab;
    public double Aa;
    public double Bb;
    public int N;
}

/// <summary>Σab / √(Σa²·Σb²).</summary>
internal readonly struct CosineKind : ISimilarityKind<ProductSums>
{
    public static int Count(in ProductSums sums) => sums.N;

    public static void Add(ref ProductSums sums, float a, float b)
    {
        sums.Ab += (double)a * b;
        sums.Aa += (double)a * a;
        sums.Bb += (double)b * b;
        sums.N++;
    }

    public static double Similarity(in ProductSums sums)
    {
        double denominator = Math.Sqrt(sums.Aa * sums.Bb);
        return denominator > 0 ? sums.Ab / denominator : 0;
    }
}

/// <summary>Σab, Σa², Σb², Σa, Σb and n: Pearson's correlation centred on the pair's own means.</summary>
internal struct PearsonSums
{
    public double Ab;
    public double Aa;
    public double Bb;
    public double A;
    public double B;
    public int N;
}

/// <summary>(n·Σab − Σa·Σb) / √((n·Σa² − (Σa)²)·(n·Σb² − (Σb)²)).</summary>
internal readonly struct PearsonKind : ISimilarityKind<PearsonSums>
{
    public static int Count(in PearsonSums sums) => sums.N;

    public static void Add(ref PearsonSums sums, float a, float b)
    {
        sums.Ab += (double)a * b;
        sums.Aa += (double)a * a;
        sums.Bb += (double)b * b;
        sums.A += a;
        sums.B += b;
        sums.N++;
    }

    public static double Similarity(in PearsonSums sums)
    {
        double n = sums.N;
        double varianceA = (n * sums.Aa) - (sums.A * sums.A);
        double varianceB = (n * sums.Bb) - (sums.B * sums.B);
        double product = varianceA * varianceB;
        return varianceA > 0 && varianceB > 0 && product > 0 ? ((n * sums.Ab) - (sums.A * sums.B)) / Math.Sqrt(product) : 0;
    }
}

/// <summary>Σ(a − b)² and n.</summary>
internal struct DifferenceSums
{
    public double Dd;
    public int N;
}

/// <summary>1 / (Σ(a − b)²/n + 1).</summary>
internal readonly struct MeanSquaredDifferenceKind : ISimilarityKind<DifferenceSums>
{
    public static int Count(in DifferenceSums sums) => sums.N;

    public static void Add(ref DifferenceSums sums, float a, float b)
    {
        double d = (double)a - b;
        sums.Dd += d * d;
        sums.N++;
    }

    public static double Similarity(in DifferenceSums sums) => 1.0 / ((sums.Dd / sums.N) + 1.0);
}

/// <summary>n alone.</summary>
internal struct CountSums
{
    public int N;
}

/// <summary>
/// The shared count alone, with no similarity of its own (0, so no rating-similarity list): for the binary
/// cosine of <see cref="KnnTopNSimilarity.BinaryCosine"/>, which needs only the count and the rows' lengths
/// (<see cref="SimilarityComputation.ComputeBinaryCosine"/>).
/// </summary>
internal readonly struct CountKind : ISimilarityKind<CountSums>
{
    public static int Count(in CountSums sums) => sums.N;

    public static void Add(ref CountSums sums, float a, float b) => sums.N++;

    public static double Similarity(in CountSums sums) => 0;
}
