using MovieLensSample.Inputs;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>Trains one model (or evaluates a --load-ed one) and prints its train and test MSE and RMSE ("n/a" for a model that only ranks), and its top-10 ranking quality.</summary>
internal sealed class TrainCommand(IAnsiConsole console) : AsyncCommand<ModelSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelSettings settings, CancellationToken cancellationToken)
    {
        var source = await ModelSource.GetAsync(settings, console, cancellationToken).ConfigureAwait(false);
        EvaluationStep.Show(console, source, settings.Out, cancellationToken);
        return 0;
    }
}
