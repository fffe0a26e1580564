using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace MovieLensSample.Commands;

/// <summary>
/// Help that leads with what the command itself takes: its own options first, then the model options (the
/// commands that train or load a model), then the data and output options every command understands. The
/// top-level help lists the walkthrough's options, the global ones, and the model commands' --model, --save
/// and --load, pointing to <c>train --help</c> for the training options.
/// </summary>
internal sealed class SampleHelp(ICommandAppSettings settings) : HelpProvider(settings)
{
    /// <summary>Each subcommand's settings type, for the options it declares itself.</summary>
    private static readonly Dictionary<string, Type> SettingsOf = new(StringComparer.Ordinal)
    {
        ["explore"] = typeof(CommonSettings),
        ["train"] = typeof(ModelSettings),
        ["neighbors"] = typeof(NeighborsCommand.Settings),
        ["recommend"] = typeof(RecommendCommand.Settings),
        ["project"] = typeof(ProjectCommand.Settings),
        ["export"] = typeof(ExportCommand.Settings),
    };

    private static readonly HashSet<string> Common = LongNames(typeof(CommonSettings));
    private static readonly HashSet<string> Model = LongNames(typeof(ModelSettings));

    private const string GlobalTitle = "GLOBAL OPTIONS (every command):";

    /// <summary>The options the top-level help shows of the model commands' own.</summary>
    private static readonly string[] ModelHighlights = ["model", "save", "load"];

    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        if (command is null || command.IsDefaultCommand)
        {
            var walkthrough = command ?? model.DefaultCommand;
            var options = walkthrough is null ? [] : Options(walkthrough).ToList();
            return
            [
                .. Section("OPTIONS (the walkthrough, no command):", options.Where(o => !IsCommon(o))),
                .. Section(GlobalTitle, options.Where(IsCommon)),
                .. ModelCommandsSection(model),
            ];
        }

        var all = Options(command).ToList();
        if (!SettingsOf.TryGetValue(command.Name, out Type? type) || type == typeof(CommonSettings))
        {
            return Section("OPTIONS:", all.Where(o => !IsCommon(o))).Concat(Section(GlobalTitle, all.Where(IsCommon)));
        }

        if (type == typeof(ModelSettings))
        {
            return Section("MODEL OPTIONS:", all.Where(o => IsModel(o) && !IsCommon(o)))
                .Concat(Section(GlobalTitle, all.Where(IsCommon)));
        }

        return Section($"{command.Name.ToUpperInvariant()} OPTIONS:", all.Where(o => !IsModel(o) && !IsCommon(o)))
            .Concat(Section("MODEL OPTIONS (ignored with --load; see train --help for which model each applies to):", all.Where(o => IsModel(o) && !IsCommon(o))))
            .Concat(Section(GlobalTitle, all.Where(IsCommon)));
    }

    /// <summary>The model commands' --model, --save and --load, with a pointer to the rest.</summary>
    private static IEnumerable<IRenderable> ModelCommandsSection(ICommandModel model)
    {
        ICommandInfo? train = model.Commands.FirstOrDefault(c => c.Name == "train");
        if (train is null)
        {
            return [];
        }

        var highlights = Options(train).Where(o => o.LongNames.Any(ModelHighlights.Contains)).ToList();
        return Section("MODEL COMMANDS' OPTIONS (train, neighbors, recommend, project, export):", highlights)
            .Append(new Markup(Environment.NewLine + "    [grey]and the training options (--dimensions, --iterations, --learning-rate, ...): see[/] MovieLens train --help" + Environment.NewLine));
    }

    private static IEnumerable<ICommandOption> Options(ICommandInfo command) =>
        command.Parameters.OfType<ICommandOption>().Where(o => !o.IsHidden);

    private static bool IsCommon(ICommandOption option) => option.LongNames.Count == 0 || option.LongNames.Any(Common.Contains) || option.LongNames.Contains("help");

    private static bool IsModel(ICommandOption option) => option.LongNames.Any(Model.Contains);

    private static IEnumerable<IRenderable> Section(string title, IEnumerable<ICommandOption> options)
    {
        var list = options.ToList();
        if (list.Count == 0)
        {
            yield break;
        }

        var grid = new Grid();
        grid.AddColumn(new GridColumn { Padding = new Padding(4, 0, 2, 0), NoWrap = true });
        grid.AddColumn(new GridColumn { Padding = new Padding(0, 0, 0, 0) });
        foreach (ICommandOption option in list)
        {
            grid.AddRow(new Text(Names(option)), new Text(Description(option)));
        }

        if (title.StartsWith(GlobalTitle, StringComparison.Ordinal))
        {
            grid.AddRow(new Text("-h, --help"), new Text("Prints help information (a command's: MovieLens COMMAND --help)"));
        }

        yield return new Markup(Environment.NewLine + $"[yellow]{Markup.Escape(title)}[/]" + Environment.NewLine);
        yield return grid;
    }

    private static string Names(ICommandOption option)
    {
        string names = string.Join(", ", option.ShortNames.Select(s => "-" + s).Concat(option.LongNames.Select(l => "--" + l)));
        string prefix = option.ShortNames.Count == 0 ? "    " : string.Empty;
        return option.ValueName is { } value ? $"{prefix}{names} <{value}>" : prefix + names;
    }

    /// <summary>The description, its trailing period trimmed, with "Default: X" added where the option has a declared default the text does not state.</summary>
    private static string Description(ICommandOption option)
    {
        string text = (option.Description ?? string.Empty).TrimEnd('.');
        if (option.LongNames.Contains("help"))
        {
            return "Prints help information";
        }

        return option.DefaultValue?.Value is { } value and not bool && !text.Contains("Default", StringComparison.Ordinal)
            ? $"{text}. Default: {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}"
            : text;
    }

    private static HashSet<string> LongNames(Type settings) =>
        [.. settings.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .SelectMany(a => a.LongNames)];
}
