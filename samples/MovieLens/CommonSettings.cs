using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample;

/// <summary>Options every subcommand understands.</summary>
internal class CommonSettings : CommandSettings
{
    [CommandOption("--data <DIR>")]
    [Description("A MovieLens directory as GroupLens releases it (100k, 1M, 10M, latest, 20M, 25M or 32M; detected). Default: the download cache, else a download, else the synthetic set (written as real-shaped MovieLens 100k files and read back).")]
    public string? Data { get; init; }

    [CommandOption("--cache <DIR>")]
    [Description("Download cache directory. Default: the per-user cache (~/.cache/CollaborativeFiltering/movielens).")]
    public string? Cache { get; init; }

    [CommandOption("--synthetic")]
    [Description("Use the synthetic MovieLens-shaped set (written as real-shaped MovieLens 100k files and read back) without trying the cache or the network.")]
    public bool Synthetic { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Directory for charts and exports.")]
    [DefaultValue("out")]
    public string Out { get; init; } = "out";

    [CommandOption("--seed <N>")]
    [Description("Seed for splits, initialisation and the synthetic set.")]
    [DefaultValue(42)]
    public int Seed { get; init; } = 42;

    [CommandOption("--quick")]
    [Description("A smoke run: every model trains for 1/20 of its iterations (at least 3), t-SNE for 250, and the synthetic set is small (300 users × 400 movies × 12k ratings).")]
    public bool Quick { get; init; }

    public override ValidationResult Validate()
    {
        if (Data is not null && !Directory.Exists(Data))
        {
            return ValidationResult.Error($"--data: the directory '{Data}' does not exist.");
        }

        return ValidationResult.Success();
    }
}
