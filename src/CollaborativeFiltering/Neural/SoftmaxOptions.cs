using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural;

/// <summary>
/// Options of <see cref="SoftmaxRecommender"/>, the softmax deep-network recommender of the Google
/// recommendation course: a user's rated movies (and optionally their genres and release years) are
/// embedded, averaged, passed through ReLU layers to a query of dimension <see cref="Dimensions"/>,
/// and every item is scored by the dot product of that query with its output embedding; a softmax
/// over the catalogue is trained with cross-entropy to predict a held-out rated item.
/// </summary>
/// <remarks>
/// <para>The architecture, batch and optimizer are the course's: query and output dimension 35, a
/// 35-wide bag of rated movies, one hidden layer of 35, mini-batches of 200 users, 3,000 iterations
/// of Adagrad with learning rate 8, with the dense layers trained at the course's scale of 10
/// (<see cref="DenseWeightScale"/>: the course divides its hidden weights by 10, which divides their
/// steps by 10; without it, Adagrad's steps of up to 8 per weight blow the loss up from about 7 to
/// over 1,000 within 500 steps and recall@10 falls to 0.65× the most-popular baseline's). The
/// network differs from the course's in ways the issue asks for or that measured better: ReLU
/// layers with biases and He initialisation (the course's layers are linear, without biases,
/// initialised with σ = 1/(10·√outputs), which with ReLU learns too slowly: 1.15×), output item
/// embeddings of their own (<see cref="ShareItemEmbeddings"/>; shared: 2.18×), a label left out of
/// the input, and half of each example's input items dropped (<see cref="InputDropout"/>), without
/// which the network learns each user's item set by heart (0.98×). Measured on the synthetic data with
/// taste-driven exposure (<see cref="Data.SyntheticOptions.TasteExposure"/> = 2), per-user 80/20
/// holdout, recall@10 against the most-popular baseline's: 2.26× with these defaults (2.24× to
/// 2.44× over seeds and 1,000 to 3,000 iterations); Adam with learning rate 0.001 reaches 2.38×.</para>
/// <para>The options are validated when the recommender is constructed; an invalid value throws
/// <see cref="ArgumentOutOfRangeException"/> whose parameter name is the option's.</para>
/// </remarks>
public sealed record SoftmaxOptions
{
    /// <summary>The most hidden layers allowed (64).</summary>
    public const int MaxHiddenLayers = 64;

    /// <summary>The largest width of a hidden layer or an input embedding allowed (65,536). Each fit also checks, before any work, that its weight matrices fit in arrays and in memory.</summary>
    public const int MaxLayerSize = 1 << 16;

    /// <summary>The largest <see cref="Dimensions"/> allowed: 4,096, the embedding dimension limit of every model of the library (<see cref="Factorization.FactorizationOptions.MaxDimensions"/>), which bounds the d×d systems of fold-in.</summary>
    public const int MaxDimensions = Factorization.FactorizationOptions.MaxDimensions;

    /// <summary>d, the dimension of the query embedding and of each item's output embedding (the model's <see cref="IEmbeddingModel.Dimensions"/>); in [1, <see cref="MaxDimensions"/>]. Default 35.</summary>
    public int Dimensions { get; init; } = 35;

    /// <summary>
    /// The widths of the hidden layers, input side first, each followed by a ReLU; a final linear
    /// layer maps the last one to the d-dimensional query. Empty gives a linear model (query = W·x + c).
    /// Each width in [1, <see cref="MaxLayerSize"/>], at most <see cref="MaxHiddenLayers"/> layers.
    /// Default one layer of 35.
    /// </summary>
    public IReadOnlyList<int> HiddenLayerSizes { get; init; } = [35];

    /// <summary>The width of the learned input embedding of each rated item (averaged over the user's items); greater than zero. Default 35.</summary>
    public int ItemEmbeddingDimensions { get; init; } = 35;

    /// <summary>
    /// Whether the bag of rated items is embedded with the output item embeddings V themselves, as in
    /// the course's model (which reads its softmax weights from the input layer's movie embeddings),
    /// instead of a separate input table: half the item parameters, and each item embedding learns
    /// from both roles. Needs <see cref="ItemEmbeddingDimensions"/> = <see cref="Dimensions"/>.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool ShareItemEmbeddings { get; init; }

    /// <summary>
    /// Whether the input also holds the average of learned genre embeddings over the genres of the
    /// user's items (each genre of each item counts once). Needs a catalogue with item genres.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool UseGenres { get; init; }

    /// <summary>The width of each genre embedding when <see cref="UseGenres"/> is set; greater than zero. Default 3 (the course's).</summary>
    public int GenreEmbeddingDimensions { get; init; } = 3;

    /// <summary>
    /// Whether the input also holds the average of learned release-year-bucket embeddings over the
    /// user's items (items without a year do not count). Needs a catalogue with item years.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool UseReleaseYears { get; init; }

    /// <summary>The width of each year-bucket embedding when <see cref="UseReleaseYears"/> is set; greater than zero. Default 2 (the course's).</summary>
    public int YearEmbeddingDimensions { get; init; } = 2;

    /// <summary>How many consecutive release years share one bucket (counted from the catalogue's earliest year); greater than zero. Default 5. With <see cref="UseReleaseYears"/>, a fit requires the catalogue's years to make at most 65,536 buckets (else <see cref="ArgumentOutOfRangeException"/> naming this option).</summary>
    public int YearBucketWidth { get; init; } = 5;

    /// <summary>
    /// Whether each item also has a learned output bias added to its logit (and to its ranking score,
    /// as <see cref="IEmbeddingModel.ItemBiases"/>). The course's model has none. Default <see langword="false"/>.
    /// </summary>
    public bool UseItemBiases { get; init; }

    /// <summary>
    /// The probability with which each of a training example's input items (the user's items other
    /// than the label) is left out of the bag, drawn afresh for every example; in [0, 1). Dropping
    /// inputs keeps the network from memorising each user's item set and predicting "the one item
    /// missing from it", which does not generalise to held-out items. 0 uses every other item, as the
    /// course does (which, in the course, even includes the label). Default 0.5.
    /// </summary>
    public double InputDropout { get; init; } = 0.5;

    /// <summary>Training examples (users) per mini-batch; greater than zero. Default 200.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>The number of mini-batch steps; greater than zero. Default 3,000.</summary>
    public int Iterations { get; init; } = 3000;

    /// <summary>The optimizer. Default <see cref="SoftmaxOptimizer.Adagrad"/> (the course's).</summary>
    public SoftmaxOptimizer Optimizer { get; init; } = SoftmaxOptimizer.Adagrad;

    /// <summary>
    /// The learning rate; positive and finite, or <see langword="null"/> (the default) for the
    /// optimizer's default: 8 for Adagrad (the course's), 0.001 for Adam. The dense layers' steps are
    /// further divided by <see cref="DenseWeightScale"/>.
    /// </summary>
    public double? LearningRate { get; init; }

    /// <summary>
    /// s, the scale at which the dense layers' weights and biases W are trained: they take the steps
    /// of W̃ = s·W, as in the course, whose hidden weights are a variable divided by 10. The gradient of
    /// W̃ is that of W divided by s, so their learning rate is divided by s, and with Adagrad their
    /// accumulator starts at 0.1·s² instead of 0.1 (<c>W −= (lr/s)·g/√(0.1·s² + Σg²)</c>); with Adam,
    /// whose steps do not depend on the gradient's scale, only the learning rate is divided. The
    /// embedding tables take full steps. The model stores W; s changes training only. Positive and
    /// finite, or <see langword="null"/> (the default) for the optimizer's default: 10 for Adagrad
    /// (the course's; with 1, learning rate 8 blows the loss up), 1 for Adam.
    /// </summary>
    public double? DenseWeightScale { get; init; }

    /// <summary>
    /// σ of the Normal(0, σ²) initialisation of every embedding table (input items, genres, year
    /// buckets and the output item embeddings); positive and finite. Dense layers use He
    /// initialisation (σ = √(2/fan-in)) before a ReLU and √(1/fan-in) for the final linear layer;
    /// biases start at 0. Default 0.1.
    /// </summary>
    public double InitStdDev { get; init; } = 0.1;

    /// <summary>The seed of the initialisation and of the sampling of batches and labels. Same seed, same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Progress is reported (and validation measured) every this many iterations, and after the last; greater than zero. Default 100.</summary>
    public int ReportInterval { get; init; } = 100;

    /// <summary>
    /// The most threads a fit uses: −1 (the default) means one per processor, else in [1, 1024]. The
    /// model is bit-identical for any value on one machine. Across instruction sets it is not: the
    /// training is chaotic at the default learning rate (a ReLU at its kink flips with the last bit of
    /// a sum), so models agree only statistically (measured: ranking scores within 3·10⁻⁷ relative
    /// between AVX-512, SSE and no intrinsics after 300 steps, but 2.8 % between AVX-512 and AVX2).
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>The learning rate a fit uses: <see cref="LearningRate"/> when set, else the optimizer's default (8 for <see cref="SoftmaxOptimizer.Adagrad"/>, as in the course; 0.001 for <see cref="SoftmaxOptimizer.Adam"/>).</summary>
    public double EffectiveLearningRate => LearningRate ?? (Optimizer == SoftmaxOptimizer.Adam ? 0.001 : 8);

    /// <summary>The dense-weight scale a fit uses: <see cref="DenseWeightScale"/> when set, else the optimizer's default (10 for <see cref="SoftmaxOptimizer.Adagrad"/>, as in the course; 1 for <see cref="SoftmaxOptimizer.Adam"/>).</summary>
    public double EffectiveDenseWeightScale => DenseWeightScale ?? (Optimizer == SoftmaxOptimizer.Adam ? 1 : 10);

    /// <summary>The number of threads to use.</summary>
    internal int ThreadCount => MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public void Validate()
    {
        if (Dimensions <= 0 || Dimensions > MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Dimensions), Dimensions, string.Create(CultureInfo.InvariantCulture, $"in [1, {MaxDimensions}]"));
        }

        if (HiddenLayerSizes is null)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(HiddenLayerSizes), null, "a list of layer widths (empty for none)");
        }

        if (HiddenLayerSizes.Count > MaxHiddenLayers)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(HiddenLayerSizes), HiddenLayerSizes.Count, string.Create(CultureInfo.InvariantCulture, $"at most {MaxHiddenLayers} layers"));
        }

        for (int i = 0; i < HiddenLayerSizes.Count; i++)
        {
            int size = HiddenLayerSizes[i];
            if (size <= 0 || size > MaxLayerSize)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(HiddenLayerSizes), size, string.Create(CultureInfo.InvariantCulture, $"a width in [1, {MaxLayerSize}] for every layer, but layer {i} has {size}"));
            }
        }

        ThrowIfNotLayerSize(ItemEmbeddingDimensions, nameof(ItemEmbeddingDimensions));
        if (ShareItemEmbeddings && ItemEmbeddingDimensions != Dimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ItemEmbeddingDimensions), ItemEmbeddingDimensions, string.Create(CultureInfo.InvariantCulture, $"equal to Dimensions ({Dimensions}) when ShareItemEmbeddings is set"));
        }

        ThrowIfNotLayerSize(GenreEmbeddingDimensions, nameof(GenreEmbeddingDimensions));
        ThrowIfNotLayerSize(YearEmbeddingDimensions, nameof(YearEmbeddingDimensions));
        ThrowHelper.ThrowIfNotPositive(YearBucketWidth, nameof(YearBucketWidth));
        if (!(InputDropout >= 0 && InputDropout < 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(InputDropout), InputDropout, "in [0, 1)");
        }

        ThrowHelper.ThrowIfNotPositive(BatchSize, nameof(BatchSize));
        if (BatchSize > 1 << 20)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(BatchSize), BatchSize, "at most 1,048,576");
        }

        ThrowHelper.ThrowIfNotPositive(Iterations, nameof(Iterations));
        if (Optimizer is not SoftmaxOptimizer.Adagrad and not SoftmaxOptimizer.Adam)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Optimizer), Optimizer, "SoftmaxOptimizer.Adagrad or SoftmaxOptimizer.Adam");
        }

        if (LearningRate is { } learningRate)
        {
            ThrowHelper.ThrowIfNotPositiveFinite(learningRate, nameof(LearningRate));
        }

        if (DenseWeightScale is { } denseWeightScale)
        {
            ThrowHelper.ThrowIfNotPositiveFinite(denseWeightScale, nameof(DenseWeightScale));
        }

        ThrowHelper.ThrowIfNotPositiveFinite(InitStdDev, nameof(InitStdDev));
        ThrowHelper.ThrowIfNotPositive(ReportInterval, nameof(ReportInterval));
        ThrowHelper.ThrowIfNotThreadCount(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
    }

    private static void ThrowIfNotLayerSize(int value, string name)
    {
        if (value <= 0 || value > MaxLayerSize)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, string.Create(CultureInfo.InvariantCulture, $"in [1, {MaxLayerSize}]"));
        }
    }
}
