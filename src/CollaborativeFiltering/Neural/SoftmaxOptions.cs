using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural;

/// <summary>
/// Options of <see cref="SoftmaxTrainer"/>, the softmax deep-network recommender of the Google
/// recommendation course: a user's rated movies (and optionally their genres and release years) are
/// embedded, averaged, passed through ReLU layers to a query of dimension
/// <see cref="TrainerOptions.Dimensions"/>, and every item is scored by the dot product of that query
/// with its output embedding; a softmax over the catalogue is trained with cross-entropy to predict a
/// held-out rated item. The architecture, batch and optimizer defaults are the course's; where the
/// network departs from the course (ReLU layers with biases and He initialisation, output embeddings of
/// their own, the label left out of the input, input dropout) it is because the course's choice measured
/// worse, as <c>docs/defaults.md</c> in the repository records.
/// </summary>
/// <remarks>
/// Determinism: the model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/> on
/// one machine. Across instruction sets it is not: the training is chaotic at the default learning rate
/// (a ReLU at its kink flips with the last bit of a sum), so models agree only statistically (the
/// README has the measurements).
/// </remarks>
public sealed record SoftmaxOptions : TrainerOptions
{
    private readonly IReadOnlyList<int> _hiddenLayerSizes = Array.AsReadOnly([35]);

    /// <summary>
    /// Creates options with the course's settings: <see cref="TrainerOptions.Dimensions"/> = 35,
    /// <see cref="TrainerOptions.Iterations"/> = 3,000 mini-batch steps,
    /// <see cref="TrainerOptions.ReportInterval"/> = 100 (validation is measured at every report),
    /// <see cref="TrainerOptions.InitStdDev"/> = 0.1 (σ of every embedding table: input items, genres,
    /// year buckets and the output item embeddings; dense layers use He initialisation, σ = √(2/fan-in),
    /// before a ReLU and √(1/fan-in) for the final linear layer; biases start at 0).
    /// <see cref="TrainerOptions.EarlyStoppingPatience"/> counts reports: with a validation set, the
    /// validation cross-entropy is measured every <see cref="TrainerOptions.ReportInterval"/> steps.
    /// </summary>
    public SoftmaxOptions()
    {
        Dimensions = 35;
        Iterations = 3000;
        ReportInterval = 100;
        InitStdDev = 0.1;
    }

    /// <summary>The most hidden layers allowed (64).</summary>
    public const int MaxHiddenLayers = 64;

    /// <summary>The largest width of a hidden layer or an input embedding allowed (65,536). Each fit also checks, before any work, that its weight matrices fit in arrays and in memory.</summary>
    public const int MaxLayerSize = 1 << 16;

    /// <summary>
    /// The widths of the hidden layers, input side first, each followed by a ReLU; a final linear
    /// layer maps the last one to the d-dimensional query. Empty gives a linear model (query = W·x + c).
    /// Each width in [1, <see cref="MaxLayerSize"/>], at most <see cref="MaxHiddenLayers"/> layers.
    /// The list is copied when set, so it cannot change after validation. Default one layer of 35.
    /// </summary>
    public IReadOnlyList<int> HiddenLayerSizes
    {
        get => _hiddenLayerSizes;
        init => _hiddenLayerSizes = value is null ? null! : Array.AsReadOnly([.. value]);
    }

    /// <summary>The width of the learned input embedding of each rated item (averaged over the user's items); greater than zero. Default 35.</summary>
    public int ItemEmbeddingDimensions { get; init; } = 35;

    /// <summary>
    /// Whether the bag of rated items is embedded with the output item embeddings V themselves, as in
    /// the course's model (which reads its softmax weights from the input layer's movie embeddings),
    /// instead of a separate input table: half the item parameters, and each item embedding learns
    /// from both roles. Needs <see cref="ItemEmbeddingDimensions"/> = <see cref="TrainerOptions.Dimensions"/>.
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

    /// <summary>The learning rate a fit uses: <see cref="LearningRate"/> when set, else the optimizer's default (8 for <see cref="SoftmaxOptimizer.Adagrad"/>, as in the course; 0.001 for <see cref="SoftmaxOptimizer.Adam"/>).</summary>
    public double EffectiveLearningRate => LearningRate ?? (Optimizer == SoftmaxOptimizer.Adam ? 0.001 : 8);

    /// <summary>The dense-weight scale a fit uses: <see cref="DenseWeightScale"/> when set, else the optimizer's default (10 for <see cref="SoftmaxOptimizer.Adagrad"/>, as in the course; 1 for <see cref="SoftmaxOptimizer.Adam"/>).</summary>
    public double EffectiveDenseWeightScale => DenseWeightScale ?? (Optimizer == SoftmaxOptimizer.Adam ? 1 : 10);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
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
    }

    private static void ThrowIfNotLayerSize(int value, string name)
    {
        if (value <= 0 || value > MaxLayerSize)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, string.Create(CultureInfo.InvariantCulture, $"in [1, {MaxLayerSize}]"));
        }
    }
}
