using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace CollaborativeFiltering.MLNet.Logging;

/// <summary>
/// An <see cref="ILogger"/> that writes to an <see cref="MLContext"/>'s log, so that the library's
/// trainers, which log through <see cref="ILogger"/>, report into <see cref="MLContext.Log"/> like ML.NET's
/// own components: trace and debug messages as <see cref="ChannelMessageKind.Trace"/>, information as
/// <see cref="ChannelMessageKind.Info"/>, warnings as <see cref="ChannelMessageKind.Warning"/>, errors
/// and critical messages as <see cref="ChannelMessageKind.Error"/>, each from a channel named after the
/// component. ML.NET does not tell whether anyone listens, so every message is formatted; the trainers
/// log a few messages per fit (progress every report interval), never one per rating.
/// </summary>
internal sealed class ChannelLogger : ILogger
{
    private readonly IHostEnvironment _environment;
    private readonly string _name;

    /// <summary>Creates a logger writing to <paramref name="mlContext"/>'s log from channels named <paramref name="name"/>.</summary>
    public ChannelLogger(MLContext mlContext, string name)
    {
        _environment = mlContext;
        _name = name;
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message}: {exception.Message}";
        }

        using IChannel channel = _environment.Start(_name);
        switch (logLevel)
        {
            case LogLevel.Trace:
            case LogLevel.Debug:
                channel.Trace(MessageSensitivity.None, message);
                break;
            case LogLevel.Information:
                channel.Info(MessageSensitivity.None, message);
                break;
            case LogLevel.Warning:
                channel.Warning(MessageSensitivity.None, message);
                break;
            default:
                channel.Error(MessageSensitivity.None, message);
                break;
        }
    }
}
