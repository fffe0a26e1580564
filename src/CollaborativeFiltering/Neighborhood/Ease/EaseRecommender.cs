using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neighborhood.Ease;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// EASE, the embarrassingly shallow autoencoder (Steck 2019, "Embarrassingly Shallow Autoencoders for
/// Sparse Data", WWW): an item-to-item weight matrix B that reconstructs each user's row of the binary
/// user × item matrix X (x_ui = 1 when u rated i, whatever the rating) from the user's other items,
/// minimising ‖X − X·B‖²_F + λ·‖B‖²_F subject to a zero diagonal. Its closed form is
/// B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, and a user's top-N scores are x_u·B. A strong top-N
/// model for its simplicity; it ranks, it does not predict ratings.
/// </summary>
/// <remarks>
/// <para>Cost: the Gram matrix XᵀX by a sparse product over the users (Σ_u n_u²/2 additions), then the
/// inversion of an M × M double matrix in place by the block sweep operator, M³ multiply-adds in rank-64
/// updates on the worker pool. Memory: about 12·M² bytes (M = 3,706 items of MovieLens 1M: 165 MB); a
/// catalogue whose matrices do not fit in memory (or in an array) is refused before anything is allocated.
/// The model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>.</para>
/// <para>When to use it: top-N recommendation on implicit or explicit data with up to a few tens of
/// thousands of items; for rating prediction use a kNN or factorization model.</para>
/// </remarks>
public sealed class EaseRecommender : ITrainer<EaseModel>
{
    /// <summary>The log messages, event ids 6020–6026.</summary>
    private static readonly TrainingLog Log = new(nameof(EaseRecommender), "Ease", 6020, "pass", "loss", "passes");

    private readonly ILogger _logger;

    /// <summary>Creates the recommender and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (λ = 200).</param>
    /// <param name="logger">Receives start, completion and cancellation messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public EaseRecommender(EaseOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new EaseOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public EaseOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<EaseModel>.Options => Options;

    /// <summary>Computes the weights in closed form; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings: which items each user rated (the values are not used).</param>
    /// <param name="validation">Held-out ratings over the same catalogue, only checked (EASE measures no loss on them), or <see langword="null"/>.</param>
    /// <param name="progress">Receives one report after the fit (iteration 1 of 1, with the elapsed time; no loss or errors: the model ranks). Called on the fitting thread.</param>
    /// <param name="cancellationToken">Checked before each block of rows of the Gram matrix, each pivot block of the inversion and each slab of its updates.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, its catalogue has too many items for dense M × M matrices in memory (the message gives the size and the memory needed), or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="TrainingDivergedException">XᵀX + λI is not numerically positive definite (λ far too small for the counts).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public EaseModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        (float[] weights, CsrView byUser) = EaseTraining.Fit(train, validation, Options, progress, _logger, Log, cancellationToken);
        return new EaseModel(train.Catalog, Options, weights, byUser.RowOffsetArray, byUser.ColumnArray);
    }
}
