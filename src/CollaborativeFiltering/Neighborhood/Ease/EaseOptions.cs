using System.Globalization;
using System.Text;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// Options of <see cref="EaseRecommender"/>: the L2 penalty λ of EASE's closed form. <c>docs/defaults.md</c>
/// in the repository gives the sources behind the default.
/// </summary>
/// <remarks>
/// Of the options every trainer shares, an EASE fit uses <see cref="TrainerOptions.MaxDegreeOfParallelism"/>
/// only: it is a closed form, computed in one pass (reported once, so <see cref="TrainerOptions.ReportInterval"/>
/// does not apply and <see cref="TrainerOptions.EarlyStoppingPatience"/> is ignored with a warning in the log),
/// without embeddings or random numbers (<see cref="TrainerOptions.Dimensions"/>, <see cref="TrainerOptions.Iterations"/>,
/// <see cref="TrainerOptions.Seed"/> and <see cref="TrainerOptions.InitStdDev"/> do not change the model). The model is
/// bit-identical for any number of threads, and across instruction sets (every element of the inversion is one
/// chain of fused multiply-adds in a fixed order, whatever the vector width).
/// </remarks>
public sealed record EaseOptions : TrainerOptions
{
    /// <summary>
    /// λ, the L2 penalty on the item-to-item weights: B minimises ‖X − X·B‖²_F + λ·‖B‖²_F with a zero diagonal,
    /// so P = (XᵀX + λI)⁻¹. Larger values pull the weights of rarely co-rated items towards zero. Positive
    /// and finite. Default 200 (Steck 2019 used 200 to 1,000 on his three datasets, 500 on MovieLens 20M;
    /// with 200 the reporter of the project's issue 17 measured recall@10 0.197 on the real MovieLens 100k's
    /// u1 split; on taste-driven synthetic data 500 scored 2.5 % higher, see <c>docs/defaults.md</c>).
    /// </summary>
    public double Regularization { get; init; } = 200;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
    }

    /// <summary>Prints the options an EASE fit uses.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Regularization = {Regularization}, MaxDegreeOfParallelism = {MaxDegreeOfParallelism}");
        return true;
    }
}
