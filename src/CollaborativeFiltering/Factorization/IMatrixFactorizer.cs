namespace CollaborativeFiltering.Factorization;

/// <summary>
/// A trainer of <see cref="FactorizationModel"/>s: the matrix factorizers (full-batch gradient descent,
/// biased SGD, explicit and implicit ALS). Everything it does is <see cref="ITrainer{TModel}"/>'s; this
/// interface names the family, so that code can ask for "a matrix factorizer".
/// </summary>
public interface IMatrixFactorizer : ITrainer<FactorizationModel>
{
}
