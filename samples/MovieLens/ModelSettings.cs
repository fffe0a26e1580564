using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample;

/// <summary>Options of the commands that train (or load) a model: which model, its options, the split, and persistence.</summary>
internal class ModelSettings : CommonSettings
{
    /// <summary>The holdout fraction when neither --holdout nor --train-file is given (the notebook's 90/10 split).</summary>
    public const double DefaultHoldout = 0.1;

    [CommandOption("--model <NAME>")]
    [Description("The model: plain (the notebook's CFModel), regularized (L2 + gravity), biased (SGD with biases), als (alternating least squares), implicit-als (ratings as implicit feedback; ranks, does not predict ratings).")]
    [DefaultValue("regularized")]
    public string Model { get; init; } = "regularized";

    [CommandOption("--dimensions <N>")]
    [Description("Embedding dimension d. Default: the model's own (plain 30 and regularized 50, as the notebook).")]
    public int? Dimensions { get; init; }

    [CommandOption("--iterations <N>")]
    [Description("Full-batch steps, SGD epochs or ALS sweeps. Default: the model's own (plain 1000 and regularized 3000, as the notebook); a twentieth with --quick.")]
    public int? Iterations { get; init; }

    [CommandOption("--learning-rate <RATE>")]
    [Description("Step size (plain, regularized, biased). Default: the model's own (plain 10 and regularized 20, as the notebook).")]
    public double? LearningRate { get; init; }

    [CommandOption("--init-stddev <SD>")]
    [Description("Standard deviation of the random initial embeddings. Default: the model's own (plain 0.5 and regularized 0.05, as the notebook).")]
    public double? InitStdDev { get; init; }

    [CommandOption("--regularization <LAMBDA>")]
    [Description("L2 weight (regularized, biased, als, implicit-als): regularized λ_r (default 0.1, as the notebook); the others' λ (default: the library's).")]
    public double? Regularization { get; init; }

    [CommandOption("--gravity <LAMBDA>")]
    [Description("Gravity weight λ_g (regularized). Default: 1.")]
    public double? Gravity { get; init; }

    [CommandOption("--bias-regularization <LAMBDA>")]
    [Description("L2 weight on the biases (biased). Default: the library's.")]
    public double? BiasRegularization { get; init; }

    [CommandOption("--bias-learning-rate <RATE>")]
    [Description("Step size of the biases (biased). Default: the learning rate.")]
    public double? BiasLearningRate { get; init; }

    [CommandOption("--learning-rate-decay <FACTOR>")]
    [Description("Learning-rate factor applied after each epoch, above 0 and at most 1 (biased). Default: the library's.")]
    public double? LearningRateDecay { get; init; }

    [CommandOption("--no-biases")]
    [Description("Factors only, no global mean or user and item biases (als).")]
    public bool NoBiases { get; init; }

    [CommandOption("--alpha <ALPHA>")]
    [Description("Confidence weight α: an observed rating r counts 1 + α·r (implicit-als). Default: the library's.")]
    public double? Alpha { get; init; }

    [CommandOption("--cg-steps <N>")]
    [Description("Conjugate-gradient steps per row and half-sweep; 0 solves exactly (implicit-als). Default: the library's.")]
    public int? ConjugateGradientSteps { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Worker threads; -1 for one per processor. Default: -1")]
    public int? Threads { get; init; }

    [CommandOption("--report-interval <N>")]
    [Description("Report train and test MSE every N iterations. Default: the model's own (10 for plain and regularized).")]
    public int? ReportInterval { get; init; }

    [CommandOption("--early-stopping <N>")]
    [Description("Stop after N reports without a better test MSE; 0 never stops early. Default: 0")]
    public int? EarlyStopping { get; init; }

    [CommandOption("--holdout <FRACTION>")]
    [Description("Fraction of the ratings held out at random for testing, strictly between 0 and 1. Default: 0.1")]
    public double? Holdout { get; init; }

    [CommandOption("--train-file <FILE>")]
    [Description("A predefined training file of MovieLens 100k (e.g. u1.base): a path, or a name in the --data directory. Needs --test-file.")]
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

    /// <summary>The parsed --model (valid once <see cref="Validate"/> has passed).</summary>
    public ModelKind Kind => ModelKinds.TryParse(Model, out ModelKind kind) ? kind : ModelKind.Regularized;

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

        foreach (var (option, isSet, models) in ModelSpecificOptions())
        {
            if (isSet && !models.Contains(kind))
            {
                return ValidationResult.Error($"{option} does not apply to --model {kind.Name()} (only to {string.Join(", ", models.Select(m => m.Name()))}).");
            }
        }

        return ValidateSplit() ?? ValidateFiles() ?? ValidationResult.Success();
    }

    private ValidationResult? ValidateSplit()
    {
        if (Holdout is { } h && !(h > 0 && h < 1))
        {
            return ValidationResult.Error($"--holdout: {h.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a fraction strictly between 0 and 1.");
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
        yield return ("--learning-rate", LearningRate is not null, [ModelKind.Plain, ModelKind.Regularized, ModelKind.Biased]);
        yield return ("--regularization", Regularization is not null, [ModelKind.Regularized, ModelKind.Biased, ModelKind.Als, ModelKind.ImplicitAls]);
        yield return ("--gravity", Gravity is not null, [ModelKind.Regularized]);
        yield return ("--bias-regularization", BiasRegularization is not null, [ModelKind.Biased]);
        yield return ("--bias-learning-rate", BiasLearningRate is not null, [ModelKind.Biased]);
        yield return ("--learning-rate-decay", LearningRateDecay is not null, [ModelKind.Biased]);
        yield return ("--no-biases", NoBiases, [ModelKind.Als]);
        yield return ("--alpha", Alpha is not null, [ModelKind.ImplicitAls]);
        yield return ("--cg-steps", ConjugateGradientSteps is not null, [ModelKind.ImplicitAls]);
    }
}
