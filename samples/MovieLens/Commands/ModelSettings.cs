using System.ComponentModel;
using System.Globalization;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>Options of the commands that train (or load) a model: which model, its options, the split, and persistence.</summary>
internal class ModelSettings : CommonSettings
{
    /// <summary>The holdout fraction when neither --holdout nor --train-file is given (the notebook's 90/10 split).</summary>
    public const double DefaultHoldout = 0.1;

    [CommandOption("--model <NAME>")]
    [Description("The model: plain (the notebook's CFModel), regularized (L2 + gravity), biased (SGD with biases), als (alternating least squares), implicit-als (ratings as implicit feedback; ranks, does not predict ratings), softmax (the course's softmax deep network over each user's rated movies; ranks, does not predict ratings), svdpp (Koren's SVD++: biased SGD plus an implicit term from the set of movies each user rated), bpr (Bayesian personalized ranking on the ratings as implicit feedback; ranks, does not predict ratings), item-knn and user-knn (neighbourhood models: Surprise's KNNBaseline with Pearson-baseline similarity), ease (Steck's closed-form item-to-item model; ranks, does not predict ratings), bpmf (Bayesian matrix factorization by Gibbs sampling), bayesian-fm (a Bayesian factorization machine with implicit feedback and user and item information, --blocks).")]
    [DefaultValue("regularized")]
    public string Model { get; init; } = "regularized";

    [CommandOption("--dimensions <N>")]
    [Description("Embedding dimension d. Default: the model's own (plain 30 and regularized 50, as the notebook; softmax 35, as the course).")]
    public int? Dimensions { get; init; }

    [CommandOption("--iterations <N>")]
    [Description("Full-batch steps, SGD epochs, ALS sweeps or softmax mini-batch steps. Default: the model's own (plain 1000, regularized 3000 and softmax 3000, as the notebook and the course); a twentieth with --quick.")]
    public int? Iterations { get; init; }

    [CommandOption("--learning-rate <RATE>")]
    [Description("Step size (plain, regularized, biased, softmax, svdpp, bpr). Default: the model's own (plain 10 and regularized 20, as the notebook; softmax 8 with adagrad, its default optimizer, and 0.001 with adam).")]
    public double? LearningRate { get; init; }

    [CommandOption("--init-stddev <SD>")]
    [Description("Standard deviation of the random initial embeddings. Default: the model's own (plain 0.5 and regularized 0.05, as the notebook; softmax 0.1).")]
    public double? InitStdDev { get; init; }

    [CommandOption("--regularization <LAMBDA>")]
    [Description("L2 weight (regularized, biased, als, implicit-als, svdpp, bpr, ease): regularized λ_r (default 0.1, as the notebook); ease's λ (default 200); the others' λ (default: the library's).")]
    public double? Regularization { get; init; }

    [CommandOption("--gravity <LAMBDA>")]
    [Description("Gravity weight λ_g (regularized). Default: 1.")]
    public double? Gravity { get; init; }

    [CommandOption("--bias-regularization <LAMBDA>")]
    [Description("L2 weight on the biases (biased, svdpp, bpr). Default: the library's.")]
    public double? BiasRegularization { get; init; }

    [CommandOption("--bias-learning-rate <RATE>")]
    [Description("Step size of the biases (biased, svdpp). Default: the learning rate.")]
    public double? BiasLearningRate { get; init; }

    [CommandOption("--learning-rate-decay <FACTOR>")]
    [Description("Learning-rate factor applied after each epoch, above 0 and at most 1 (biased, svdpp, bpr). Default: the library's.")]
    public double? LearningRateDecay { get; init; }

    [CommandOption("--regularization-exponent <NU>")]
    [Description("The exponent ν of a row's rating count in its penalty, in [0, 1]: 1 is the weighted λ, 0 the same penalty on every row (als). Default: the library's (1).")]
    public double? RegularizationExponent { get; init; }

    [CommandOption("--no-biases")]
    [Description("Factors only, no global mean or user and item biases (als).")]
    public bool NoBiases { get; init; }

    [CommandOption("--alpha <ALPHA>")]
    [Description("Confidence weight α: an observed rating r counts 1 + α·r (implicit-als). Default: the library's.")]
    public double? Alpha { get; init; }

    [CommandOption("--cg-steps <N>")]
    [Description("Conjugate-gradient steps per row and half-sweep; 0 solves exactly (implicit-als). Default: the library's.")]
    public int? ConjugateGradientSteps { get; init; }

    [CommandOption("--burn-in <N>")]
    [Description("Gibbs sweeps discarded before samples are kept, below --iterations (bpmf, bayesian-fm). Default: the library's (10), at most half the sweeps.")]
    public int? BurnIn { get; init; }

    [CommandOption("--ordinal")]
    [Description("Model the ratings as ordinal star levels (latent scores rounded to the nearest star) instead of Gaussian values (bpmf). Off by default; see BayesianMatrixOptions.OrdinalRatings.")]
    public bool Ordinal { get; init; }

    [CommandOption("--blocks <LIST>")]
    [Description("The factorization machine's feature blocks, comma-separated: user, item (the ids), implicit (the movies each user rated), raters (the users who rated each movie), userinfo (age, sex, occupation, zip prefix), iteminfo (genres, release year), time (rating-day buckets) (bayesian-fm). Default: user,item,implicit,userinfo,iteminfo.")]
    public string? Blocks { get; init; }

    [CommandOption("--hidden <SIZES>")]
    [Description("Widths of the hidden ReLU layers, input side first, comma-separated, e.g. 35,35; none for a linear network (softmax). Default: 35 (the course's one layer).")]
    public string? Hidden { get; init; }

    [CommandOption("--optimizer <NAME>")]
    [Description("adagrad or adam (softmax). Default: adagrad, as in the course")]
    public string? Optimizer { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Users per mini-batch step (softmax). Default: 200 (the course's).")]
    public int? BatchSize { get; init; }

    [CommandOption("--input-dropout <P>")]
    [Description("Probability of leaving each input movie out of a training example, at least 0 and below 1 (softmax). Default: 0.5")]
    public double? InputDropout { get; init; }

    [CommandOption("--genres")]
    [Description("Also feed the genres of the user's movies to the network (softmax).")]
    public bool Genres { get; init; }

    [CommandOption("--years")]
    [Description("Also feed the release years of the user's movies to the network (softmax).")]
    public bool Years { get; init; }

    [CommandOption("--neighbors <K>")]
    [Description("item-knn, user-knn: how many neighbours a prediction uses, k (default 40, Surprise's).")]
    public int? Neighbors { get; init; }

    [CommandOption("--shrinkage <LAMBDA>")]
    [Description("item-knn, user-knn: the similarity shrinkage, sim·n/(n + λ) over n common raters (default 100, Surprise's).")]
    public double? Shrinkage { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Worker threads; -1 for one per processor. Default: -1")]
    public int? Threads { get; init; }

    [CommandOption("--report-interval <N>")]
    [Description("Report train and test MSE (softmax: cross-entropy and recall@10) every N iterations. Default: the model's own (10 for plain and regularized; softmax 100, or a tenth of its iterations if that is less).")]
    public int? ReportInterval { get; init; }

    [CommandOption("--early-stopping <N>")]
    [Description("Stop after N reports without a better test MSE (bpr: test recall@10); 0 never stops early (not softmax). Default: 0")]
    public int? EarlyStopping { get; init; }

    [CommandOption("--holdout <FRACTION>")]
    [Description("Fraction of the ratings held out at random for testing, strictly between 0 and 1. Default: 0.1")]
    public double? Holdout { get; init; }

    [CommandOption("--train-file <FILE>")]
    [Description("A training file in the ratings layout of the release in its directory (e.g. MovieLens 100k's u1.base; a ratings.dat- or ratings.csv-shaped file beside movies.dat or movies.csv): a path, or a name in the --data directory. Needs --test-file.")]
    public string? TrainFile { get; init; }

    [CommandOption("--test-file <FILE>")]
    [Description("The matching test file (e.g. u1.test), in the same directory as --train-file.")]
    public string? TestFile { get; init; }

    [CommandOption("--save <FILE>")]
    [Description("Save the trained model to FILE.")]
    public string? Save { get; init; }

    [CommandOption("--load <FILE>")]
    [Description("Load a model saved with --save instead of training one (the model options are then ignored).")]
    public string? Load { get; init; }

    /// <summary>The command's name when it works on embeddings (project, export), so that a model without them is refused before training; null otherwise.</summary>
    protected virtual string? EmbeddingsNeeded => null;

    /// <summary>The parsed --model (valid once <see cref="Validate"/> has passed).</summary>
    public ModelKind Kind => ModelKinds.TryParse(Model, out ModelKind kind) ? kind : ModelKind.Regularized;

    /// <summary>The parsed --hidden; null when not given (valid once <see cref="Validate"/> has passed).</summary>
    public IReadOnlyList<int>? HiddenLayerSizes => Hidden is null ? null : ParseLayers(Hidden, out int[]? sizes) is null ? sizes : null;

    /// <summary>The parsed --optimizer; null when not given (valid once <see cref="Validate"/> has passed).</summary>
    public SoftmaxOptimizer? OptimizerKind => ParseOptimizer(Optimizer);

    public FeatureBlocks? BlockSet => Blocks is null ? null : ParseBlocks(Blocks, out FeatureBlocks blocks) is null ? blocks : null;

    public override ValidationResult Validate()
    {
        ValidationResult common = base.Validate();
        if (!common.Successful)
        {
            return common;
        }

        if (!ModelKinds.TryParse(Model, out ModelKind kind))
        {
            return ValidationResult.Error($"--model: '{Model}' is not one of {ModelKinds.NameList}.");
        }

        if (EmbeddingsNeeded is { } command && Load is null && !kind.HasEmbeddings())
        {
            return ValidationResult.Error($"{command} works on embeddings, and --model {kind.Name()} has none; use one of {string.Join(", ", ModelKinds.All.Where(k => k.HasEmbeddings()).Select(k => k.Name()))}.");
        }

        foreach (var (option, isSet, models) in ModelSpecificOptions())
        {
            if (isSet && !models.Contains(kind))
            {
                return ValidationResult.Error($"{option} does not apply to --model {kind.Name()} (only to {string.Join(", ", models.Select(m => m.Name()))}).");
            }
        }

        if (Blocks is not null && ParseBlocks(Blocks, out _) is { } blocksError)
        {
            return ValidationResult.Error(blocksError);
        }

        if (BurnIn is { } burnIn && (burnIn < 0 || (Iterations is { } sweeps && burnIn >= sweeps)))
        {
            return ValidationResult.Error($"--burn-in: {burnIn} is not at least 0 and below --iterations.");
        }

        return ValidateSoftmax() ?? ValidateSplit() ?? ValidateFiles() ?? ValidateRanges() ?? ValidationResult.Success();
    }

    /// <summary>The library's name of each option property the sample sets from a flag, and the flag.</summary>
    private static readonly Dictionary<string, string> OptionNames = new(StringComparer.Ordinal)
    {
        ["Dimensions"] = "--dimensions",
        ["Iterations"] = "--iterations",
        ["LearningRate"] = "--learning-rate",
        ["InitStdDev"] = "--init-stddev",
        ["Regularization"] = "--regularization",
        ["RegularizationWeight"] = "--regularization",
        ["GravityWeight"] = "--gravity",
        ["BiasRegularization"] = "--bias-regularization",
        ["BiasLearningRate"] = "--bias-learning-rate",
        ["LearningRateDecay"] = "--learning-rate-decay",
        ["Alpha"] = "--alpha",
        ["RegularizationExponent"] = "--regularization-exponent",
        ["ConjugateGradientSteps"] = "--cg-steps",
        ["HiddenLayerSizes"] = "--hidden",
        ["BatchSize"] = "--batch-size",
        ["InputDropout"] = "--input-dropout",
        ["MaxDegreeOfParallelism"] = "--threads",
        ["ReportInterval"] = "--report-interval",
        ["EarlyStoppingPatience"] = "--early-stopping",
        ["BurnIn"] = "--burn-in",
    };

    /// <summary>
    /// The numbers' ranges, checked now, before any data is read, by building the trainer (its constructor
    /// validates the options; nothing is allocated for the data). Skipped with --load, which ignores them.
    /// </summary>
    private ValidationResult? ValidateRanges()
    {
        if (Load is not null)
        {
            return null;
        }

        try
        {
            _ = ModelFactory.Create(Kind, this, Quick, Seed);
            return null;
        }
        catch (ArgumentOutOfRangeException e) when (OptionError.Describe(e, OptionNames) is { } message)
        {
            return ValidationResult.Error(message);
        }
    }

    /// <summary>What the sample parses itself; the ranges of the numbers are the library's to check (its error names the option).</summary>
    private static string? ParseBlocks(string text, out FeatureBlocks blocks)
    {
        blocks = FeatureBlocks.None;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            FeatureBlocks? block = part.ToLowerInvariant() switch
            {
                "user" => FeatureBlocks.UserId,
                "item" => FeatureBlocks.ItemId,
                "implicit" => FeatureBlocks.RatedItems,
                "raters" => FeatureBlocks.Raters,
                "userinfo" => FeatureBlocks.UserInfo,
                "iteminfo" => FeatureBlocks.ItemInfo,
                "time" => FeatureBlocks.Time,
                _ => null,
            };
            if (block is null)
            {
                return $"--blocks: '{part}' is not one of user, item, implicit, raters, userinfo, iteminfo, time.";
            }

            blocks |= block.Value;
        }

        return blocks == FeatureBlocks.None ? "--blocks: give at least one of user, item, implicit, raters, userinfo, iteminfo, time." : null;
    }

    private ValidationResult? ValidateSoftmax() =>
        Hidden is not null && ParseLayers(Hidden, out _) is { } error ? ValidationResult.Error(error)
        : Optimizer is not null && ParseOptimizer(Optimizer) is null ? ValidationResult.Error($"--optimizer: '{Optimizer}' is not adam or adagrad.")
        : null;

    /// <summary>Parses "35,35" (or "none"); returns the error, or null with <paramref name="sizes"/> set.</summary>
    private static string? ParseLayers(string text, out int[]? sizes)
    {
        sizes = null;
        if (string.Equals(text.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            sizes = [];
            return null;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] == 0)
            {
                return $"--hidden: '{text}' is not a comma-separated list of positive layer widths (e.g. 35,35) or none.";
            }
        }

        sizes = parsed;
        return null;
    }

    private static SoftmaxOptimizer? ParseOptimizer(string? text) =>
        string.Equals(text, "adam", StringComparison.OrdinalIgnoreCase) ? SoftmaxOptimizer.Adam
        : string.Equals(text, "adagrad", StringComparison.OrdinalIgnoreCase) ? SoftmaxOptimizer.Adagrad
        : null;

    private ValidationResult? ValidateSplit()
    {
        if (Holdout is { } h && !(h > 0 && h < 1))
        {
            return ValidationResult.Error($"--holdout must be a fraction strictly between 0 and 1, got {h.ToString(CultureInfo.InvariantCulture)}");
        }

        if ((TrainFile is null) != (TestFile is null))
        {
            return ValidationResult.Error("--train-file and --test-file go together: give both.");
        }

        return TrainFile is not null && Holdout is not null
            ? ValidationResult.Error("--holdout and --train-file/--test-file exclude each other.")
            : null;
    }

    private ValidationResult? ValidateFiles() =>
        Load is not null && !File.Exists(Load) ? ValidationResult.Error($"--load: the file '{Load}' does not exist.") : null;

    private IEnumerable<(string Option, bool IsSet, ModelKind[] Models)> ModelSpecificOptions()
    {
        ModelKind[] embeddings = [ModelKind.Plain, ModelKind.Regularized, ModelKind.Biased, ModelKind.Als, ModelKind.ImplicitAls, ModelKind.Softmax, ModelKind.SvdPlusPlus, ModelKind.Bpr, ModelKind.Bpmf, ModelKind.BayesianFm];
        yield return ("--dimensions", Dimensions is not null, embeddings);
        yield return ("--iterations", Iterations is not null, embeddings);
        yield return ("--init-stddev", InitStdDev is not null, embeddings);
        yield return ("--learning-rate", LearningRate is not null, [ModelKind.Plain, ModelKind.Regularized, ModelKind.Biased, ModelKind.Softmax, ModelKind.SvdPlusPlus, ModelKind.Bpr]);
        yield return ("--regularization", Regularization is not null, [ModelKind.Regularized, ModelKind.Biased, ModelKind.Als, ModelKind.ImplicitAls, ModelKind.SvdPlusPlus, ModelKind.Bpr, ModelKind.Ease]);
        yield return ("--neighbors", Neighbors is not null, [ModelKind.ItemKnn, ModelKind.UserKnn]);
        yield return ("--shrinkage", Shrinkage is not null, [ModelKind.ItemKnn, ModelKind.UserKnn]);
        yield return ("--gravity", Gravity is not null, [ModelKind.Regularized]);
        yield return ("--bias-regularization", BiasRegularization is not null, [ModelKind.Biased, ModelKind.SvdPlusPlus, ModelKind.Bpr]);
        yield return ("--bias-learning-rate", BiasLearningRate is not null, [ModelKind.Biased, ModelKind.SvdPlusPlus]);
        yield return ("--learning-rate-decay", LearningRateDecay is not null, [ModelKind.Biased, ModelKind.SvdPlusPlus, ModelKind.Bpr]);
        yield return ("--no-biases", NoBiases, [ModelKind.Als]);
        yield return ("--regularization-exponent", RegularizationExponent is not null, [ModelKind.Als]);
        yield return ("--alpha", Alpha is not null, [ModelKind.ImplicitAls]);
        yield return ("--cg-steps", ConjugateGradientSteps is not null, [ModelKind.ImplicitAls]);
        yield return ("--early-stopping", EarlyStopping is not null, [ModelKind.Plain, ModelKind.Regularized, ModelKind.Biased, ModelKind.Als, ModelKind.ImplicitAls, ModelKind.SvdPlusPlus, ModelKind.Bpr]);
        yield return ("--burn-in", BurnIn is not null, [ModelKind.Bpmf, ModelKind.BayesianFm]);
        yield return ("--ordinal", Ordinal, [ModelKind.Bpmf]);
        yield return ("--blocks", Blocks is not null, [ModelKind.BayesianFm]);
        yield return ("--hidden", Hidden is not null, [ModelKind.Softmax]);
        yield return ("--optimizer", Optimizer is not null, [ModelKind.Softmax]);
        yield return ("--batch-size", BatchSize is not null, [ModelKind.Softmax]);
        yield return ("--input-dropout", InputDropout is not null, [ModelKind.Softmax]);
        yield return ("--genres", Genres, [ModelKind.Softmax]);
        yield return ("--years", Years, [ModelKind.Softmax]);
    }
}
