namespace CollaborativeFiltering.Data;

/// <summary>
/// A training set's two CSR sides as a trainer's own working arrays, for trainers whose kernels want
/// contiguous user-major and item-major rows (the full-batch trainers, EASE, kNN, the factorization
/// machine). For a dataset with storage of its own they are its <see cref="RatingsDataset.ByUser"/> and
/// <see cref="RatingsDataset.ByItem"/>; for a view (a split, a fold, a subset) the members are gathered
/// once from <see cref="RatingsDataset.UserRows"/> and transposed, into arrays that live as long as the
/// trainer holds them, so the view builds no CSR of its own and keeps nothing of the fit. The arrays are
/// exactly those of the view's own CSR (the root's order restricted to the members), so a kernel that
/// reads them gives bit-identical results either way.
/// </summary>
/// <remarks>For a view: 8 bytes per member rating for each side, built in two passes (a gather, then a counting-sort transpose).</remarks>
internal sealed class WorkingRatings
{
    private WorkingRatings(CsrView byUser, CsrView byItem, bool isGathered)
    {
        ByUser = byUser;
        ByItem = byItem;
        IsGathered = isGathered;
    }

    /// <summary>Row <c>u</c>: the items user <c>u</c> rated, ascending, with the ratings.</summary>
    public CsrView ByUser { get; }

    /// <summary>Row <c>i</c>: the users who rated item <c>i</c>, ascending, with the ratings.</summary>
    public CsrView ByItem { get; }

    /// <summary>Whether the arrays were gathered from a view (false: they are the dataset's own).</summary>
    public bool IsGathered { get; }

    /// <summary>The number of users.</summary>
    public int UserCount => ByUser.RowCount;

    /// <summary>The number of items.</summary>
    public int ItemCount => ByItem.RowCount;

    /// <summary>The number of ratings.</summary>
    public int Count => ByUser.NonZeroCount;

    /// <summary>Both sides of <paramref name="data"/>: its own CSRs, or a view's members gathered into new arrays.</summary>
    public static WorkingRatings Of(RatingsDataset data)
    {
        RatingRows rows = data.UserRows;
        if (!rows.IsView || (data.HasOwnUserMajor && data.HasOwnItemMajor)) // a view that has built both CSRs since its rows were first read hands them over
        {
            return new WorkingRatings(data.ByUser, data.ByItem, isGathered: false);
        }

        CsrView byUser = rows.ToCsr(data.ItemCount);
        return new WorkingRatings(byUser, RatingsDataset.Transpose(byUser, data.UserCount), isGathered: true);
    }

    /// <summary>The user-major side only (a validation or test set): <paramref name="data"/>'s own, or a view's members gathered into new arrays.</summary>
    public static CsrView UserMajor(RatingsDataset data) => data.UserRows.ToCsr(data.ItemCount);

    /// <summary>
    /// The user-major rows of a validation set that a fit evaluates every iteration: <see cref="UserMajor"/> as
    /// plain rows, gathered once (8 B per rating). Read in place, a split's rows walk every rating of its
    /// parent to find the members — of a validation carve of a split, the whole data set's — which costs
    /// more than the evaluation itself.
    /// </summary>
    public static RatingRows ValidationRows(RatingsDataset validation) => RatingRows.Of(UserMajor(validation));

    /// <summary>
    /// For each entry of <see cref="ByItem"/>, the position of the same rating in <see cref="ByUser"/>
    /// (built on each call, 4 bytes per rating, and not kept).
    /// </summary>
    public int[] ItemToUserPositions() => ItemToUserPositions(ByUser, ByItem);

    /// <summary>For each entry of <paramref name="byItem"/>, the position of the same rating in <paramref name="byUser"/> (its transpose).</summary>
    internal static int[] ItemToUserPositions(CsrView byUser, CsrView byItem)
    {
        int[] userOffsets = byUser.RowOffsetArray, items = byUser.ColumnArray;
        int[] cursor = byItem.RowOffsetArray.AsSpan(0, byItem.RowCount).ToArray();
        var link = new int[items.Length];
        for (int u = 0; u + 1 < userOffsets.Length; u++)
        {
            for (int p = userOffsets[u]; p < userOffsets[u + 1]; p++)
            {
                link[cursor[items[p]]++] = p;
            }
        }

        return link;
    }
}
