using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>The catalogue's metadata: user demographics, item titles, dates and genres that follow the planted factors.</content>
public static partial class SyntheticDataGenerator
{
    private const int MaxGenresPerItem = 3;

    private static readonly string[] Occupations =

    [
        "administrator", "artist", "doctor", "educator", "engineer", "entertainment", "executive", "healthcare", "homemaker", "lawyer",
        "librarian", "marketing", "none", "other", "programmer", "retired", "salesman", "scientist", "student", "technician", "writer",
    ];

    // About how many of MovieLens 100k's 943 users give each occupation (same order as Occupations).
    private static readonly double[] OccupationWeights = [79, 28, 7, 95, 67, 18, 32, 16, 7, 12, 51, 26, 9, 105, 66, 14, 12, 31, 196, 27, 45];

    /// <summary>Adds each occupation's planted bias β_c ~ Normal(0, s²) and factor offset (entries Normal(0, (s·σ_f)²)) to its users' (<see cref="SyntheticOptions.SideAttributeEffect"/>).</summary>
    private static void PlantOccupationEffects(UserInfo[] infos, float[] userFactors, float[] userBiases, int d, double strength, float factorStdDev, SeededRandom random)
    {
        var biases = new double[Occupations.Length];
        var offsets = new double[Occupations.Length * d];
        for (int c = 0; c < biases.Length; c++)
        {
            biases[c] = strength * random.NextGaussian();
            for (int f = 0; f < d; f++)
            {
                offsets[(c * d) + f] = strength * factorStdDev * random.NextGaussian();
            }
        }

        for (int u = 0; u < infos.Length; u++)
        {
            int c = Array.IndexOf(Occupations, infos[u].Occupation);
            userBiases[u] = (float)(userBiases[u] + biases[c]);
            for (int f = 0; f < d; f++)
            {
                userFactors[(u * d) + f] = (float)(userFactors[(u * d) + f] + offsets[(c * d) + f]);
            }
        }
    }

    private static UserInfo[] UserInfos(IdMap ids, SeededRandom random, CancellationToken cancellationToken)
    {
        var cumulative = new double[OccupationWeights.Length];
        double sum = 0;
        for (int k = 0; k < cumulative.Length; k++)
        {
            sum += OccupationWeights[k];
            cumulative[k] = sum;
        }

        var infos = new UserInfo[ids.Count];
        for (int u = 0; u < infos.Length; u++)
        {
            Checkpoint(u, cancellationToken);
            int index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            string occupation = Occupations[index < 0 ? Math.Min(~index, cumulative.Length - 1) : index];
            (double mean, double std, int lowest, int highest) = occupation switch
            {
                "student" => (22.0, 5.0, 7, 45),
                "retired" => (62.0, 6.0, 50, 73),
                _ => (36.0, 10.0, 18, 70),
            };
            int age = (int)Math.Clamp(Math.Round(mean + (std * random.NextGaussian())), lowest, highest);
            string sex = random.NextDouble() < 0.71 ? "M" : "F";
            string zip = random.NextInt(100_000).ToString("D5", CultureInfo.InvariantCulture);
            infos[u] = new UserInfo(ids.Ids[u], age, sex, occupation, zip);
        }

        return infos;
    }
    /// <summary>Unit directions in factor space, one row per genre; row 0 ("unknown") stays zero.</summary>
    private static float[] GenreDirections(int genres, int d, SeededRandom random)
    {
        var directions = new float[genres * d];
        for (int g = 1; g < genres; g++)
        {
            Span<float> row = directions.AsSpan(g * d, d);
            double norm;
            do
            {
                norm = 0;
                for (int k = 0; k < d; k++)
                {
                    row[k] = (float)random.NextGaussian();
                    norm += (double)row[k] * row[k];
                }
            }
            while (norm == 0);

            float inverse = (float)(1 / Math.Sqrt(norm));
            for (int k = 0; k < d; k++)
            {
                row[k] *= inverse;
            }
        }

        return directions;
    }

    private static ItemInfo[] ItemInfos(IdMap ids, long startTimestamp, float[] itemFactors, int d, string[] vocabulary, float[] genreDirections, SeededRandom random, CancellationToken cancellationToken)
    {
        var startDate = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(startTimestamp).UtcDateTime);
        string[][] itemGenres = AssignGenres(ids.Count, itemFactors, d, vocabulary, genreDirections, cancellationToken);
        var infos = new ItemInfo[ids.Count];
        for (int i = 0; i < infos.Length; i++)
        {
            Checkpoint(i, cancellationToken);
            // Release year: over half in the last five years, a quarter the decade before, the rest older.
            double era = random.NextDouble();
            int year = startDate.Year - (era < 0.55 ? random.NextInt(5) : era < 0.8 ? 5 + random.NextInt(13) : 18 + random.NextInt(50));
            year = Math.Max(year, 1);
            var january = new DateOnly(year, 1, 1);
            int days = year == startDate.Year ? startDate.DayOfYear : DateTime.IsLeapYear(year) ? 366 : 365;
            DateOnly release = january.AddDays(random.NextInt(days));
            string id = ids.Ids[i];
            infos[i] = new ItemInfo(id, $"Synthetic Movie {id} ({year.ToString(CultureInfo.InvariantCulture)})", release, year, itemGenres[i]);
        }

        return infos;
    }
    /// <summary>
    /// Genres by alignment: genre g goes to the fraction f_g of items whose factors point most
    /// nearly along its direction (cosine), f_g being the genre's share of MovieLens 100k's items, so
    /// that Drama and Comedy are common and Fantasy rare, about 1.7 genres per item. An item left
    /// without a genre gets the one it misses by least; an item with more than three keeps the three
    /// it passes by most (margins in rank quantiles). Lists are in vocabulary order; "unknown" is
    /// listed only when it is the sole genre of the vocabulary.
    /// </summary>
    private static string[][] AssignGenres(int m, float[] itemFactors, int d, string[] vocabulary, float[] directions, CancellationToken cancellationToken)
    {
        int genres = vocabulary.Length;
        var result = new string[m][];
        if (genres <= 1)
        {
            string[] only = genres == 1 ? [vocabulary[0]] : [];
            Array.Fill(result, only);
            return result;
        }

        // margin[i, g] = (rank quantile of item i's cosine with genre g) − (1 − f_g): ≥ 0 means i has g.
        // m·genres doubles (152 MB for a million items): allocated uninitialised and cleared row by row in the
        // checked loop below, so that the first touch of its pages (tens of thousands of page faults on a VM)
        // happens where a cancellation is seen, not inside the allocation or the unchecked rank loops.
        double[] margins = GC.AllocateUninitializedArray<double>(m * genres);
        var cosines = new double[m];
        var order = new int[m];
        var norms = new double[m]; // ‖q_i‖, the same for every genre
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            margins.AsSpan(i * genres, genres).Clear();
            ReadOnlySpan<float> q = itemFactors.AsSpan(i * d, d);
            double norm = 0;
            for (int k = 0; k < d; k++)
            {
                norm += (double)q[k] * q[k];
            }

            norms[i] = Math.Sqrt(norm);
        }

        for (int g = 1; g < genres; g++)
        {
            ReadOnlySpan<float> direction = directions.AsSpan(g * d, d);
            for (int i = 0; i < m; i++)
            {
                Checkpoint(i, cancellationToken);
                ReadOnlySpan<float> q = itemFactors.AsSpan(i * d, d);
                double dot = 0;
                for (int k = 0; k < d; k++)
                {
                    dot += (double)q[k] * direction[k];
                }

                cosines[i] = norms[i] > 0 ? dot / norms[i] : 0;
                order[i] = i;
            }

            // Ascending cosine, ties by index: a deterministic total order.
            SortByKeyThenIndex(cosines, order, cancellationToken);
            double share = MovieLensGenreNames.Ml100KItemCounts[g] / (double)MovieLensGenreNames.Ml100KItemTotal;
            for (int rank = 0; rank < m; rank++)
            {
                margins[(order[rank] * genres) + g] = ((rank + 0.5) / m) - (1 - share);
            }
        }

        Span<int> best = stackalloc int[MaxGenresPerItem];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            ReadOnlySpan<double> row = margins.AsSpan(i * genres, genres);
            int count = 0;
            for (int g = 1; g < genres; g++)
            {
                count += row[g] >= 0 ? 1 : 0;
            }

            count = Math.Clamp(count, 1, MaxGenresPerItem);

            // The `count` genres of largest margin (ties: lower index), then in vocabulary order.
            int found = 0;
            for (int g = 1; g < genres; g++)
            {
                int at = found;
                while (at > 0 && row[best[at - 1]] < row[g])
                {
                    at--;
                }

                if (at < count)
                {
                    for (int k = Math.Min(found, count - 1); k > at; k--)
                    {
                        best[k] = best[k - 1];
                    }

                    best[at] = g;
                    found = Math.Min(found + 1, count);
                }
            }

            Span<int> chosen = best[..count];
            chosen.Sort();
            var names = new string[count];
            for (int k = 0; k < count; k++)
            {
                names[k] = vocabulary[chosen[k]];
            }

            result[i] = names;
        }

        return result;
    }
}
