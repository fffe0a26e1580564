using System.Globalization;
using System.Numerics.Tensors;
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
/// layers down to dX.</item>
/// <item>Parameters phase, in parallel over tasks that own disjoint parameters: one task per dense
/// layer (dW = Σ_b δ_b·a_bᵀ, summed over b in order), one for the genre table, one for the year
/// table, and one per item panel, which computes dV = Qᵀ·dZ for its items (<see cref="GemmKernel.Multiply"/>
/// on the transposed queries), db, and the gradient of its items' input embeddings from the
/// examples whose input holds them (an item → examples index built on the calling thread, in
/// example order), and applies the optimizer step to all of them.</item>
/// </list>
/// <para>Determinism: every value is computed by one task with a fixed order of operations, and the
/// batch loss is summed over examples in order, so a fit is bit-identical for a given seed whatever
/// the number of threads.</para>
/// </remarks>
internal sealed class SoftmaxTraining : IBlockWork, ITraining<SoftmaxModel>
{
    /// <summary>The recall cut-off of the validation report.</summary>
    public const int RecallCutoff = 10;

    private const int Rows = GemmKernel.Rows;
    private const float AdagradInitialAccumulator = 0.1f;
    private const ulong InitialisationStream = 20;
    private const ulong SamplingStream = 21;

    private readonly SoftmaxOptions _options;
    private readonly SoftmaxNetwork _net;
    private readonly Catalog _catalog;
    private readonly int _n;
    private readonly int _m;
    private readonly int _d;
    private readonly int _dp;
    private readonly int _p;
    private readonly int _panels;
    private readonly int _batch;
    private readonly int _bp;
    private readonly int _in;
    private readonly int _act;
    private readonly int _g;
    private readonly int _y;

    // Parameters and optimizer state.
    private readonly float[] _v;
    private readonly float[]? _bias;
    private readonly Parameter _vParameter;
    private readonly Parameter? _biasParameter;
    private readonly Parameter _itemParameter;
    private readonly Parameter? _genreParameter;
    private readonly Parameter? _yearParameter;
    private readonly Parameter[] _weightParameters;
    private readonly Parameter[] _biasParameters;
    private readonly bool _adam;
    private readonly bool _shared;
    private float _stepSize;
    private int _step;

    // Training data.
    private readonly int[] _offsets;
    private readonly int[] _items;
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
    private readonly double[] _loss;
    private readonly float[] _x;
    private readonly float[] _activations;
    private readonly float[] _genreWeights;
    private readonly float[] _yearWeights;
    private readonly float[] _q;
    private readonly float[] _qt;
    private readonly float[] _z;
    private readonly float[] _dq;
    private readonly float[] _dx;
    private readonly float[] _delta;
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
        _n = train.UserCount;
        _m = train.ItemCount;
        _d = options.Dimensions;
        _dp = (_d + 3) & ~3;
        _p = GemmKernel.PanelWidth;
        _panels = (_m + _p - 1) / _p;
        _batch = options.BatchSize;
        _bp = (_batch + Rows - 1) / Rows * Rows;
        int genreCount = options.UseGenres ? features.GenreCount : 0;
        int yearCount = options.UseReleaseYears ? features.YearBucketCount : 0;
        int[] hidden = [.. options.HiddenLayerSizes];
        _net = SoftmaxNetwork.Allocate(features, _m, options.ItemEmbeddingDimensions, genreCount, options.UseGenres ? options.GenreEmbeddingDimensions : 0,
            yearCount, options.UseReleaseYears ? options.YearEmbeddingDimensions : 0, hidden, _d);
        _in = _net.InputDimensions;
        _act = _net.ActivationLength;
        _g = genreCount;
        _y = yearCount;

        _v = new float[checked(_panels * _dp * _p)];
        _bias = options.UseItemBiases ? new float[_panels * _p] : null;
        _shared = options.ShareItemEmbeddings;
        Initialise(options.Seed, options.InitStdDev);

        _adam = options.Optimizer == SoftmaxOptimizer.Adam;
        _stepSize = (float)options.EffectiveLearningRate;
        _vParameter = new Parameter(_v, _adam, captureGradients);
        _biasParameter = _bias is null ? null : new Parameter(_bias, _adam, captureGradients);
        _itemParameter = new Parameter(_net.ItemInput, _adam, captureGradients);
        _genreParameter = _g > 0 ? new Parameter(_net.GenreInput, _adam, captureGradients) : null;
        _yearParameter = _y > 0 ? new Parameter(_net.YearInput, _adam, captureGradients) : null;
        int layers = _net.LayerCount;
        float denseScale = (float)options.EffectiveDenseWeightScale;
        _weightParameters = new Parameter[layers];
        _biasParameters = new Parameter[layers];
        _weightGradients = new float[layers][];
        _biasGradients = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            _weightParameters[l] = new Parameter(_net.Weights[l], _adam, captureGradients, denseScale);
            _biasParameters[l] = new Parameter(_net.Biases[l], _adam, captureGradients, denseScale);
            _weightGradients[l] = new float[_net.Weights[l].Length];
            _biasGradients[l] = new float[_net.Biases[l].Length];
        }

        _genreGradient = new float[_net.GenreInput.Length];
        _yearGradient = new float[_net.YearInput.Length];

        _offsets = train.ByUser.RowOffsetArray;
        _items = train.ByUser.ColumnArray;
        int eligible = 0, longest = 0;
        for (int u = 0; u < _n; u++)
        {
            int length = _offsets[u + 1] - _offsets[u];
            eligible += length > 0 ? 1 : 0;
            longest = Math.Max(longest, length);
        }

        _eligible = new int[eligible];
        for (int u = 0, e = 0; u < _n; u++)
        {
            if (_offsets[u + 1] > _offsets[u])
            {
                _eligible[e++] = u;
            }
        }

        _cursor = _eligible.Length;
        _random = new SeededRandom(options.Seed, SamplingStream);

        if (validation is not null && validation.Count > 0)
        {
            _validationOffsets = validation.ByUser.RowOffsetArray;
            _validationItems = validation.ByUser.ColumnArray;
        }

        _exampleUser = new int[_bp];
        _exampleSkip = new int[_bp];
        _exampleLabel = new int[_bp];
        _inverseCount = new float[_bp];
        _inputStride = Math.Max(1, longest);
        _inputItems = new int[ArrayLength((long)_batch * _inputStride)];
        _inputCount = new int[_bp];
        _dropout = options.InputDropout;
        _loss = new double[_bp];
        _x = new float[checked(_bp * _in)];
        _activations = new float[checked(_bp * _act)];
        _genreWeights = new float[checked(_bp * _g)];
        _yearWeights = new float[checked(_bp * _y)];
        _q = new float[checked(_bp * _dp)];
        _qt = new float[checked(_dp * _bp)];
        _z = new float[ArrayLength((long)_panels * _bp * _p)];
        _dq = new float[_bp * _dp];
        _dx = new float[_bp * _in];
        _delta = new float[_bp * _act];
        _inverseOffsets = new int[_m + 1];
        _inverseExamples = new int[ArrayLength((long)_batch * longest)];

        _evaluationLoss = new double[_n];
        _evaluationRecall = new double[_n];

        int workers = Math.Max(1, Math.Min(options.ThreadCount, Math.Max(_bp / Rows, _panels)));
        _scratch = new Scratch[workers];
        for (int w = 0; w < workers; w++)
        {
            _scratch[w] = new Scratch(_net, _m, _dp, _panels, _p);
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
    public SoftmaxNetwork Network => _net;

    /// <summary>Samples a batch and takes one step.</summary>
    /// <returns>The batch's mean cross-entropy before the step.</returns>
    public double Step()
    {
        int count = _eligible.Length;
        for (int b = 0; b < _batch; b++)
        {
            if (_cursor == count)
            {
                _random.Shuffle(_eligible.AsSpan());
                _cursor = 0;
            }

            int u = _eligible[_cursor++];
            _exampleUser[b] = u;
            _exampleSkip[b] = _random.NextInt(_offsets[u + 1] - _offsets[u]);
            SelectInputs(b);
        }

        return RunBatch();
    }

    /// <summary>Takes one step on given examples (tests): user <c>users[b]</c> with the item at position <c>skips[b]</c> of its row as the label.</summary>
    public double Step(ReadOnlySpan<int> users, ReadOnlySpan<int> skips)
    {
        if (users.Length != _batch || skips.Length != _batch)
        {
            ThrowHelper.Argument(nameof(users), "One user and one label position per example of the batch are needed.");
        }

        users.CopyTo(_exampleUser);
        skips.CopyTo(_exampleSkip);
        for (int b = 0; b < _batch; b++)
        {
            SelectInputs(b);
        }

        return RunBatch();
    }

    /// <summary>The validation loss (mean cross-entropy per validation rating) and recall@10 at the current parameters.</summary>
    public (double Loss, double Recall) Evaluate()
    {
        if (_validationOffsets is null)
        {
            return (double.NaN, double.NaN);
        }

        _phase = Phase.Evaluation;
        _pool.Run(this, (_n + Rows - 1) / Rows);

        double loss = 0, recall = 0;
        long ratings = 0;
        int users = 0;
        for (int u = 0; u < _n; u++)
        {
            int count = _validationOffsets[u + 1] - _validationOffsets[u];
            if (count > 0)
            {
                loss += _evaluationLoss[u];
                recall += _evaluationRecall[u];
                ratings += count;
                users++;
            }
        }

        return (loss / ratings, recall / users);
    }

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

        double loss = Step();
        _lossSinceReport += loss;
        _batchesSinceReport++;
        return loss;
    }

    /// <inheritdoc/>
    double ITraining<SoftmaxModel>.LearningRate(int iteration) => _options.EffectiveLearningRate;

    /// <inheritdoc/>
    double ITraining<SoftmaxModel>.ValidationLoss() => EvaluateOnce().Loss;

    /// <inheritdoc/>
    TrainingProgress ITraining<SoftmaxModel>.Measure(double? validationLoss)
    {
        var progress = new TrainingProgress { ObservedLoss = _lossSinceReport / _batchesSinceReport };
        if (!HasValidation)
        {
            return progress;
        }

        (double loss, double recall) = EvaluateOnce();
        return progress with { ValidationLoss = loss, ValidationRecallAt10 = recall };
    }

    /// <inheritdoc/>
    string ITraining<SoftmaxModel>.Describe(in TrainingProgress progress) => progress.ValidationLoss is { } loss
        ? string.Create(CultureInfo.InvariantCulture, $"train cross-entropy {progress.ObservedLoss}, validation cross-entropy {loss}, validation recall@10 {progress.ValidationRecallAt10}")
        : string.Create(CultureInfo.InvariantCulture, $"train cross-entropy {progress.ObservedLoss}");

    /// <inheritdoc/>
    string ITraining<SoftmaxModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"last train cross-entropy {final.ObservedLoss}");

    /// <inheritdoc/>
    void ITraining<SoftmaxModel>.KeepBest() => _bestModel = ToModel();

    /// <inheritdoc/>
    SoftmaxModel ITraining<SoftmaxModel>.ToModel(bool best) => best ? _bestModel! : ToModel();

    /// <summary>The validation measurement of the current step, computed once however often the loop asks.</summary>
    private (double Loss, double Recall) EvaluateOnce()
    {
        if (_evaluatedStep != _step)
        {
            _evaluation = Evaluate();
            _evaluatedStep = _step;
        }

        return _evaluation;
    }

    /// <summary>Whether every parameter is finite.</summary>
    public bool AllFinite()
    {
        bool finite = TensorPrimitivesExtensions.AllFinite(_v) && TensorPrimitivesExtensions.AllFinite(_net.ItemInput)
            && TensorPrimitivesExtensions.AllFinite(_net.GenreInput) && TensorPrimitivesExtensions.AllFinite(_net.YearInput)
            && (_bias is null || TensorPrimitivesExtensions.AllFinite(_bias));
        for (int l = 0; l < _net.LayerCount && finite; l++)
        {
            finite = TensorPrimitivesExtensions.AllFinite(_net.Weights[l]) && TensorPrimitivesExtensions.AllFinite(_net.Biases[l]);
        }

        return finite;
    }

    /// <summary>V, row-major (M×d).</summary>
    public float[] CopyOutputEmbeddings()
    {
        var rows = new float[checked(_m * _d)];
        for (int j = 0; j < _m; j++)
        {
            int panel = j / _p, lane = j - (panel * _p);
            int start = panel * _dp * _p;
            for (int k = 0; k < _d; k++)
            {
                rows[(j * _d) + k] = _v[start + (k * _p) + lane];
            }
        }

        return rows;
    }

    /// <summary>b (M floats), or <see langword="null"/> without item biases.</summary>
    public float[]? CopyOutputBiases() => _bias?.AsSpan(0, _m).ToArray();

    /// <summary>The model at the current parameters (copies, so training may go on).</summary>
    public Neural.SoftmaxModel ToModel()
    {
        var net = new SoftmaxNetwork(_net.Features, _m, _net.ItemDimensions, _net.GenreCount, _net.GenreDimensions, _net.YearCount, _net.YearDimensions,
            (int[])_net.HiddenSizes.Clone(), _d, (float[])_net.ItemInput.Clone(), (float[])_net.GenreInput.Clone(), (float[])_net.YearInput.Clone(),
            CloneAll(_net.Weights), CloneAll(_net.Biases));
        return new Neural.SoftmaxModel(_catalog, _options, net, CopyOutputEmbeddings(), CopyOutputBiases(), _offsets, _items);
    }

    /// <summary>Tests: the gradient captured by the last step for a parameter, in that parameter's layout.</summary>
    /// <param name="name">"V", "b", "items", "genres", "years", "W0".., "c0"..</param>
    public float[] GetGradient(string name) => GetParameter(name).Gradient ?? throw new InvalidOperationException("Gradients are not captured.");

    /// <summary>Tests: a parameter's values, in its layout (V in panels).</summary>
    public float[] GetValues(string name) => GetParameter(name).Values;

    /// <summary>Tests: the input items of the last batch, and how many there were before dropout.</summary>
    public (int Kept, int Available) InputCounts()
    {
        int kept = 0, available = 0;
        for (int b = 0; b < _batch; b++)
        {
            int u = _exampleUser[b];
            kept += _inputCount[b];
            available += _offsets[u + 1] - _offsets[u] - 1;
        }

        return (kept, available);
    }

    /// <summary>The index of V[j, k] in the panel layout.</summary>
    public int PanelIndex(int item, int k)
    {
        int panel = item / _p;
        return (((panel * _dp) + k) * _p) + (item - (panel * _p));
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

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

    private Parameter GetParameter(string name) => name switch
    {
        "V" => _vParameter,
        "b" => _biasParameter ?? throw new InvalidOperationException("No item biases."),
        "items" => _shared ? throw new InvalidOperationException("The item input embeddings are V's.") : _itemParameter,
        "genres" => _genreParameter ?? throw new InvalidOperationException("No genres."),
        "years" => _yearParameter ?? throw new InvalidOperationException("No years."),
        _ when name[0] == 'W' => _weightParameters[int.Parse(name.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture)],
        _ => _biasParameters[int.Parse(name.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture)],
    };

    /// <summary>Every table from Normal(0, σ²), in order items, genres, years, V (row-major, item by item); dense layers He/LeCun; biases 0.</summary>
    private void Initialise(int seed, double stdDev)
    {
        var random = new SeededRandom(seed, InitialisationStream);
        random.FillNormal(_net.ItemInput, stdDev);
        random.FillNormal(_net.GenreInput, stdDev);
        random.FillNormal(_net.YearInput, stdDev);
        for (int l = 0; l < _net.LayerCount; l++)
        {
            double scale = l < _net.LayerCount - 1 ? 2.0 : 1.0;
            random.FillNormal(_net.Weights[l], Math.Sqrt(scale / _net.LayerInputs(l)));
        }

        for (int j = 0; j < _m; j++)
        {
            for (int k = 0; k < _d; k++)
            {
                _v[PanelIndex(j, k)] = (float)(stdDev * random.NextGaussian());
            }
        }

        if (_shared)
        {
            CopySharedRows(0, _m);
        }
    }

    /// <summary>With shared item embeddings: E_item[j] = V[j] for the items in [from, to).</summary>
    private void CopySharedRows(int from, int to)
    {
        float[] rows = _net.ItemInput;
        for (int j = from; j < to; j++)
        {
            for (int k = 0; k < _d; k++)
            {
                rows[(j * _d) + k] = _v[PanelIndex(j, k)];
            }
        }
    }

    /// <summary>Example b's input: the user's items but the label, each dropped with probability <see cref="SoftmaxOptions.InputDropout"/>.</summary>
    private void SelectInputs(int b)
    {
        int u = _exampleUser[b], start = _offsets[u], end = _offsets[u + 1], label = start + _exampleSkip[b];
        Span<int> inputs = _inputItems.AsSpan(b * _inputStride, _inputStride);
        int count = 0;
        for (int p = start; p < end; p++)
        {
            if (p != label && (_dropout == 0 || _random.NextDouble() >= _dropout))
            {
                inputs[count++] = _items[p];
            }
        }

        _inputCount[b] = count;
    }

    private double RunBatch()
    {
        // Labels, input counts and the item → examples index (examples in ascending order).
        _inverseOffsets.AsSpan().Clear();
        for (int b = 0; b < _batch; b++)
        {
            int u = _exampleUser[b];
            _exampleLabel[b] = _items[_offsets[u] + _exampleSkip[b]];
            int count = _inputCount[b];
            _inverseCount[b] = count > 0 ? 1f / count : 0f;
            foreach (int item in _inputItems.AsSpan(b * _inputStride, count))
            {
                _inverseOffsets[item + 1]++;
            }
        }

        for (int j = 0; j < _m; j++)
        {
            _inverseOffsets[j + 1] += _inverseOffsets[j];
        }

        for (int b = 0; b < _batch; b++)
        {
            foreach (int item in _inputItems.AsSpan(b * _inputStride, _inputCount[b]))
            {
                _inverseExamples[_inverseOffsets[item]++] = b;
            }
        }

        for (int j = _m; j > 0; j--)
        {
            _inverseOffsets[j] = _inverseOffsets[j - 1];
        }

        _inverseOffsets[0] = 0;

        _phase = Phase.Examples;
        _pool.Run(this, _bp / Rows);

        _step++;
        if (_adam)
        {
            double lr = _options.EffectiveLearningRate;
            _stepSize = (float)(lr * Math.Sqrt(1 - Math.Pow(SoftmaxKernels.Beta2, _step)) / (1 - Math.Pow(SoftmaxKernels.Beta1, _step)));
        }

        _phase = Phase.Parameters;
        _pool.Run(this, DenseTaskCount + _panels);

        double sum = 0;
        for (int b = 0; b < _batch; b++)
        {
            sum += _loss[b];
        }

        return sum / _batch;
    }

    private int DenseTaskCount => _net.LayerCount + (_g > 0 ? 1 : 0) + (_y > 0 ? 1 : 0);

    // ------------------------------------------------------------------ examples phase

    private void RunExamples(int b0, Scratch scratch)
    {
        for (int r = 0; r < Rows; r++)
        {
            int b = b0 + r;
            if (b >= _batch)
            {
                break;
            }

            ReadOnlySpan<int> items = _inputItems.AsSpan(b * _inputStride, _inputCount[b]);
            Span<float> q = _q.AsSpan(b * _dp, _d);
            _net.Forward(items, _x.AsSpan(b * _in, _in), _activations.AsSpan(b * _act, _act),
                _genreWeights.AsSpan(b * _g, _g), _yearWeights.AsSpan(b * _y, _y), q);
            for (int k = 0; k < _d; k++)
            {
                _qt[(k * _bp) + b] = q[k];
            }
        }

        ReadOnlySpan<float> queries = _q.AsSpan(b0 * _dp, Rows * _dp);
        int panelSize = _dp * _p;
        for (int p = 0; p < _panels; p++)
        {
            GemmKernel.Multiply(queries, _v.AsSpan(p * panelSize, panelSize), _dp, _z.AsSpan(((p * _bp) + b0) * _p, Rows * _p));
        }

        for (int r = 0; r < Rows; r++)
        {
            int b = b0 + r;
            if (b < _batch)
            {
                Softmax(b, scratch.Row);
            }
        }

        SoftmaxKernels.MultiplyByPanels(_z.AsSpan(b0 * _p), _bp * _p, _v, _panels, _dp, _dq.AsSpan(b0 * _dp, Rows * _dp));

        for (int r = 0; r < Rows; r++)
        {
            int b = b0 + r;
            if (b < _batch)
            {
                Backward(b);
            }
        }
    }

    /// <summary>Turns row b of Z into dZ = (softmax(Z + b) − onehot(label)) / B in place and stores the loss.</summary>
    private void Softmax(int b, float[] buffer)
    {
        Span<float> row = buffer.AsSpan(0, _m);
        for (int p = 0; p < _panels; p++)
        {
            int count = Math.Min(_p, _m - (p * _p));
            _z.AsSpan(((p * _bp) + b) * _p, count).CopyTo(row.Slice(p * _p, count));
        }

        if (_bias is not null)
        {
            TensorPrimitives.Add(row, _bias.AsSpan(0, _m), row);
        }

        int label = _exampleLabel[b];
        float labelLogit = row[label];
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Max(row, SoftmaxKernels.MinExponent, row);
        TensorPrimitives.Exp(row, row);
        float sum = TensorPrimitives.Sum(row);
        _loss[b] = max + Math.Log(sum) - labelLogit;
        SoftmaxKernels.ScaleFlushingTiny(row, (float)(1.0 / ((double)sum * _batch)));
        row[label] -= 1f / _batch;
        for (int p = 0; p < _panels; p++)
        {
            int count = Math.Min(_p, _m - (p * _p));
            row.Slice(p * _p, count).CopyTo(_z.AsSpan(((p * _bp) + b) * _p, count));
        }
    }

    /// <summary>Back-propagates dQ row b through the dense layers into δ and dX.</summary>
    private void Backward(int b)
    {
        int last = _net.LayerCount - 1;
        int[] offsets = _net.ActivationOffsets;
        Span<float> delta = _dq.AsSpan(b * _dp, _d);
        for (int l = last; l >= 0; l--)
        {
            int inputs = _net.LayerInputs(l);
            Span<float> target = l == 0 ? _dx.AsSpan(b * _in, _in) : _delta.AsSpan((b * _act) + offsets[l - 1], inputs);
            target.Clear();
            float[] w = _net.Weights[l];
            for (int r = 0; r < delta.Length; r++)
            {
                float dr = delta[r];
                if (dr != 0)
                {
                    TensorPrimitives.MultiplyAdd(w.AsSpan(r * inputs, inputs), dr, target, target);
                }
            }

            if (l > 0)
            {
                ReadOnlySpan<float> a = _activations.AsSpan((b * _act) + offsets[l - 1], inputs);
                for (int i = 0; i < inputs; i++)
                {
                    if (!(a[i] > 0))
                    {
                        target[i] = 0;
                    }
                }
            }

            delta = target;
        }
    }

    // ------------------------------------------------------------------ parameters phase

    private void RunParameters(int task, Scratch scratch)
    {
        int layers = _net.LayerCount;
        if (task < layers)
        {
            UpdateLayer(task);
            return;
        }

        task -= layers;
        if (_g > 0 && task-- == 0)
        {
            UpdateTable(_genreGradient, _genreWeights, _g, _net.ItemDimensions, _net.GenreDimensions, _genreParameter!);
            return;
        }

        if (_y > 0 && task-- == 0)
        {
            UpdateTable(_yearGradient, _yearWeights, _y, _net.ItemDimensions + _net.GenreDimensions, _net.YearDimensions, _yearParameter!);
            return;
        }

        UpdatePanel(task, scratch);
    }

    private void UpdateLayer(int l)
    {
        float[] dw = _weightGradients[l];
        float[] dc = _biasGradients[l];
        dw.AsSpan().Clear();
        dc.AsSpan().Clear();
        int inputs = _net.LayerInputs(l), outputs = _net.LayerOutputs(l);
        bool output = l == _net.LayerCount - 1;
        int[] offsets = _net.ActivationOffsets;
        for (int b = 0; b < _batch; b++)
        {
            ReadOnlySpan<float> delta = output ? _dq.AsSpan(b * _dp, _d) : _delta.AsSpan((b * _act) + offsets[l], outputs);
            ReadOnlySpan<float> a = l == 0 ? _x.AsSpan(b * _in, _in) : _activations.AsSpan((b * _act) + offsets[l - 1], inputs);
            for (int r = 0; r < outputs; r++)
            {
                float dr = delta[r];
                if (dr != 0)
                {
                    Span<float> row = dw.AsSpan(r * inputs, inputs);
                    TensorPrimitives.MultiplyAdd(a, dr, row, row);
                    dc[r] += dr;
                }
            }
        }

        Apply(_weightParameters[l], 0, dw);
        Apply(_biasParameters[l], 0, dc);
    }

    private void UpdateTable(float[] gradient, float[] weights, int rows, int offset, int width, Parameter parameter)
    {
        gradient.AsSpan().Clear();
        for (int b = 0; b < _batch; b++)
        {
            ReadOnlySpan<float> w = weights.AsSpan(b * rows, rows);
            ReadOnlySpan<float> dx = _dx.AsSpan((b * _in) + offset, width);
            for (int k = 0; k < rows; k++)
            {
                if (w[k] != 0)
                {
                    Span<float> row = gradient.AsSpan(k * width, width);
                    TensorPrimitives.MultiplyAdd(dx, w[k], row, row);
                }
            }
        }

        Apply(parameter, 0, gradient);
    }

    private void UpdatePanel(int panel, Scratch scratch)
    {
        int panelSize = _dp * _p;
        ReadOnlySpan<float> z = _z.AsSpan(panel * _bp * _p, _bp * _p);
        Span<float> gradient = scratch.PanelGradient;
        for (int kb = 0; kb < _dp; kb += Rows)
        {
            GemmKernel.Multiply(_qt.AsSpan(kb * _bp, Rows * _bp), z, _bp, gradient.Slice(kb * _p, Rows * _p));
        }

        // The input embeddings of the panel's items: from the examples whose bag holds them, in example order.
        int ei = _net.ItemDimensions;
        Span<float> de = scratch.ItemGradient;
        int first = panel * _p, end = Math.Min(_m, first + _p);
        for (int j = first; j < end; j++)
        {
            int from = _inverseOffsets[j], to = _inverseOffsets[j + 1];
            if (from == to && (_shared || (!_adam && _itemParameter.Gradient is null)))
            {
                continue; // nothing to add, or an Adagrad step with a zero gradient, which changes nothing
            }

            de.Clear();
            for (int e = from; e < to; e++)
            {
                int b = _inverseExamples[e];
                TensorPrimitives.MultiplyAdd(_dx.AsSpan(b * _in, ei), _inverseCount[b], de, de);
            }

            if (_shared)
            {
                int lane = j - first;
                for (int k = 0; k < _d; k++)
                {
                    gradient[(k * _p) + lane] += de[k];
                }
            }
            else
            {
                Apply(_itemParameter, j * ei, de);
            }
        }

        Apply(_vParameter, panel * panelSize, gradient);
        if (_shared)
        {
            CopySharedRows(first, end);
        }

        if (_biasParameter is not null)
        {
            Span<float> db = scratch.BiasGradient;
            db.Clear();
            for (int b = 0; b < _batch; b++)
            {
                TensorPrimitives.Add(db, z.Slice(b * _p, _p), db);
            }

            Apply(_biasParameter, panel * _p, db);
        }
    }

    private void Apply(Parameter parameter, int offset, ReadOnlySpan<float> gradient)
    {
        int length = gradient.Length;
        if (parameter.Gradient is { } captured)
        {
            gradient.CopyTo(captured.AsSpan(offset, length));
        }
        else if (_adam)
        {
            SoftmaxKernels.Adam(parameter.Values.AsSpan(offset, length), gradient, parameter.First.AsSpan(offset, length), parameter.Second!.AsSpan(offset, length), _stepSize * parameter.StepScale);
        }
        else
        {
            SoftmaxKernels.Adagrad(parameter.Values.AsSpan(offset, length), gradient, parameter.First.AsSpan(offset, length), _stepSize * parameter.StepScale);
        }
    }

    // ------------------------------------------------------------------ evaluation phase

    private void RunEvaluation(int u0, Scratch scratch)
    {
        Span<float> queries = scratch.Queries;
        queries.Clear();
        for (int r = 0; r < Rows && u0 + r < _n; r++)
        {
            int u = u0 + r;
            _net.Forward(_items.AsSpan(_offsets[u], _offsets[u + 1] - _offsets[u]), scratch.X, scratch.Activations, scratch.GenreWeights, scratch.YearWeights,
                queries.Slice(r * _dp, _d));
        }

        int panelSize = _dp * _p;
        Span<float> logits = scratch.Logits;
        for (int p = 0; p < _panels; p++)
        {
            GemmKernel.Multiply(queries, _v.AsSpan(p * panelSize, panelSize), _dp, logits.Slice(p * Rows * _p, Rows * _p));
        }

        int[] validationOffsets = _validationOffsets!;
        int[] validationItems = _validationItems!;
        for (int r = 0; r < Rows && u0 + r < _n; r++)
        {
            int u = u0 + r;
            ReadOnlySpan<int> test = validationItems.AsSpan(validationOffsets[u], validationOffsets[u + 1] - validationOffsets[u]);
            if (test.IsEmpty)
            {
                continue;
            }

            Span<float> row = scratch.Row.AsSpan(0, _m);
            for (int p = 0; p < _panels; p++)
            {
                int count = Math.Min(_p, _m - (p * _p));
                logits.Slice(((p * Rows) + r) * _p, count).CopyTo(row.Slice(p * _p, count));
            }

            if (_bias is not null)
            {
                TensorPrimitives.Add(row, _bias.AsSpan(0, _m), row);
            }

            float max = TensorPrimitives.Max(row);
            Span<float> exp = scratch.Exp.AsSpan(0, _m);
            TensorPrimitives.Subtract(row, max, exp);
            TensorPrimitives.Max(exp, SoftmaxKernels.MinExponent, exp);
            TensorPrimitives.Exp(exp, exp);
            double logSum = max + Math.Log(TensorPrimitives.Sum(exp));
            double loss = 0;
            foreach (int j in test)
            {
                loss += logSum - row[j];
            }

            int kept = TopK.Select(row, _items.AsSpan(_offsets[u], _offsets[u + 1] - _offsets[u]), -1, scratch.TopScores, scratch.TopItems);
            int hits = 0;
            for (int i = 0; i < kept; i++)
            {
                hits += test.BinarySearch(scratch.TopItems[i]) >= 0 ? 1 : 0;
            }

            _evaluationLoss[u] = loss;
            _evaluationRecall[u] = (double)hits / test.Length;
        }
    }

    /// <summary>A parameter array with its optimizer state (and, in tests, its captured gradient).</summary>
    /// <remarks>
    /// A parameter trained at scale s (<see cref="SoftmaxOptions.DenseWeightScale"/>) is stored as W but
    /// stepped as W̃ = s·W would be, whose gradient is g/s: Adagrad's W̃ −= lr·(g/s)/√(0.1 + Σ(g/s)²)
    /// is W −= (lr/s)·g/√(0.1·s² + Σg²), so the step size is divided by s and the accumulator starts at
    /// 0.1·s²; Adam's steps hardly depend on the gradient's scale, so only its step size is divided.
    /// </remarks>
    private sealed class Parameter
    {
        public Parameter(float[] values, bool adam, bool capture, float scale = 1f)
        {
            Values = values;
            StepScale = 1f / scale;
            First = new float[values.Length];
            if (adam)
            {
                Second = new float[values.Length];
            }
            else
            {
                First.AsSpan().Fill(AdagradInitialAccumulator * scale * scale);
            }

            Gradient = capture ? new float[values.Length] : null;
        }

        public float[] Values { get; }

        /// <summary>1/s: the factor of the optimizer's step size for this parameter.</summary>
        public float StepScale { get; }

        /// <summary>Adagrad's accumulator, or Adam's first moment.</summary>
        public float[] First { get; }

        /// <summary>Adam's second moment.</summary>
        public float[]? Second { get; }

        public float[]? Gradient { get; }
    }

    /// <summary>One worker's buffers.</summary>
    private sealed class Scratch(SoftmaxNetwork net, int m, int dp, int panels, int p)
    {
        public float[] Row { get; } = new float[m];

        public float[] Exp { get; } = new float[m];

        public float[] PanelGradient { get; } = new float[dp * p];

        public float[] BiasGradient { get; } = new float[p];

        public float[] ItemGradient { get; } = new float[net.ItemDimensions];

        public float[] X { get; } = new float[net.InputDimensions];

        public float[] Activations { get; } = new float[net.ActivationLength];

        public float[] GenreWeights { get; } = new float[net.GenreCount];

        public float[] YearWeights { get; } = new float[net.YearCount];

        public float[] Queries { get; } = new float[Rows * dp];

        public float[] Logits { get; } = new float[panels * Rows * p];

        public float[] TopScores { get; } = new float[RecallCutoff];

        public int[] TopItems { get; } = new int[RecallCutoff];
    }
}
