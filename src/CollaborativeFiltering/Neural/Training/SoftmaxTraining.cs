using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Neural.Training;

/// <summary>
/// The state of one softmax fit: the network, the output item embeddings V and biases b (in
/// <see cref="GemmKernel"/>'s panel layout), the optimizer's state, per-batch buffers and a
/// <see cref="WorkerPool"/>. Every buffer is allocated in the constructor; a step allocates nothing.
/// </summary>
/// <remarks>
/// <para>One step (mini-batch of B examples; an example is a user u and one of u's training items,
/// the label, drawn uniformly; the input is u's other items, each dropped with probability
/// <see cref="SoftmaxOptions.InputDropout"/>). Users are visited in a seeded random order, reshuffled
/// each time all have been visited; labels and dropped inputs are drawn from the same sequence on
/// the calling thread, so sampling does not depend on the thread count.</para>
/// <list type="number">
/// <item>Examples phase, in parallel over blocks of 4 examples: the forward pass of each example
/// (<see cref="SoftmaxNetwork.Forward"/>), the logits Z = Q·Vᵀ + b of the block against every panel
/// (<see cref="GemmKernel.Multiply"/>), a numerically stable log-softmax per row (the row's maximum is
/// subtracted before exponentiating, logits more than 80 below it count as 80 below, and probabilities
/// under 10⁻³⁰·B are flushed to zero, so that no subnormal float slows the kernels) giving the loss
/// −log p(label) and dZ = (softmax − onehot)/B, then
/// dQ = dZ·V (<see cref="SoftmaxKernels.MultiplyByPanels"/>) and the backward pass through the dense
/// layers down to dX. The calling thread then transposes Q for the next phase.</item>
/// <item>Parameters phase, in parallel over tasks that own disjoint parameters: one task per dense
/// layer (dW = Σ_b δ_b·a_bᵀ, summed over b in order), one for the genre table, one for the year
/// table, and one per item panel, which computes dV = Qᵀ·dZ for its items (<see cref="GemmKernel.Multiply"/>
/// on the transposed queries), db, and the gradient of its items' input embeddings from the
/// examples whose input holds them (an item → examples index built on the calling thread, in
/// example order), and applies the optimizer step to all of them.</item>
/// </list>
/// <para>Both phases run in the workers' own ranges (<see cref="WorkerPool.RunInRanges"/>), so that each core
/// writes the same examples' buffers and the same panels step after step, and Z is aligned so that no two blocks
/// write one cache line: with the two cores far apart, lines last written by the other core had doubled the cost of
/// both phases.</para>
/// <para>Determinism: every value is computed by one task with a fixed order of operations, and the
/// batch loss is summed over examples in order, so a fit is bit-identical for a given seed whatever
/// the number of threads.</para>
/// </remarks>
internal sealed partial class SoftmaxTraining : IRangeWork, ITraining<SoftmaxModel>
{
    /// <summary>The recall cut-off of the validation report.</summary>
    public const int RecallCutoff = 10;

    private const int Rows = GemmKernel.Rows;
    private const ulong InitialisationStream = 20;
    private const ulong SamplingStream = 21;

    private readonly SoftmaxOptions _options;
    private readonly SoftmaxNetwork _network;
    private readonly Catalog _catalog;
    private readonly RatingRange? _ratingScale;
    private readonly int _userCount;
    private readonly int _itemCount;
    private readonly int _d;
    private readonly int _queryStride;
    private readonly int _panelWidth;
    private readonly int _panelCount;
    private readonly int _batchSize;
    private readonly int _paddedBatchSize;
    private readonly int _inputWidth;
    private readonly int _activationWidth;
    private readonly int _genreCount;
    private readonly int _yearCount;

    // Parameters and optimizer state.
    private readonly float[] _outputEmbeddings;
    private readonly float[]? _outputBiases;
    private readonly SoftmaxParameter _outputEmbeddingParameter;
    private readonly SoftmaxParameter? _outputBiasParameter;
    private readonly SoftmaxParameter _itemParameter;
    private readonly SoftmaxParameter? _genreParameter;
    private readonly SoftmaxParameter? _yearParameter;
    private readonly SoftmaxParameter[] _weightParameters;
    private readonly SoftmaxParameter[] _biasParameters;
    private readonly bool _adam;
    private readonly bool _sharedItemEmbeddings;
    private float _stepSize;
    private int _step;

    // Training data.
    private readonly int[] _trainOffsets;
    private readonly int[] _trainItems;
    private readonly int[] _eligible;
    private int _cursor;
    private readonly SeededRandom _random;

    // Validation data.
    private readonly int[]? _validationOffsets;
    private readonly int[]? _validationItems;

    // Per-batch buffers.
    private readonly int[] _exampleUser;
    private readonly int[] _exampleSkip;
    private readonly int[] _exampleLabel;
    private readonly float[] _inverseCount;
    private readonly int[] _inputItems;
    private readonly int[] _inputCount;
    private readonly int _inputStride;
    private readonly double _dropout;
    private readonly double[] _exampleLoss;
    private readonly float[] _inputs;
    private readonly float[] _activations;
    private readonly float[] _genreWeights;
    private readonly float[] _yearWeights;
    private readonly PaddedRows _queries;
    private readonly float[] _queriesTransposed;
    private readonly PaddedRows _logits;
    private readonly PaddedRows _queryGradients;
    private readonly float[] _inputGradients;
    private readonly float[] _deltas;
    private readonly int[] _inverseOffsets;
    private readonly int[] _inverseExamples;
    private readonly float[][] _weightGradients;
    private readonly float[][] _biasGradients;
    private readonly float[] _genreGradient;
    private readonly float[] _yearGradient;

    // Validation results, per user.
    private readonly double[] _evaluationLoss;
    private readonly double[] _evaluationRecall;

    private readonly Scratch[] _scratch;
    private readonly WorkerPool _pool;
    private Phase _phase;

    // The training loop's bookkeeping: batch losses since the report interval began, the last validation measurement, the best model kept.
    private double _lossSinceReport;
    private int _batchesSinceReport;
    private int _evaluatedStep = -1;
    private (double Loss, double Recall) _evaluation;
    private SoftmaxModel? _bestModel;

    /// <summary>Builds the trainer at the seeded initial parameters.</summary>
    /// <param name="train">The training ratings (only which items each user rated matters).</param>
    /// <param name="validation">Held-out ratings over the same catalogue, or <see langword="null"/>.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="features">The catalogue's item features.</param>
    /// <param name="captureGradients">Tests only: steps store the gradients (see <see cref="GetGradient"/>) instead of changing the parameters.</param>
    public SoftmaxTraining(RatingsDataset train, RatingsDataset? validation, SoftmaxOptions options, SoftmaxFeatures features, bool captureGradients = false)
    {
        _options = options;
        _catalog = train.Catalog;
        _ratingScale = train.ValueRange;
        _userCount = train.UserCount;
        _itemCount = train.ItemCount;
        _d = options.Dimensions;
        _queryStride = PaddedRows.Multiple(_d, Rows);
        _panelWidth = GemmKernel.PanelWidth;
        _panelCount = (_itemCount + _panelWidth - 1) / _panelWidth;
        _batchSize = options.BatchSize;
        _paddedBatchSize = (_batchSize + Rows - 1) / Rows * Rows;
        int genreCount = options.UseGenres ? features.GenreCount : 0;
        int yearCount = options.UseReleaseYears ? features.YearBucketCount : 0;
        int[] hidden = [.. options.HiddenLayerSizes];
        _network = SoftmaxNetwork.Allocate(features, _itemCount, options.ItemEmbeddingDimensions, genreCount, options.UseGenres ? options.GenreEmbeddingDimensions : 0,
            yearCount, options.UseReleaseYears ? options.YearEmbeddingDimensions : 0, hidden, _d);
        _inputWidth = _network.InputDimensions;
        _activationWidth = _network.ActivationLength;
        _genreCount = genreCount;
        _yearCount = yearCount;

        _outputEmbeddings = new float[checked(_panelCount * _queryStride * _panelWidth)];
        _outputBiases = options.UseItemBiases ? new float[_panelCount * _panelWidth] : null;
        _sharedItemEmbeddings = options.ShareItemEmbeddings;
        Initialise(options.Seed, options.InitStdDev);

        _adam = options.Optimizer == SoftmaxOptimizer.Adam;
        _stepSize = (float)options.EffectiveLearningRate;
        _outputEmbeddingParameter = new SoftmaxParameter(_outputEmbeddings, _adam, captureGradients);
        _outputBiasParameter = _outputBiases is null ? null : new SoftmaxParameter(_outputBiases, _adam, captureGradients);
        _itemParameter = new SoftmaxParameter(_network.ItemInput, _adam, captureGradients);
        _genreParameter = _genreCount > 0 ? new SoftmaxParameter(_network.GenreInput, _adam, captureGradients) : null;
        _yearParameter = _yearCount > 0 ? new SoftmaxParameter(_network.YearInput, _adam, captureGradients) : null;
        int layers = _network.LayerCount;
        float denseScale = (float)options.EffectiveDenseWeightScale;
        _weightParameters = new SoftmaxParameter[layers];
        _biasParameters = new SoftmaxParameter[layers];
        _weightGradients = new float[layers][];
        _biasGradients = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            _weightParameters[l] = new SoftmaxParameter(_network.Weights[l], _adam, captureGradients, denseScale);
            _biasParameters[l] = new SoftmaxParameter(_network.Biases[l], _adam, captureGradients, denseScale);
            _weightGradients[l] = new float[_network.Weights[l].Length];
            _biasGradients[l] = new float[_network.Biases[l].Length];
        }

        _genreGradient = new float[_network.GenreInput.Length];
        _yearGradient = new float[_network.YearInput.Length];

        // A split is read through its row source: its members gathered into the trainer's own CSR for
        // the fit, so the view builds no CSR of its own.
        CsrView byUser = train.UserRows.ToCsr(train.ItemCount);
        _trainOffsets = byUser.RowOffsetArray;
        _trainItems = byUser.ColumnArray;
        int eligible = 0, longest = 0;
        for (int u = 0; u < _userCount; u++)
        {
            int length = _trainOffsets[u + 1] - _trainOffsets[u];
            eligible += length > 0 ? 1 : 0;
            longest = Math.Max(longest, length);
        }

        _eligible = new int[eligible];
        for (int u = 0, e = 0; u < _userCount; u++)
        {
            if (_trainOffsets[u + 1] > _trainOffsets[u])
            {
                _eligible[e++] = u;
            }
        }

        _cursor = _eligible.Length;
        _random = new SeededRandom(options.Seed, SamplingStream);

        if (validation is not null && validation.Count > 0)
        {
            CsrView validationByUser = validation.UserRows.ToCsr(validation.ItemCount);
            _validationOffsets = validationByUser.RowOffsetArray;
            _validationItems = validationByUser.ColumnArray;
        }

        _exampleUser = new int[_paddedBatchSize];
        _exampleSkip = new int[_paddedBatchSize];
        _exampleLabel = new int[_paddedBatchSize];
        _inverseCount = new float[_paddedBatchSize];
        _inputStride = Math.Max(1, longest);
        _inputItems = new int[ArrayLength((long)_batchSize * _inputStride)];
        _inputCount = new int[_paddedBatchSize];
        _dropout = options.InputDropout;
        _exampleLoss = new double[_paddedBatchSize];
        _inputs = new float[checked(_paddedBatchSize * _inputWidth)];
        _activations = new float[checked(_paddedBatchSize * _activationWidth)];
        _genreWeights = new float[checked(_paddedBatchSize * _genreCount)];
        _yearWeights = new float[checked(_paddedBatchSize * _yearCount)];
        _queries = new PaddedRows(_paddedBatchSize, _d, _queryStride);
        _queriesTransposed = new float[checked(_queryStride * _paddedBatchSize)];
        // Z in panels, pinned and aligned: a block's rows of a panel (Rows·_panelWidth floats, 128 to 512 bytes) are then
        // whole cache lines, so the workers writing neighbouring blocks never write the same line.
        _ = ArrayLength(((long)_panelCount * _paddedBatchSize * _panelWidth) + PaddedRows.AlignmentFloats);
        _logits = new PaddedRows(_panelCount * _paddedBatchSize, _panelWidth, _panelWidth, aligned: true);
        _queryGradients = new PaddedRows(_paddedBatchSize, _d, _queryStride);
        _inputGradients = new float[_paddedBatchSize * _inputWidth];
        _deltas = new float[_paddedBatchSize * _activationWidth];
        _inverseOffsets = new int[_itemCount + 1];
        _inverseExamples = new int[ArrayLength((long)_batchSize * longest)];

        _evaluationLoss = new double[_userCount];
        _evaluationRecall = new double[_userCount];

        int workers = Math.Max(1, Math.Min(options.ThreadCount, Math.Max(_paddedBatchSize / Rows, _panelCount)));
        _scratch = new Scratch[workers];
        for (int w = 0; w < workers; w++)
        {
            _scratch[w] = new Scratch(_network, _itemCount, _queryStride, _panelCount, _panelWidth);
        }

        _pool = new WorkerPool(workers);
    }

    private enum Phase
    {
        Examples,
        Parameters,
        Evaluation,
    }

    /// <summary>The number of threads in use.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>Whether a validation set with at least one rating was given.</summary>
    public bool HasValidation => _validationOffsets is not null;

    /// <summary>The network being trained (its arrays change with every step).</summary>
    public SoftmaxNetwork Network => _network;

    /// <inheritdoc/>
    string? ITraining<SoftmaxModel>.EarlyStoppingUnsupportedReason => null;

    /// <inheritdoc/>
    double ITraining<SoftmaxModel>.Step(int iteration, CancellationToken cancellationToken)
    {
        if ((iteration - 1) % _options.ReportInterval == 0)
        {
            _lossSinceReport = 0;
            _batchesSinceReport = 0;
        }

        double loss = Step(cancellationToken);
        _lossSinceReport += loss;
        _batchesSinceReport++;
        return loss;
    }

    /// <inheritdoc/>
    double ITraining<SoftmaxModel>.LearningRate(int iteration) => _options.EffectiveLearningRate;

    /// <inheritdoc/>
    void ITraining<SoftmaxModel>.KeepBest() => _bestModel = ToModel();

    /// <inheritdoc/>
    SoftmaxModel ITraining<SoftmaxModel>.ToModel(bool best) => best ? _bestModel! : ToModel();

    /// <summary>Whether every parameter is finite and none is large enough for a query to overflow (<see cref="SoftmaxNetwork.ScaleProblem"/>).</summary>
    public bool AllFinite()
    {
        bool finite = TensorPrimitivesExtensions.AllFinite(_outputEmbeddings) && TensorPrimitivesExtensions.AllFinite(_network.ItemInput)
            && TensorPrimitivesExtensions.AllFinite(_network.GenreInput) && TensorPrimitivesExtensions.AllFinite(_network.YearInput)
            && (_outputBiases is null || TensorPrimitivesExtensions.AllFinite(_outputBiases));
        for (int l = 0; l < _network.LayerCount && finite; l++)
        {
            finite = TensorPrimitivesExtensions.AllFinite(_network.Weights[l]) && TensorPrimitivesExtensions.AllFinite(_network.Biases[l]);
        }

        return finite && _network.ScaleProblem() is null;
    }

    /// <summary>V, row-major (M×d).</summary>
    public float[] CopyOutputEmbeddings()
    {
        var rows = new float[checked(_itemCount * _d)];
        for (int j = 0; j < _itemCount; j++)
        {
            int panel = j / _panelWidth, lane = j - (panel * _panelWidth);
            int start = panel * _queryStride * _panelWidth;
            for (int k = 0; k < _d; k++)
            {
                rows[(j * _d) + k] = _outputEmbeddings[start + (k * _panelWidth) + lane];
            }
        }

        return rows;
    }

    /// <summary>b (M floats), or <see langword="null"/> without item biases.</summary>
    public float[]? CopyOutputBiases() => _outputBiases?.AsSpan(0, _itemCount).ToArray();

    /// <summary>The model at the current parameters (copies, so training may go on).</summary>
    public Neural.SoftmaxModel ToModel()
    {
        var net = new SoftmaxNetwork(_network.Features, _itemCount, _network.ItemDimensions, _network.GenreCount, _network.GenreDimensions, _network.YearCount, _network.YearDimensions,
            (int[])_network.HiddenSizes.Clone(), _d, (float[])_network.ItemInput.Clone(), (float[])_network.GenreInput.Clone(), (float[])_network.YearInput.Clone(),
            CloneAll(_network.Weights), CloneAll(_network.Biases));
        return new Neural.SoftmaxModel(_catalog, _options, net, CopyOutputEmbeddings(), CopyOutputBiases(), _trainOffsets, _trainItems, _ratingScale);
    }

    /// <summary>The index of V[j, k] in the panel layout.</summary>
    public int PanelIndex(int item, int k)
    {
        int panel = item / _panelWidth;
        return (((panel * _queryStride) + k) * _panelWidth) + (item - (panel * _panelWidth));
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    void IRangeWork.BeginRange(int first, int end, int worker)
    {
        // Nothing to announce: the ranges only keep each worker on the same blocks from step to step.
    }

    /// <inheritdoc/>
    void IBlockWork.Execute(int task, int worker)
    {
        Scratch scratch = _scratch[worker];
        switch (_phase)
        {
            case Phase.Examples:
                RunExamples(task * Rows, scratch);
                break;
            case Phase.Parameters:
                RunParameters(task, scratch);
                break;
            default:
                RunEvaluation(task * Rows, scratch);
                break;
        }
    }

    /// <summary>The batch buffers' sizes; the options' limits keep them within one array for any catalogue that fits in memory.</summary>
    private static int ArrayLength(long length)
    {
        if (length > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SoftmaxOptions.BatchSize), length, "small enough that every batch buffer fits in one array");
        }

        return (int)length;
    }

    private static float[][] CloneAll(float[][] arrays)
    {
        var copy = new float[arrays.Length][];
        for (int i = 0; i < arrays.Length; i++)
        {
            copy[i] = (float[])arrays[i].Clone();
        }

        return copy;
    }

    /// <summary>Every table from Normal(0, σ²), in order items, genres, years, V (row-major, item by item); dense layers He/LeCun; biases 0.</summary>
    private void Initialise(int seed, double stdDev)
    {
        var random = new SeededRandom(seed, InitialisationStream);
        random.FillNormal(_network.ItemInput, stdDev);
        random.FillNormal(_network.GenreInput, stdDev);
        random.FillNormal(_network.YearInput, stdDev);
        for (int l = 0; l < _network.LayerCount; l++)
        {
            double scale = l < _network.LayerCount - 1 ? 2.0 : 1.0;
            random.FillNormal(_network.Weights[l], Math.Sqrt(scale / _network.LayerInputs(l)));
        }

        for (int j = 0; j < _itemCount; j++)
        {
            for (int k = 0; k < _d; k++)
            {
                _outputEmbeddings[PanelIndex(j, k)] = (float)(stdDev * random.NextGaussian());
            }
        }

        if (_sharedItemEmbeddings)
        {
            CopySharedRows(0, _itemCount);
        }
    }

    /// <summary>With shared item embeddings: E_item[j] = V[j] for the items in [from, to).</summary>
    private void CopySharedRows(int from, int to)
    {
        float[] rows = _network.ItemInput;
        for (int j = from; j < to; j++)
        {
            for (int k = 0; k < _d; k++)
            {
                rows[(j * _d) + k] = _outputEmbeddings[PanelIndex(j, k)];
            }
        }
    }

    /// <summary>
    /// Qᵀ (d × padded batch) for the panels' dV = Qᵀ·dZ, written here after the examples phase rather than by each
    /// block: a block's four values per row of Qᵀ share a cache line with three other blocks', which the other worker
    /// may be writing.
    /// </summary>
    private void TransposeQueries(CancellationToken cancellationToken)
    {
        for (int b = 0; b < _batchSize; b++)
        {
            if ((b & 4095) == 4095)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ReadOnlySpan<float> q = _queries.Row(b);
            for (int k = 0; k < _d; k++)
            {
                _queriesTransposed[(k * _paddedBatchSize) + b] = q[k];
            }
        }
    }

    /// <summary>
    /// The step on the sampled examples. The token is checked between the phases and by the pool before each
    /// block, so a batch of a million examples (seconds of work) still stops within a block of a
    /// cancellation; a cancelled step leaves the network half updated, and the fit throws.
    /// </summary>
    private double RunBatch(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Labels, input counts and the item → examples index (examples in ascending order).
        _inverseOffsets.AsSpan().Clear();
        for (int b = 0; b < _batchSize; b++)
        {
            int u = _exampleUser[b];
            _exampleLabel[b] = _trainItems[_trainOffsets[u] + _exampleSkip[b]];
            int count = _inputCount[b];
            _inverseCount[b] = count > 0 ? 1f / count : 0f;
            foreach (int item in _inputItems.AsSpan(b * _inputStride, count))
            {
                _inverseOffsets[item + 1]++;
            }
        }

        for (int j = 0; j < _itemCount; j++)
        {
            _inverseOffsets[j + 1] += _inverseOffsets[j];
        }

        for (int b = 0; b < _batchSize; b++)
        {
            foreach (int item in _inputItems.AsSpan(b * _inputStride, _inputCount[b]))
            {
                _inverseExamples[_inverseOffsets[item]++] = b;
            }
        }

        for (int j = _itemCount; j > 0; j--)
        {
            _inverseOffsets[j] = _inverseOffsets[j - 1];
        }

        _inverseOffsets[0] = 0;

        _phase = Phase.Examples; // both phases in ranges: see the remarks
        _pool.RunInRanges(this, _paddedBatchSize / Rows, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested(); // a skipped block left its examples' gradients unset
        TransposeQueries(cancellationToken);

        _step++;
        if (_adam)
        {
            double lr = _options.EffectiveLearningRate;
            _stepSize = (float)(lr * Math.Sqrt(1 - Math.Pow(SoftmaxKernels.Beta2, _step)) / (1 - Math.Pow(SoftmaxKernels.Beta1, _step)));
        }

        _phase = Phase.Parameters;
        _pool.RunInRanges(this, DenseTaskCount + _panelCount, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        double sum = 0;
        for (int b = 0; b < _batchSize; b++)
        {
            sum += _exampleLoss[b];
        }

        return sum / _batchSize;
    }

    /// <summary>One worker's buffers.</summary>
    private sealed class Scratch(SoftmaxNetwork net, int itemCount, int queryStride, int panelCount, int panelWidth)
    {
        public float[] Row { get; } = new float[itemCount];

        public float[] Exp { get; } = new float[itemCount];

        public float[] PanelGradient { get; } = new float[queryStride * panelWidth];

        public float[] BiasGradient { get; } = new float[panelWidth];

        public float[] ItemGradient { get; } = new float[net.ItemDimensions];

        public float[] X { get; } = new float[net.InputDimensions];

        public float[] Activations { get; } = new float[net.ActivationLength];

        public float[] GenreWeights { get; } = new float[net.GenreCount];

        public float[] YearWeights { get; } = new float[net.YearCount];

        public float[] Queries { get; } = new float[Rows * queryStride];

        public float[] Logits { get; } = new float[panelCount * Rows * panelWidth];

        public float[] TopScores { get; } = new float[RecallCutoff];

        public int[] TopItems { get; } = new int[RecallCutoff];
    }
}
