using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>Collects what arrives in an MLContext's log.</summary>
internal sealed class LogCollector
{
    private readonly List<LoggingEventArgs> _messages = [];

    public LogCollector(MLContext mlContext)
    {
        mlContext.Log += (_, e) =>
        {
            lock (_messages)
            {
                _messages.Add(e);
            }
        };
    }

    public IReadOnlyList<LoggingEventArgs> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<string> Warnings => [.. Messages.Where(m => m.Kind == ChannelMessageKind.Warning).Select(m => m.RawMessage)];
}
