using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Als;
using CollaborativeFiltering.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// ALS targets on MovieLens-1M-shaped synthetic data (6,040 users × 3,706 items, 1M ratings), d = 64,
/// two threads: explicit ALS, 10 sweeps ≤ 6 s; implicit ALS (1M non-zeros), 15 sweeps ≤ 10 s; a row
/// solve allocates nothing. Also the d = 64 normal-equation solve, in-house Cholesky against
/// MathNet's, which decided the solver.
/// </summary>
[MemoryDiagnoser]
public class AlsBenchmarks
{
    private const int Dimensions = 64;

    private RatingsDataset _train = null!;
    private AlsTraining _trainer = null!;
    private ImplicitAlsTraining _implicitTrainer = null!;
    private double[] _system = [];
    private double[] _work = [];
    private double[] _rhs = [];
    private double[] _solution = [];
    private Matrix<double> _matrix = null!;
    private Vector<double> _vector = null!;
    private int _order;
    private int _stride;

    [GlobalSetup]
    public void Setup()
    {
        _train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 }).Dataset;
        var random = new Random(1);
        var items = new float[_train.ItemCount * Dimensions];
        for (int k = 0; k < items.Length; k++)
        {
            items[k] = (float)((random.NextDouble() - 0.5) * 0.2);
        }

        _trainer = new AlsFactorizer(new AlsOptions { Dimensions = Dimensions, MaxDegreeOfParallelism = 1 }).CreateTrainer(_train, items);
        _trainer.SolveUsers(CancellationToken.None);
        _implicitTrainer = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = Dimensions, MaxDegreeOfParallelism = 1 })
            .CreateTrainer(_train, new float[_train.UserCount * Dimensions], (float[])items.Clone());
        _implicitTrainer.SolveUsers(CancellationToken.None);

        // A (d+1)×(d+1) system as explicit ALS with biases builds it: Gram matrix of 200 random rows + λ·n·I.
        _order = Dimensions + 1;
        _stride = CholeskySolver.PaddedOrder(_order);
        Matrix<double> rows = Matrix<double>.Build.Dense(200, _order, (_, _) => random.NextDouble() - 0.5);
        _matrix = rows.TransposeThisAndMultiply(rows) + (10 * Matrix<double>.Build.DenseIdentity(_order));
        _vector = Vector<double>.Build.Dense(_order, _ => random.NextDouble());
        _system = new double[_stride * _stride];
        _work = new double[_system.Length];
        _rhs = new double[_stride];
        _solution = new double[_stride];
        for (int i = 0; i < _order; i++)
        {
            _rhs[i] = _vector[i];
            for (int j = 0; j < _order; j++)
            {
                _system[(i * _stride) + j] = _matrix[i, j];
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer.Dispose();
        _implicitTrainer.Dispose();
    }

    /// <summary>Explicit ALS with biases, 10 sweeps, d = 64, 2 threads (target ≤ 6 s).</summary>
    [Benchmark]
    public FactorizationModel ExplicitFit1M() =>
        new AlsFactorizer(new AlsOptions { Dimensions = Dimensions, Iterations = 10, MaxDegreeOfParallelism = 2, ReportInterval = 10 }).Fit(_train);

    /// <summary>Implicit ALS (α = 40, 3 CG steps), 15 sweeps, d = 64, 2 threads (target ≤ 10 s).</summary>
    [Benchmark]
    public FactorizationModel ImplicitFit1M() =>
        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = Dimensions, Iterations = 15, MaxDegreeOfParallelism = 2, ReportInterval = 15 }).Fit(_train);

    /// <summary>One explicit row solve (user 0: Gram of the user's rated items' rows, Cholesky of the 65×65 system); 0 B allocated.</summary>
    [Benchmark]
    public bool ExplicitRowSolve() => _trainer.SolveRow(user: true, 0);

    /// <summary>One implicit row solve by 3 conjugate-gradient steps (user 0); 0 B allocated.</summary>
    [Benchmark]
    public bool ImplicitRowSolve() => _implicitTrainer.SolveUserRow(0);

    /// <summary>The in-house Cholesky factorisation and solve of a 65×65 system (copy included).</summary>
    [Benchmark]
    public double CholeskyInHouse65()
    {
        _system.CopyTo(_work, 0);
        _rhs.CopyTo(_solution, 0);
        CholeskySolver.TrySolve(_work, _order, _stride, _solution);
        return _solution[0];
    }

    /// <summary>The same system with MathNet: <c>Matrix&lt;double&gt;.Cholesky().Solve</c> (the factor and the result are allocated).</summary>
    [Benchmark]
    public double CholeskyMathNet65() => _matrix.Cholesky().Solve(_vector)[0];
}
