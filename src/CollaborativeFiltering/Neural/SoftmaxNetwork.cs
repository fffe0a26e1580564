using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural;

/// <summary>
/// The query tower of the softmax model: it maps a bag of items to a query embedding.
/// <code>
/// x = [ mean of E_item[j] over the items j
///     | Σ_g w_g·E_genre[g], w_g = (occurrences of genre g among the items' genres) / (all occurrences)
///     | Σ_y w_y·E_year[y],  w_y = (items in year bucket y) / (items with a year) ]
/// a_0 = x;  a_{l+1} = ReLU(W_l·a_l + c_l) for the hidden layers l &lt; L;  q = W_L·a_L + c_L
/// </code>
/// Empty bags contribute zero vectors. W_l is row-major (outputs × inputs). The same
/// <see cref="Forward"/> serves training (which leaves out the label) and inference, so a model's
/// query for a known user equals the one the trainer would compute from the same items. Parameters
/// are mutated in place by the trainer only; a model's network is never modified.
/// </summary>
internal sealed class SoftmaxNetwork
{
    public SoftmaxNetwork(SoftmaxFeatures features, int itemCount, int itemDimensions, int genreCount, int genreDimensions, int yearCount, int yearDimensions,
        int[] hiddenSizes, int dimensions, float[] itemInput, float[] genreInput, float[] yearInput, float[][] weights, float[][] biases)
    {
        Features = features;
        ItemCount = itemCount;
        ItemDimensions = itemDimensions;
        GenreCount = genreCount;
        GenreDimensions = genreDimensions;
        YearCount = yearCount;
        YearDimensions = yearDimensions;
        HiddenSizes = hiddenSizes;
        Dimensions = dimensions;
        ItemInput = itemInput;
        GenreInput = genreInput;
        YearInput = yearInput;
        Weights = weights;
        Biases = biases;
        InputDimensions = itemDimensions + genreDimensions + yearDimensions;
        ActivationOffsets = new int[hiddenSizes.Length + 1];
        for (int l = 0; l < hiddenSizes.Length; l++)
        {
            ActivationOffsets[l + 1] = ActivationOffsets[l] + hiddenSizes[l];
        }
    }

    public SoftmaxFeatures Features { get; }

    public int ItemCount { get; }

    public int ItemDimensions { get; }

    /// <summary>Rows of the genre table; 0 when genres are not used.</summary>
    public int GenreCount { get; }

    /// <summary>Width of a genre embedding; 0 when genres are not used.</summary>
    public int GenreDimensions { get; }

    /// <summary>Rows of the year-bucket table; 0 when years are not used.</summary>
    public int YearCount { get; }

    /// <summary>Width of a year-bucket embedding; 0 when years are not used.</summary>
    public int YearDimensions { get; }

    public int[] HiddenSizes { get; }

    /// <summary>d, the query's length.</summary>
    public int Dimensions { get; }

    /// <summary>The width of x.</summary>
    public int InputDimensions { get; }

    /// <summary>Where hidden layer l's activations start in an activation row; the last entry is the row's length.</summary>
    public int[] ActivationOffsets { get; }

    /// <summary>The total width of the hidden layers.</summary>
    public int ActivationLength => ActivationOffsets[^1];

    /// <summary>The number of dense layers, the output layer included.</summary>
    public int LayerCount => HiddenSizes.Length + 1;

    public float[] ItemInput { get; }

    public float[] GenreInput { get; }

    public float[] YearInput { get; }

    public float[][] Weights { get; }

    public float[][] Biases { get; }

    /// <summary>The floats of scratch one <see cref="Forward"/> call needs besides the query.</summary>
    public int ScratchLength => InputDimensions + ActivationLength + GenreCount + YearCount;

    /// <summary>A network with every parameter zero.</summary>
    public static SoftmaxNetwork Allocate(SoftmaxFeatures features, int itemCount, int itemDimensions, int genreCount, int genreDimensions, int yearCount, int yearDimensions, int[] hiddenSizes, int dimensions)
    {
        int layers = hiddenSizes.Length + 1;
        var weights = new float[layers][];
        var biases = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            int inputs = l == 0 ? itemDimensions + genreDimensions + yearDimensions : hiddenSizes[l - 1];
            int outputs = l == layers - 1 ? dimensions : hiddenSizes[l];
            weights[l] = new float[checked(outputs * inputs)];
            biases[l] = new float[outputs];
        }

        return new SoftmaxNetwork(features, itemCount, itemDimensions, genreCount, genreDimensions, yearCount, yearDimensions, hiddenSizes, dimensions,
            new float[checked(itemCount * itemDimensions)], new float[checked(genreCount * genreDimensions)], new float[checked(yearCount * yearDimensions)], weights, biases);
    }

    /// <summary>
    /// Describes why the network could produce a non-finite activation or query, or returns
    /// <see langword="null"/>: x is a weighted average of table rows, so ‖x‖ ≤ B₀ = the sum of the
    /// tables' largest row norms; a dense layer (and ReLU) gives ‖a_{l+1}‖ ≤ B_{l+1} = ‖W_l‖_F·B_l + ‖c_l‖.
    /// Every B_l at most <see cref="EmbeddingLimits.MaxNorm"/> keeps every activation, the query and,
    /// with output embeddings of norm at most that too, every logit finite.
    /// </summary>
    public string? ScaleProblem()
    {
        double bound = MaxRowNorm(ItemInput, ItemDimensions) + MaxRowNorm(GenreInput, GenreDimensions) + MaxRowNorm(YearInput, YearDimensions);
        for (int l = 0; ; l++)
        {
            if (!(bound <= EmbeddingLimits.MaxNorm))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the network's {(l == 0 ? "input embeddings" : $"dense layer {l - 1}")} can produce values of norm up to {bound:G4}; at most {EmbeddingLimits.MaxNorm:G2} is allowed so that queries and scores stay within single precision");
            }

            if (l == LayerCount)
            {
                return null;
            }

            bound = (EmbeddingLimits.Norm(Weights[l]) * bound) + EmbeddingLimits.Norm(Biases[l]);
        }

        static double MaxRowNorm(float[] table, int width)
        {
            double max = 0;
            for (int start = 0; width > 0 && start < table.Length; start += width)
            {
                double norm = EmbeddingLimits.Norm(table.AsSpan(start, width));
                max = norm > max || double.IsNaN(norm) ? norm : max;
            }

            return max;
        }
    }

    /// <summary>The number of inputs of dense layer <paramref name="layer"/>.</summary>
    public int LayerInputs(int layer) => layer == 0 ? InputDimensions : HiddenSizes[layer - 1];

    /// <summary>The number of outputs of dense layer <paramref name="layer"/>.</summary>
    public int LayerOutputs(int layer) => layer == HiddenSizes.Length ? Dimensions : HiddenSizes[layer];

    /// <summary>Computes the query of a bag of items.</summary>
    /// <param name="items">Item indices in [0, M) (duplicates count as often as they appear).</param>
    /// <param name="x">Receives x (<see cref="InputDimensions"/> floats).</param>
    /// <param name="activations">Receives the hidden activations (<see cref="ActivationLength"/> floats).</param>
    /// <param name="genreWeights">Receives w_g (<see cref="GenreCount"/> floats).</param>
    /// <param name="yearWeights">Receives w_y (<see cref="YearCount"/> floats).</param>
    /// <param name="query">Receives q (d floats).</param>
    public void Forward(ReadOnlySpan<int> items, Span<float> x, Span<float> activations, Span<float> genreWeights, Span<float> yearWeights, Span<float> query)
    {
        int ei = ItemDimensions;
        Span<float> xi = x[..ei];
        xi.Clear();
        float[] itemInput = ItemInput;
        foreach (int item in items)
        {
            ShortRows.Add(itemInput.AsSpan(item * ei, ei), xi);
        }

        if (items.Length > 0)
        {
            TensorPrimitives.Multiply(xi, 1f / items.Length, xi);
        }

        int offset = ei;
        if (GenreCount > 0)
        {
            Span<float> w = genreWeights[..GenreCount];
            w.Clear();
            int total = 0;
            foreach (int item in items)
            {
                foreach (int g in Features.GetGenres(item))
                {
                    w[g]++;
                    total++;
                }
            }

            Pool(w, total, GenreInput, GenreDimensions, x.Slice(offset, GenreDimensions));
            offset += GenreDimensions;
        }

        if (YearCount > 0)
        {
            Span<float> w = yearWeights[..YearCount];
            w.Clear();
            int total = 0;
            foreach (int item in items)
            {
                int bucket = Features.GetYearBucket(item);
                if (bucket >= 0)
                {
                    w[bucket]++;
                    total++;
                }
            }

            Pool(w, total, YearInput, YearDimensions, x.Slice(offset, YearDimensions));
        }

        ReadOnlySpan<float> input = x[..InputDimensions];
        int last = HiddenSizes.Length;
        for (int l = 0; l < last; l++)
        {
            Span<float> output = activations.Slice(ActivationOffsets[l], HiddenSizes[l]);
            Dense(l, input, output);
            TensorPrimitives.Max(output, 0f, output);
            input = output;
        }

        Dense(last, input, query[..Dimensions]);
    }

    /// <summary>output = W_l·input + c_l.</summary>
    private void Dense(int layer, ReadOnlySpan<float> input, Span<float> output)
    {
        float[] w = Weights[layer];
        float[] c = Biases[layer];
        int inputs = input.Length;
        for (int r = 0; r < output.Length; r++)
        {
            output[r] = TensorPrimitives.Dot(w.AsSpan(r * inputs, inputs), input) + c[r];
        }
    }

    /// <summary>Turns counts into weights (count/total) and writes Σ w_k·table[k] into <paramref name="destination"/>.</summary>
    private static void Pool(Span<float> weights, int total, float[] table, int width, Span<float> destination)
    {
        destination.Clear();
        if (total == 0)
        {
            return;
        }

        float scale = 1f / total;
        for (int k = 0; k < weights.Length; k++)
        {
            if (weights[k] != 0)
            {
                weights[k] *= scale;
                ShortRows.MultiplyAdd(table.AsSpan(k * width, width), weights[k], destination);
            }
        }
    }
}
