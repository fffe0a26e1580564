using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The result of an incremental update (<see cref="AlsFactorizer.Update"/>): the new model and how
/// much work it took, in the units a full ALS fit is measured by (row solves and rating visits), so
/// that its cost can be compared with a refit's without a clock.
/// </summary>
public sealed class AlsUpdate
{
    internal AlsUpdate(FactorizationModel model, int newUsers, int newItems, int usersSolved, int itemsSolved, long ratingVisits)
    {
        Model = model;
        NewUsers = newUsers;
        NewItems = newItems;
        UsersSolved = usersSolved;
        ItemsSolved = itemsSolved;
        RatingVisits = ratingVisits;
    }

    /// <summary>The updated model, over the old catalogue with the new users and items appended.</summary>
    public FactorizationModel Model { get; }

    /// <summary>Users that were not in the old model's catalogue.</summary>
    public int NewUsers { get; }

    /// <summary>Items that were not in the old model's catalogue.</summary>
    public int NewItems { get; }

    /// <summary>User row solves, over all sweeps.</summary>
    public int UsersSolved { get; }

    /// <summary>Item row solves, over all sweeps.</summary>
    public int ItemsSolved { get; }

    /// <summary>
    /// Ratings read by the row solves, over all sweeps: each solve of a row with n ratings reads n
    /// (and costs about n·(d+1)² multiply-adds plus a (d+1)³/6 Cholesky factorisation). A full ALS
    /// fit reads 2·|ratings| per sweep.
    /// </summary>
    public long RatingVisits { get; }

    /// <summary>E.g. <c>update: 120 new users, 8 new items; 1432 user and 310 item solves, 96540 rating visits</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"update: {Display.Count(NewUsers)} new users, {Display.Count(NewItems)} new items; {Display.Count(UsersSolved)} user and {Display.Count(ItemsSolved)} item solves, {Display.Count(RatingVisits)} rating visits");
}
