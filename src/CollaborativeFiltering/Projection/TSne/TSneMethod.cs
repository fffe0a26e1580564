namespace CollaborativeFiltering.Projection;

/// <summary>How <see cref="TSne"/> computes the gradient of its objective.</summary>
public enum TSneMethod
{
    /// <summary>
    /// <see cref="Exact"/> for at most <see cref="TSne.AutoExactMaxPoints"/> points, <see cref="BarnesHut"/> above.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// The exact gradient: every point's affinities are calibrated over all other points (conditional affinities
    /// below 10⁻¹² are dropped: together they hold less than N·10⁻¹² of a row's unit mass; how many that is depends
    /// on the data: of the 2.8 million pairs of the walkthrough's 1,682 movie embeddings on the synthetic
    /// MovieLens-shaped set, with cosine distance, 16), and the repulsive forces and the normalisation of Q are
    /// summed over all N² pairs. O(N²) time per iteration (float SIMD, double accumulation); memory proportional
    /// to the kept entries, plus a float copy of P (4·N² bytes) when at least a third of the pairs are kept, whose
    /// attraction is then summed in the same pass.
    /// </summary>
    Exact = 1,

    /// <summary>
    /// Barnes–Hut t-SNE (van der Maaten, 2014): affinities restricted to each point's
    /// ⌊3·perplexity⌋ + 1 nearest neighbours (sparse), repulsive forces approximated through a
    /// quadtree with accuracy <see cref="TSneOptions.Theta"/>. O(N log N) per iteration.
    /// </summary>
    BarnesHut = 2,
}
