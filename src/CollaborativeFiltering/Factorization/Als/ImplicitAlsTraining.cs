using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.Als;

/// <summary>The implicit-feedback objective at the current factors (sums, not means).</summary>
/// <param name="DataLoss">Σ over all N·M pairs of c_ui·(p_ui − ⟨x_u, y_i⟩)², computed with the Gram trick.</param>
/// <param name="UserNorms">Σ_u w_u·‖x_u‖², w_u the user's penalty weight (<see cref="ImplicitRegularizationScaling"/>).</param>
/// <param name="ItemNorms">Σ_i w_i·‖y_i‖².</param>
/// <param name="TotalWeight">Σ over all N·M pairs of c_ui = N·M + α·Σ_Ω r_ui.</param>
/// <param name="ObservedSquaredError">Σ_Ω (1 − ⟨x_u, y_i⟩)² over the training interactions.</param>
/// <param name="ValidationSquaredError">The same over the validation interactions (0 without).</param>
internal readonly record struct ImplicitAlsEvaluation(double DataLoss, double UserNorms, double ItemNorms, double TotalWeight, double ObservedSquaredError, double ValidationSquaredError);

/// <summary>
/// The state of one implicit-feedback ALS fit (Hu, Koren and Volinsky 2008): every user-item pair
/// has preference p = 1 when observed (0 otherwise) and confidence c = 1 + α·r (1 when unobserved);
/// the objective is <c>Σ_all c·(p − ⟨x_u, y_i⟩)² + λ(Σ n_u‖x_u‖² + Σ n_i‖y_i‖²)</c> (weighted-λ, as in
/// Spark). A user's row solves <c>(YᵀY + Yᵀ(C_u − I)Y + λ·n_u·I)·x = YᵀC_u·p</c>; YᵀY is computed once per half-sweep, so each row
/// costs O(n_u·d) per conjugate-gradient step (or O(n_u·d² + d³) for the exact Cholesky solve).
/// </summary>
/// <remarks>
/// The conjugate-gradient solver follows the <c>implicit</c> library: a few steps warm-started from
/// the row's previous value, the system applied as (YᵀY + λ·n_u·I)·p + Σ (c − 1)·⟨y, p⟩·y without forming
/// it. YᵀY is summed per fixed block of rows and the blocks are added in order; each row is solved
/// by one thread from data fixed during the half-sweep, so results are bit-identical for any thread
/// count.
/// </remarks>
internal sealed class ImplicitAlsTraining : IBlockWork, ITraining<FactorizationModel>
{
    private const int GramBlocks = 16;
    private const int MinGramBlockRows = 256;

    /// <summary>d, the embedding dimension.</summary>
    private readonly TrainingSupport _support;
    private readonly int _d;

    /// <summary>The row stride of the Gram matrices: d rounded up for <see cref="GramKernel"/> (<see cref="GramKernel.RowStride"/>).</summary>
    private readonly int _gramStride;

    private readonly int _n;
    private readonly int _m;
    private readonly double _lambda;
    private readonly double[] _userPenalty;
    private readonly double[] _itemPenalty;
    private readonly float _alpha;
    private readonly int _cgSteps;

    /// <summary>Whether the conjugate-gradient sums run in <see cref="ImplicitAlsKernels"/> (see <see cref="UseRowKernels"/>).</summary>
    private bool _rowKernels;

    /// <summary>The training rows both ways and the validation rows, read through the datasets' row sources (a split is never materialised).</summary>
    private readonly RatingRows _userRows;
    private readonly RatingRows _itemRows;
    private readonly RatingRows? _validationRows;

    private readonly float[] _x;
    private readonly float[] _y;

    /// <summary>The fixed side's Gram matrix in double: upper triangle, row stride dp, without λ.</summary>
    private readonly double[] _gram;

    /// <summary>The fixed side's Gram matrix in float, full d×d, for conjugate gradient.</summary>
    private readonly float[] _gramCg;

    private readonly double[] _gramPartials;
    private readonly int[] _userGramBlocks;
    private readonly int[] _itemGramBlocks;

    private readonly int[] _userBlocks;
    private readonly int[] _itemBlocks;
    private readonly int[] _validationBlocks;
    private readonly double[] _blockData;
    private readonly double[] _blockObserved;
    private readonly double[] _blockUserNorms;
    private readonly double[] _blockItemNorms;
    private readonly double[] _blockValidation;
    private readonly double _totalWeight;

    private readonly AlsScratch[] _scratch;

    /// <summary>One row gather buffer per worker (empty when no side is a view).</summary>
    private readonly RowBuffer[] _buffers;
    private readonly WorkerPool _pool;
    private volatile bool _failed;

    private Phase _phase;

    /// <summary>The options the model carries (null for trainings built by tests, which never build a model).</summary>
    private readonly ImplicitAlsOptions? _options;
    private Side _gramSide;

    /// <summary>Prepares a fit and takes ownership of the given factors as the starting point.</summary>
    /// <param name="train">Non-empty interactions with non-negative finite values.</param>
    /// <param name="validation">Validation interactions over the same catalogue, or <see langword="null"/>.</param>
    /// <param name="dimensions">d.</param>
    /// <param name="lambda">λ of the weighted-λ penalty, positive.</param>
    /// <param name="alpha">α of c = 1 + α·r, positive.</param>
    /// <param name="scaling">How each row's penalty weight w_r is computed.</param>
    /// <param name="cgSteps">Conjugate-gradient steps per row, or 0 for exact Cholesky solves.</param>
    /// <param name="maxThreads">The most workers.</param>
    /// <param name="users">X, N·d.</param>
    /// <param name="items">Y, M·d.</param>
    /// <param name="options">The options the model will carry.</param>
    public ImplicitAlsTraining(RatingsDataset train, RatingsDataset? validation, int dimensions, double lambda, ImplicitRegularizationScaling scaling, double alpha, int cgSteps, int maxThreads, float[] users, float[] items, ImplicitAlsOptions? options = null)
    {
        _options = options;
        Debug.Assert(train.Count > 0 && lambda > 0 && cgSteps >= 0);
        _d = dimensions;
        _gramStride = GramKernel.RowStride(dimensions);
        _n = train.UserCount;
        _m = train.ItemCount;
        Catalog = train.Catalog;
        _support = TrainingSupport.Of(train);
        _lambda = lambda;
        _alpha = (float)alpha;
        _cgSteps = cgSteps;
        _rowKernels = ImplicitAlsKernels.HasRowKernels(dimensions);
        Debug.Assert(users.Length == _n * _d && items.Length == _m * _d);

        _userRows = train.UserRows;
        _itemRows = train.ItemRows;
        if (validation is { Count: > 0 })
        {
            _validationRows = WorkingRatings.ValidationRows(validation);
            ValidationCount = validation.Count;
        }

        var setup = _userRows.NewBuffer();
        _userPenalty = PenaltyWeights(scaling, _userRows, _m, _alpha, setup);
        _itemPenalty = PenaltyWeights(scaling, _itemRows, _n, _alpha, _itemRows.NewBuffer());
        TrainCount = train.Count;
        double weight = (double)_n * _m;
        for (int u = 0; u < _n; u++)
        {
            _userRows.Row(u, setup, out _, out ReadOnlySpan<float> values);
            foreach (float value in values)
            {
                weight += _alpha * value;
            }
        }

        _totalWeight = weight;
        _x = users;
        _y = items;
        _gram = new double[_gramStride * _gramStride];
        _gramCg = new float[_d * _d];
        _userGramBlocks = RowPartition.Uniform(_n, Math.Max(MinGramBlockRows, (_n + GramBlocks - 1) / GramBlocks));
        _itemGramBlocks = RowPartition.Uniform(_m, Math.Max(MinGramBlockRows, (_m + GramBlocks - 1) / GramBlocks));
        _gramPartials = new double[Math.Max(_userGramBlocks.Length, _itemGramBlocks.Length) * _gramStride * _gramStride];

        long steps = cgSteps + 1;
        long perEntry = cgSteps == 0 ? ((long)_gramStride * _gramStride / 2) + (3L * _gramStride) : 2 * steps * _d;
        long perRow = cgSteps == 0 ? ((long)_d * _d * _d / 6) + ((long)_d * _d) + 64 : (steps * _d * _d) + 64;
        _userBlocks = RowPartition.Create(_userRows.Offsets, perEntry, perRow);
        _itemBlocks = RowPartition.Create(_itemRows.Offsets, perEntry, perRow);
        _validationBlocks = _validationRows is null ? [0] : RowPartition.Create(_validationRows.Offsets, _d, _d);
        _blockData = new double[_userBlocks.Length - 1];
        _blockObserved = new double[_userBlocks.Length - 1];
        _blockUserNorms = new double[_userBlocks.Length - 1];
        _blockItemNorms = new double[_itemBlocks.Length - 1];
        _blockValidation = new double[_validationBlocks.Length - 1];

        int workers = Math.Clamp(maxThreads, 1, Math.Max(1, Math.Max(_userBlocks.Length, _itemBlocks.Length) - 1));
        _scratch = new AlsScratch[workers];
        _buffers = new RowBuffer[workers];
        int gather = Math.Max(_userRows.GatherCapacity, Math.Max(_itemRows.GatherCapacity, _validationRows?.GatherCapacity ?? 0));
        for (int w = 0; w < workers; w++)
        {
            _scratch[w] = new AlsScratch(_d, _d, weighted: cgSteps == 0);
            _buffers[w] = new RowBuffer(gather);
        }

        _pool = new WorkerPool(workers);
    }

    private enum Phase
    {
        Gram,
        Users,
        Items,
        Evaluate,
    }

    private enum Side
    {
        None,
        Users,
        Items,
    }

    /// <summary>The training set's catalogue.</summary>
    public Catalog Catalog { get; }

    /// <summary>X (N·d, row-major).</summary>
    public float[] Users => _x;

    /// <summary>Y (M·d, row-major).</summary>
    public float[] Items => _y;

    /// <summary>|Ω|.</summary>
    public int TrainCount { get; }

    /// <summary>The number of validation interactions (0 without).</summary>
    public int ValidationCount { get; }

    /// <summary>Whether a validation set was given.</summary>
    public bool HasValidation => _validationRows is not null;

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>Test hook: called with the block index before each solve block starts.</summary>
    internal Action<int>? BlockStarting { get; set; }

    /// <summary>
    /// Whether the conjugate-gradient sums run in the register kernels of <see cref="ImplicitAlsKernels"/>: by
    /// default wherever the width has them. Tests clear it to run the generic loop and compare the two bit for
    /// bit; setting it where the width has no kernels leaves it clear.
    /// </summary>
    internal bool UseRowKernels
    {
        get => _rowKernels;
        set => _rowKernels = value && ImplicitAlsKernels.HasRowKernels(_d);
    }

    /// <summary>Solves every user's row from the current Y (computing YᵀY first when it is not current).</summary>
    /// <returns><see langword="false"/> when a value became non-finite or a system was not positive definite.</returns>
    /// <exception cref="OperationCanceledException">Cancelled between two blocks.</exception>
    public bool SolveUsers(CancellationToken cancellationToken)
    {
        // Solving X leaves Y, and so the YᵀY held, unchanged.
        EnsureGram(Side.Items);
        return RunSolve(Phase.Users, cancellationToken);
    }

    /// <summary>Solves every item's row from the current X (computing XᵀX first when it is not current).</summary>
    /// <returns><see langword="false"/> when a value became non-finite or a system was not positive definite.</returns>
    /// <exception cref="OperationCanceledException">Cancelled between two blocks.</exception>
    public bool SolveItems(CancellationToken cancellationToken)
    {
        // Solving Y leaves X, and so the XᵀX held, unchanged.
        EnsureGram(Side.Users);
        return RunSolve(Phase.Items, cancellationToken);
    }

    /// <summary>The objective's terms and the squared errors of the preferences at the current factors.</summary>
    public ImplicitAlsEvaluation Evaluate()
    {
        EnsureGram(Side.Items);
        RunPhase(Phase.Evaluate);
        double data = 0, observed = 0, userNorms = 0, itemNorms = 0, validation = 0;
        for (int b = 0; b < _blockData.Length; b++)
        {
            data += _blockData[b];
            observed += _blockObserved[b];
            userNorms += _blockUserNorms[b];
        }

        for (int b = 0; b < _blockItemNorms.Length; b++)
        {
            itemNorms += _blockItemNorms[b];
        }

        for (int b = 0; b < _blockValidation.Length; b++)
        {
            validation += _blockValidation[b];
        }

        return new ImplicitAlsEvaluation(data, userNorms, itemNorms, _totalWeight, observed, validation);
    }

    /// <summary>Solves one user's row with worker <paramref name="worker"/>'s buffers, from the current YᵀY (benchmarks and tests); allocates nothing.</summary>
    public bool SolveUserRow(int user, int worker = 0)
    {
        EnsureGram(Side.Items);
        return SolveRow(user, _userRows, _userPenalty, _y, _x, _scratch[worker], _buffers[worker]);
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    string? ITraining<FactorizationModel>.EarlyStoppingUnsupportedReason => "held-out squared error does not measure ranking quality for implicit feedback";

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.Step(int iteration, CancellationToken cancellationToken) =>
        SolveUsers(cancellationToken) && SolveItems(cancellationToken) ? 0 : double.NaN;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.LearningRate(int iteration) => double.NaN;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.ValidationLoss() => throw new NotSupportedException("Implicit ALS does not stop early.");

    /// <inheritdoc/>
    TrainingProgress ITraining<FactorizationModel>.Measure(double? validationLoss)
    {
        ImplicitAlsEvaluation e = Evaluate();
        double? validationMse = HasValidation ? e.ValidationSquaredError / ValidationCount : null;
        return new TrainingProgress
        {
            ObservedLoss = e.DataLoss / e.TotalWeight,
            RegularizationLoss = _lambda * (e.UserNorms + e.ItemNorms) / e.TotalWeight,
            TrainMse = e.ObservedSquaredError / TrainCount,
            ValidationMse = validationMse,
            ValidationLoss = validationMse,
        };
    }

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"weighted loss {Display.Number(progress.TotalLoss)} = data {Display.Number(progress.ObservedLoss)} + regularization {Display.Number(progress.RegularizationLoss)}; observed preference MSE {Display.Number(progress.TrainMse)}{(progress.ValidationMse is { } v ? $", validation {Display.Number(v)}" : string.Empty)}");

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"observed preference MSE {Display.Number(final.TrainMse)}");

    /// <inheritdoc/>
    void ITraining<FactorizationModel>.KeepBest() => throw new NotSupportedException("Implicit ALS does not stop early.");

    /// <inheritdoc/>
    bool ITraining<FactorizationModel>.AllFinite() => TensorPrimitivesExtensions.AllFinite(_x) && TensorPrimitivesExtensions.AllFinite(_y);

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.ToModel(bool best) => new(Catalog, _d, _x, _y, null, null, 0, _options, null, support: _support);

    /// <inheritdoc/>
    /// <remarks>A sweep depends on the current factors only (conjugate gradient starts from them).</remarks>
    bool ITraining<FactorizationModel>.Continuable => true;

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.CopyModel(bool best) => new(Catalog, _d, (float[])_x.Clone(), (float[])_y.Clone(), null, null, 0, _options, null, support: _support);

    /// <inheritdoc/>
    long ITraining<FactorizationModel>.RetainedBytes => (4L * ((long)_x.Length + _y.Length)) + (16L * TrainCount) + (8L * ValidationCount);

    /// <summary>
    /// Solves <c>(G + λ_r·I + Σ (c_k − 1)·y_k y_kᵀ)·x = Σ c_k·y_k</c> exactly by Cholesky, G being the
    /// other side's Gram matrix (upper, stride dp) and λ_r = <paramref name="lambda"/> the row's
    /// penalty weight (λ·n): one row of implicit ALS, also used for fold-in.
    /// </summary>
    /// <returns><see langword="false"/> when the system is not positive definite or the solution not finite.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool SolveExact(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, ReadOnlySpan<float> other, int d, ReadOnlySpan<double> gram, double lambda, float alpha, AlsScratch s, Span<float> destination)
    {
        int dp = GramKernel.RowStride(d), stride = s.Stride, count = columns.Length;
        Span<double> system = s.System;
        Span<double> rhs = s.Rhs;
        Span<float> chunkRhs = s.ChunkRhs;
        rhs.Clear();
        if (count == 0)
        {
            system.Clear();
        }

        for (int c0 = 0; c0 < count; c0 += GramKernel.ChunkRows)
        {
            int rows = Math.Min(GramKernel.ChunkRows, count - c0);
            chunkRhs.Clear();
            for (int k = 0; k < rows; k++)
            {
                float w = alpha * values[c0 + k];
                AlsRowKernels.PackWeighted(other.Slice(columns[c0 + k] * d, d), s.Packed.PaddedRow(k), s.Scaled.PaddedRow(k), w, 1f + w, chunkRhs);
            }

            GramKernel.Accumulate(s.Scaled.Values, s.Packed.Values, rows, dp, system, stride, overwrite: c0 == 0);
            AlsRowKernels.AddWidened(chunkRhs, rhs);
        }

        int padded = CholeskySolver.PaddedOrder(d);
        for (int a = 0; a < d; a++)
        {
            Span<double> row = system.Slice(a * stride, padded);
            ReadOnlySpan<double> g = gram.Slice(a * dp, d);
            for (int b = a; b < d; b++)
            {
                row[b] += g[b];
            }

            row[a] += lambda;
            row[d..].Clear();
        }

        rhs[d..].Clear();
        if (!CholeskySolver.TrySolve(system, d, stride, rhs))
        {
            return false;
        }

        bool finite = true;
        for (int k = 0; k < d; k++)
        {
            float x = (float)rhs[k];
            finite &= float.IsFinite(x);
            destination[k] = x;
        }

        return finite;
    }

    /// <inheritdoc/>
    void IBlockWork.Execute(int block, int worker)
    {
        AlsScratch scratch = _scratch[worker];
        RowBuffer buffer = _buffers[worker];
        switch (_phase)
        {
            case Phase.Gram:
                int[] bounds = _gramSide == Side.Users ? _userGramBlocks : _itemGramBlocks;
                float[] factors = _gramSide == Side.Users ? _x : _y;
                int size = _gramStride * _gramStride;
                GramKernel.Gram(factors, _d, bounds[block], bounds[block + 1], scratch.Packed, _gramPartials.AsSpan(block * size, size));
                break;
            case Phase.Users:
                BlockStarting?.Invoke(block);
                for (int r = _userBlocks[block], end = _userBlocks[block + 1]; r < end; r++)
                {
                    if (!SolveRow(r, _userRows, _userPenalty, _y, _x, scratch, buffer))
                    {
                        _failed = true;
                    }
                }

                break;
            case Phase.Items:
                BlockStarting?.Invoke(block);
                for (int r = _itemBlocks[block], end = _itemBlocks[block + 1]; r < end; r++)
                {
                    if (!SolveRow(r, _itemRows, _itemPenalty, _x, _y, scratch, buffer))
                    {
                        _failed = true;
                    }
                }

                break;
            case Phase.Evaluate:
                int userTasks = _blockData.Length, itemTasks = _blockItemNorms.Length;
                if (block < userTasks)
                {
                    EvaluateUsers(block, buffer);
                }
                else if (block < userTasks + itemTasks)
                {
                    int b = block - userTasks;
                    _blockItemNorms[b] = SquaredNorms(_y, _itemPenalty, _itemBlocks[b], _itemBlocks[b + 1]);
                }
                else
                {
                    int b = block - userTasks - itemTasks;
                    _blockValidation[b] = PreferenceError(_validationBlocks[b], _validationBlocks[b + 1], _validationRows!, buffer);
                }

                break;
        }
    }

    /// <summary>Makes <see cref="_gram"/> and <see cref="_gramCg"/> the Gram matrix of <paramref name="side"/>'s factors.</summary>
    private void EnsureGram(Side side)
    {
        if (_gramSide == side)
        {
            return;
        }

        _gramSide = side;
        RunPhase(Phase.Gram);
        int blocks = (side == Side.Users ? _userGramBlocks : _itemGramBlocks).Length - 1;
        int size = _gramStride * _gramStride;
        _gramPartials.AsSpan(0, size).CopyTo(_gram);
        for (int b = 1; b < blocks; b++)
        {
            TensorPrimitives.Add(_gram, _gramPartials.AsSpan(b * size, size), _gram);
        }

        int d = _d, dp = _gramStride;
        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++)
            {
                float g = (float)_gram[(a * dp) + b];
                _gramCg[(a * d) + b] = g;
                _gramCg[(b * d) + a] = g;
            }

        }
    }

    /// <summary>Runs a solve phase, checking <paramref name="cancellationToken"/> before every block; <see langword="false"/> when a row failed.</summary>
    private bool RunSolve(Phase phase, CancellationToken cancellationToken)
    {
        _failed = false;
        RunPhase(phase, cancellationToken);
        return !_failed;
    }

    private void RunPhase(Phase phase, CancellationToken cancellationToken = default)
    {
        _phase = phase;
        _pool.Run(this, phase switch
        {
            Phase.Gram => (_gramSide == Side.Users ? _userGramBlocks : _itemGramBlocks).Length - 1,
            Phase.Users => _userBlocks.Length - 1,
            Phase.Items => _itemBlocks.Length - 1,
            _ => _blockData.Length + _blockItemNorms.Length + _blockValidation.Length,
        }, cancellationToken);
    }

    /// <summary>
    /// Each row's penalty weight w_r: its total confidence Σ_j c_rj = <paramref name="otherSide"/> + α·Σ r
    /// over the pairs of the row, or its interaction count (<see cref="ImplicitRegularizationScaling"/>).
    /// </summary>
    internal static double[] PenaltyWeights(ImplicitRegularizationScaling scaling, RatingRows rows, int otherSide, float alpha, RowBuffer buffer)
    {
        var weights = new double[rows.RowCount];
        for (int r = 0; r < weights.Length; r++)
        {
            if (scaling == ImplicitRegularizationScaling.InteractionCount)
            {
                weights[r] = rows.Length(r);
                continue;
            }

            rows.Row(r, buffer, out _, out ReadOnlySpan<float> values);
            double strength = 0;
            foreach (float value in values)
            {
                strength += value;
            }

            weights[r] = otherSide + ((double)alpha * strength);
        }

        return weights;
    }

    private bool SolveRow(int r, RatingRows rows, double[] penalty, float[] other, float[] target, AlsScratch s, RowBuffer buffer)
    {
        int d = _d;
        int count = rows.Row(r, buffer, out ReadOnlySpan<int> cols, out ReadOnlySpan<float> vals);
        Span<float> x = target.AsSpan(r * d, d);
        if (count == 0)
        {
            x.Clear();
            return true;
        }

        double rowLambda = _lambda * penalty[r];
        return _cgSteps == 0
            ? SolveExact(cols, vals, other, d, _gram, rowLambda, _alpha, s, x)
            : SolveConjugateGradient(cols, vals, other, (float)rowLambda, s, x);
    }

    /// <summary>
    /// <see cref="_cgSteps"/> conjugate-gradient steps on (YᵀY + λ_r·I + Σ (c − 1)·y yᵀ)·x = Σ c·y from the
    /// current x, as the <c>implicit</c> library does: r = b − A·x, p = r, then per step
    /// α = rᵀr / pᵀAp, x += α·p, r −= α·Ap, p = r + (r'ᵀr'/rᵀr)·p; stops early once rᵀr &lt; 1e-20.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SolveConjugateGradient(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, float[] other, float lambda, AlsScratch s, Span<float> x)
    {
        int d = _d;
        float alpha = _alpha;
        Span<float> r = s.Residual, p = s.Direction, ap = s.Product;

        // r = Σ [c − (c − 1)·⟨y, x⟩]·y − (YᵀY + λ_r·I)·x
        AlsRowKernels.MultiplySymmetric(x, _gramCg, r);
        TensorPrimitives.MultiplyAdd(x, lambda, r, r);
        TensorPrimitives.Negate(r, r);
        int k = 0, count = columns.Length;
        bool kernels = _rowKernels;
        if (kernels)
        {
            // The same sum with r held in registers across the row's items (the same bits).
            ImplicitAlsKernels.Accumulate(d, residual: true, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetArrayDataReference(other), ref MemoryMarshal.GetReference(columns), ref MemoryMarshal.GetReference(values), count, alpha, ref MemoryMarshal.GetArrayDataReference(s.Residual), ref MemoryMarshal.GetArrayDataReference(s.Coefficients));
        }
        else
        {
            for (; k <= count - 4; k += 4)
            {
                ReadOnlySpan<float> y0 = other.AsSpan(columns[k] * d, d), y1 = other.AsSpan(columns[k + 1] * d, d), y2 = other.AsSpan(columns[k + 2] * d, d), y3 = other.AsSpan(columns[k + 3] * d, d);
                Vector128<float> w = Vector128.Create(values[k], values[k + 1], values[k + 2], values[k + 3]) * alpha;
                Vector128<float> coef = (Vector128<float>.One + w) - (w * RowKernels.Dot4(x, y0, y1, y2, y3));
                RowKernels.MultiplyAdd4(coef.GetElement(0), y0, coef.GetElement(1), y1, coef.GetElement(2), y2, coef.GetElement(3), y3, r);
            }

            for (; k < count; k++)
            {
                ReadOnlySpan<float> y = other.AsSpan(columns[k] * d, d);
                float w = alpha * values[k];
                RowKernels.MultiplyAdd((1f + w) - (w * RowKernels.Dot(x, y)), y, r);
            }
        }

        r.CopyTo(p);
        float rs = RowKernels.Dot(r, r);
        if (!float.IsFinite(rs))
        {
            return false;
        }

        for (int step = 0; step < _cgSteps && rs >= 1e-20f; step++)
        {
            // Ap = (YᵀY + λ_r·I)·p + Σ (c − 1)·⟨y, p⟩·y
            AlsRowKernels.MultiplySymmetric(p, _gramCg, ap);
            TensorPrimitives.MultiplyAdd(p, lambda, ap, ap);
            if (kernels)
            {
                ImplicitAlsKernels.Accumulate(d, residual: false, ref MemoryMarshal.GetArrayDataReference(s.Direction), ref MemoryMarshal.GetArrayDataReference(other), ref MemoryMarshal.GetReference(columns), ref MemoryMarshal.GetReference(values), count, alpha, ref MemoryMarshal.GetArrayDataReference(s.Product), ref MemoryMarshal.GetArrayDataReference(s.Coefficients));
            }
            else
            {
                for (k = 0; k <= count - 4; k += 4)
                {
                    ReadOnlySpan<float> y0 = other.AsSpan(columns[k] * d, d), y1 = other.AsSpan(columns[k + 1] * d, d), y2 = other.AsSpan(columns[k + 2] * d, d), y3 = other.AsSpan(columns[k + 3] * d, d);
                    Vector128<float> coef = Vector128.Create(values[k], values[k + 1], values[k + 2], values[k + 3]) * alpha * RowKernels.Dot4(p, y0, y1, y2, y3);
                    RowKernels.MultiplyAdd4(coef.GetElement(0), y0, coef.GetElement(1), y1, coef.GetElement(2), y2, coef.GetElement(3), y3, ap);
                }

                for (; k < count; k++)
                {
                    ReadOnlySpan<float> y = other.AsSpan(columns[k] * d, d);
                    RowKernels.MultiplyAdd(alpha * values[k] * RowKernels.Dot(p, y), y, ap);
                }
            }

            float pap = RowKernels.Dot(p, ap);
            if (!(pap > 0) || !float.IsFinite(pap))
            {
                break;
            }

            float a = rs / pap;
            RowKernels.MultiplyAdd(a, p, x);
            RowKernels.MultiplyAdd(-a, ap, r);
            float rsNew = RowKernels.Dot(r, r);
            TensorPrimitives.MultiplyAdd(p, rsNew / rs, r, p);
            rs = rsNew;
        }

        return TensorPrimitivesExtensions.AllFinite(x);
    }

    /// <summary>For a block of users: Σ x_uᵀ·G·x_u + Σ_Ω [c·(1 − s)² − s²] (the weighted loss over all pairs), Σ_Ω (1 − s)² and Σ ‖x_u‖².</summary>
    private void EvaluateUsers(int block, RowBuffer buffer)
    {
        int d = _d, dp = _gramStride;
        float alpha = _alpha;
        double data = 0, observed = 0;
        int r0 = _userBlocks[block], r1 = _userBlocks[block + 1];
        for (int u = r0; u < r1; u++)
        {
            ReadOnlySpan<float> x = _x.AsSpan(u * d, d);
            double quadratic = 0;
            for (int a = 0; a < d; a++)
            {
                double xa = x[a];
                double inner = 0;
                for (int b = a + 1; b < d; b++)
                {
                    inner += _gram[(a * dp) + b] * x[b];
                }

                quadratic += xa * ((_gram[(a * dp) + a] * xa) + (2 * inner));
            }

            data += quadratic;
            int count = _userRows.Row(u, buffer, out ReadOnlySpan<int> items, out ReadOnlySpan<float> values);
            for (int p = 0; p < count; p++)
            {
                double s = RowKernels.Dot(x, _y.AsSpan(items[p] * d, d));
                double c = 1 + ((double)alpha * values[p]);
                double e = 1 - s;
                data += (c * e * e) - (s * s);
                observed += e * e;
            }
        }

        _blockData[block] = data;
        _blockObserved[block] = observed;
        _blockUserNorms[block] = SquaredNorms(_x, _userPenalty, r0, r1);
    }

    /// <summary>Σ w_r·‖f_r‖² over rows [r0, r1), w_r being the row's penalty weight.</summary>
    private double SquaredNorms(float[] factors, double[] penalty, int r0, int r1)
    {
        int d = _d;
        double sum = 0;
        for (int r = r0; r < r1; r++)
        {
            double norm = 0;
            for (int k = r * d, end = k + d; k < end; k++)
            {
                norm += (double)factors[k] * factors[k];
            }

            sum += norm * penalty[r];
        }

        return sum;
    }

    /// <summary>Σ (1 − ⟨x_u, y_i⟩)² over users [r0, r1) of user-major rows.</summary>
    private double PreferenceError(int r0, int r1, RatingRows rows, RowBuffer buffer)
    {
        int d = _d;
        double sum = 0;
        for (int u = r0; u < r1; u++)
        {
            ReadOnlySpan<float> x = _x.AsSpan(u * d, d);
            foreach (int item in rows.RowColumns(u, buffer))
            {
                double e = 1 - RowKernels.Dot(x, _y.AsSpan(item * d, d));
                sum += e * e;
            }
        }

        return sum;
    }
}
