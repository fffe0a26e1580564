using System.Reflection;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Tests.Reliability;

/// <summary>
/// Issue 10, point 10: every public options record rejects NaN, ±∞, negative and over-limit values of
/// every numeric property with an <see cref="ArgumentOutOfRangeException"/> naming the property; and
/// (point 2) the largest accepted values run without crashing. The property list comes from
/// reflection, so a new numeric option without a rule here fails the test until it gets one.
/// </summary>
public sealed class OptionsLimitsTests
{
    /// <summary>Per property name (or "Type.Property"): whether negatives are valid, and the invalid values above the limit (empty: the type's maximum is valid).</summary>
    private static readonly Dictionary<string, (bool NegativeValid, object[] OverLimit)> Rules = new()
    {
        ["Seed"] = (true, []),
        ["Iterations"] = (false, []),
        ["ReportInterval"] = (false, []),
        ["EarlyStoppingPatience"] = (false, []),
        ["MaxDegreeOfParallelism"] = (false, [1025, int.MaxValue]),
        ["Dimensions"] = (false, [4097, int.MaxValue]),
        ["Regularization"] = (false, []),
        ["ImplicitRegularization"] = (false, []),
        ["MaxValidationUsers"] = (false, [1_000_001, int.MaxValue]),
        ["InitStdDev"] = (false, []),
        ["LearningRate"] = (false, []),
        ["BiasLearningRate"] = (false, []),
        ["BiasRegularization"] = (false, []),
        ["LearningRateDecay"] = (false, [1.0000001, 2.0]),
        ["Alpha"] = (false, []),
        ["ConjugateGradientSteps"] = (false, [4097, int.MaxValue]),
        ["RegularizationWeight"] = (false, []),
        ["GravityWeight"] = (false, []),
        ["UserColumn"] = (false, [65536, int.MaxValue]),
        ["ItemColumn"] = (false, [65536, int.MaxValue]),
        ["RatingColumn"] = (false, [65536, int.MaxValue]),
        ["TimestampColumn"] = (false, [65536, int.MaxValue]),
        ["MaxDownloadBytes"] = (false, []),
        ["MaxEntryBytes"] = (false, []),
        ["MaxExtractedBytes"] = (false, []),
        ["ItemEmbeddingDimensions"] = (false, [65537, int.MaxValue]),
        ["GenreEmbeddingDimensions"] = (false, [65537, int.MaxValue]),
        ["YearEmbeddingDimensions"] = (false, [65537, int.MaxValue]),
        ["YearBucketWidth"] = (false, []),
        ["InputDropout"] = (false, [1.0, 2.0]),
        ["BatchSize"] = (false, [(1 << 20) + 1, int.MaxValue]),
        ["DenseWeightScale"] = (false, []),
        ["Users"] = (false, [int.MaxValue]),
        ["Items"] = (false, [int.MaxValue]),
        ["Ratings"] = (false, [int.MaxValue]),
        ["NoiseStdDev"] = (false, []),
        ["MinRatingsPerUser"] = (false, [1683, int.MaxValue]),
        ["PopularityExponent"] = (false, [10.5]),
        ["ActivityExponent"] = (false, [10.5]),
        ["TasteExposure"] = (false, [10.5]),
        ["GenreCount"] = (false, [20, int.MaxValue]),
        ["StartTimestamp"] = (false, [long.MaxValue]),
        ["Perplexity"] = (false, []),
        ["TasteWeight"] = (false, []),
        ["Folds"] = (false, [21, int.MaxValue]),
        ["ValidationFraction"] = (false, [0.5000001, 1.0]),
        ["MaxConcurrentTrials"] = (false, [1025, int.MaxValue]),
        ["MinimumSupport"] = (false, []),
        ["EarlyExaggeration"] = (false, []),
        ["EarlyExaggerationIterations"] = (false, [1001, int.MaxValue]),
        ["InitialMomentum"] = (false, [1.0, 2.0]),
        ["FinalMomentum"] = (false, [1.0, 2.0]),
        ["Theta"] = (false, [1.5]),
        ["Neighbors"] = (false, []),
        ["MinNeighbors"] = (false, [41, int.MaxValue]),
        ["MinSupport"] = (false, []),
        ["Shrinkage"] = (false, []),
        ["SavedNeighbors"] = (false, [KnnOptions.MaxSavedNeighbors + 1, int.MaxValue]),
        ["BaselineUserRegularization"] = (false, []),
        ["BaselineItemRegularization"] = (false, []),
        ["Sweeps"] = (false, [101, int.MaxValue]),
        ["MinNewShare"] = (false, [1.0000001, 2.0]),
        ["RegularizationExponent"] = (false, [1.0000001, 2.0]),
        ["SyntheticOptions.Dimensions"] = (false, [4097, int.MaxValue]),
        ["InteractionVariance"] = (false, [100.5, double.MaxValue]),
        ["PopularityRatingCorrelation"] = (true, [1.0000001, -1.0000001, double.MaxValue]),
        ["PopularityCutoff"] = (false, [10.5]),
        ["PopularityCutoffShape"] = (false, [0.2, 8.5]),
        ["FranchiseCount"] = (false, [561, int.MaxValue]),
        ["FranchiseSize"] = (false, [1, 21, int.MaxValue]),
        ["SoftmaxOptions.Dimensions"] = (false, [4097, int.MaxValue]),
        ["BurnIn"] = (false, []),
        ["StoredSamples"] = (false, []),
        ["NoisePrecision"] = (false, []),
        ["ZipPrefixLength"] = (false, [6, int.MaxValue]),
        ["TimeBucketDays"] = (false, []),
        ["SideAttributeEffect"] = (false, [10.5, double.MaxValue]),
        ["BprOptions.PopularityExponent"] = (false, [2.0000001, 10.5]),
    };

    private static readonly Type[] NumericTypes = [typeof(int), typeof(long), typeof(double), typeof(float)];

    public static TheoryData<string, string> NumericOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (Type type in OptionsTypes())
        {
            foreach (PropertyInfo property in NumericProperties(type))
            {
                data.Add(type.Name, property.Name);
            }
        }

        return data;
    }

    [Fact]
    public void EveryOptionsRecord_IsCovered()
    {
        OptionsTypes().Select(t => t.Name).Should().Contain(["AlsOptions", "BayesianMatrixOptions", "BiasedSgdOptions", "BprOptions", "DelimitedRatingsOptions", "FoldInOptions", "GradientDescentOptions", "ImplicitAlsOptions",
            "MovieLensDownloadOptions", "RankingOptions", "RegularizedOptions", "SearchOptions", "SoftmaxOptions", "SvdPlusPlusOptions", "SyntheticOptions", "TSneOptions", "KnnOptions", "EaseOptions", "FactorizationMachineOptions"]);
        foreach (Type type in OptionsTypes())
        {
            foreach (PropertyInfo property in NumericProperties(type))
            {
                Rules.Should().ContainKey(property.Name, $"{type.Name}.{property.Name} needs a rule: its negative and over-limit values");
            }
        }
    }

    [Theory]
    [MemberData(nameof(NumericOptions))]
    public void NumericOption_NaNInfinityNegativeOrOverLimit_ThrowsNamingIt(string typeName, string propertyName)
    {
        Type type = OptionsTypes().Single(t => t.Name == typeName);
        PropertyInfo property = type.GetProperty(propertyName)!;
        Type valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        (bool negativeValid, object[] overLimit) = Rules.TryGetValue($"{typeName}.{propertyName}", out var specific) ? specific : Rules[propertyName];

        var invalid = new List<object>(overLimit.Select(v => Convert.ChangeType(v, valueType, System.Globalization.CultureInfo.InvariantCulture)));
        if (valueType == typeof(double))
        {
            invalid.AddRange([double.NaN, double.PositiveInfinity, double.NegativeInfinity]);
        }

        if (!negativeValid)
        {
            invalid.Add(Convert.ChangeType(propertyName is "MaxDegreeOfParallelism" or "MaxConcurrentTrials" ? -2 : -1, valueType, System.Globalization.CultureInfo.InvariantCulture));
            invalid.Add(valueType == typeof(double) ? -double.MaxValue : valueType == typeof(long) ? (object)long.MinValue : int.MinValue);
        }

        foreach (object value in invalid)
        {
            Action set = () => Validate(With(Activator.CreateInstance(type)!, property, value));
            set.Should().Throw<ArgumentOutOfRangeException>($"{typeName}.{propertyName} = {value} is invalid")
                .Which.ParamName.Should().Be(propertyName);
        }
    }

    [Fact]
    public void HiddenLayerSizes_NegativeZeroOverLimitOrTooMany_ThrowsNamingIt()
    {
        IReadOnlyList<int>[] invalid = [[-1], [0], [35, int.MinValue], [SoftmaxOptions.MaxLayerSize + 1], [int.MaxValue], [.. Enumerable.Repeat(2, SoftmaxOptions.MaxHiddenLayers + 1)]];
        foreach (IReadOnlyList<int> sizes in invalid)
        {
            FluentActions.Invoking(() => new SoftmaxOptions { HiddenLayerSizes = sizes }.Validate())
                .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(SoftmaxOptions.HiddenLayerSizes));
        }
    }

    [Fact]
    public void Timeout_NegativeOrBeyondIntMaxMilliseconds_ThrowsNamingIt()
    {
        foreach (TimeSpan value in new[] { TimeSpan.Zero, TimeSpan.FromTicks(-1), TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.FromMilliseconds(int.MaxValue + 1.0) })
        {
            FluentActions.Invoking(() => new MovieLensDownloadOptions { Timeout = value }.Validate())
                .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(MovieLensDownloadOptions.Timeout));
        }
    }

    /// <summary>The factorizers' and the network's numeric options at their largest accepted values: each fit ends with a model, a typed exception naming the option, a divergence, or the cancellation (for the endless ones).</summary>
    [Fact]
    public void Trainers_EveryNumericOptionAtItsLargestAcceptedValue_NeverCrash()
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 10, Items = 12, Ratings = 60, MinRatingsPerUser = 3, Seed = 4 }).Dataset;
        object[] trainers = [new AlsOptions(), new ImplicitAlsOptions(), new BiasedSgdOptions(), new SvdPlusPlusOptions(), new BprOptions(), new GradientDescentOptions(), new RegularizedOptions(), new SoftmaxOptions { BatchSize = 8 },
            new BayesianMatrixOptions { Iterations = 20 }];
        var failures = new List<string>();
        foreach (object defaults in trainers)
        {
            foreach (PropertyInfo property in NumericProperties(defaults.GetType()))
            {
                object? extreme = Largest(property, defaults.GetType());
                if (extreme is null)
                {
                    continue;
                }

                object options = With(defaults, property, extreme);
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
                try
                {
                    IEmbeddingModel model = options switch
                    {
                        AlsOptions o => new AlsFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        ImplicitAlsOptions o => new ImplicitAlsFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        BiasedSgdOptions o => new BiasedSgdFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        SvdPlusPlusOptions o => new SvdPlusPlusFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        BprOptions o => new BprFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        GradientDescentOptions o => new GradientDescentFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        RegularizedOptions o => new RegularizedFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        SoftmaxOptions o => new SoftmaxTrainer(o).Fit(data, cancellationToken: cts.Token),
                        BayesianMatrixOptions o => new BayesianMatrixFactorizer(o).Fit(data, cancellationToken: cts.Token),
                        _ => throw new InvalidOperationException(),
                    };
                    foreach (float v in model.ItemEmbeddings)
                    {
                        if (!float.IsFinite(v))
                        {
                            failures.Add($"{defaults.GetType().Name}.{property.Name} = {extreme}: a non-finite embedding");
                            break;
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or TrainingDivergedException
                    || (e is ArgumentOutOfRangeException range && range.ParamName == property.Name))
                {
                    // Allowed outcomes.
                }
                catch (Exception e)
                {
                    failures.Add($"{defaults.GetType().Name}.{property.Name} = {extreme}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    private static object? Largest(PropertyInfo property, Type owner)
    {
        Type valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        string key = Rules.ContainsKey($"{owner.Name}.{property.Name}") ? $"{owner.Name}.{property.Name}" : property.Name;
        (_, object[] overLimit) = Rules[key];
        return property.Name switch
        {
            "Dimensions" => owner == typeof(SoftmaxOptions) ? 256 : 256, // the 4,096 limit itself is exercised by SizeLimitsTests; a d³ solve at 4,096 takes minutes
            "MaxDegreeOfParallelism" => 64,
            "InputDropout" => 0.999,
            "LearningRateDecay" => 1.0,
            "ConjugateGradientSteps" => 4096,
            "ItemEmbeddingDimensions" or "GenreEmbeddingDimensions" or "YearEmbeddingDimensions" => 4096,
            "BatchSize" => 1 << 20,
            _ when overLimit.Length > 0 => null,
            _ => valueType == typeof(int) ? int.MaxValue : valueType == typeof(double) ? double.MaxValue : valueType == typeof(long) ? long.MaxValue : null,
        };
    }

    private static IEnumerable<Type> OptionsTypes() =>
        typeof(FactorizationOptions).Assembly.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && !t.IsAbstract && t.GetMethod("<Clone>$") is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static IEnumerable<PropertyInfo> NumericProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && NumericTypes.Contains(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType));

    /// <summary>A copy of <paramref name="options"/> with one property set, as <c>with</c> does (init setters validate in some records, so this may throw).</summary>
    private static object With(object options, PropertyInfo property, object value)
    {
        object copy = options.GetType().GetMethod("<Clone>$")!.Invoke(options, null)!;
        try
        {
            property.SetValue(copy, value);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        return copy;
    }

    /// <summary>Runs the validation each options record gets before any work.</summary>
    private static void Validate(object options)
    {
        switch (options)
        {
            case FactorizationOptions o:
                o.Validate();
                break;
            case SoftmaxOptions o:
                o.Validate();
                break;
            case TSneOptions o:
                o.Validate();
                break;
            case SyntheticOptions o:
                SyntheticDataGenerator.Generate(o);
                break;
            default:
                MethodInfo? validate = options.GetType().GetMethod("Validate", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
                try
                {
                    validate?.Invoke(options, null);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    throw e.InnerException;
                }

                break;
        }
    }
}
