using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural.Training;

/// <summary>Sampling: batches of users in a seeded random order, one label per example, input items left out with the dropout probability.</summary>
internal sealed partial class SoftmaxTraining
{
    /// <summary>Samples a batch and takes one step.</summary>
    /// <param name="cancellationToken">Checked every 4,096 examples while sampling and throughout the step.</param>
    /// <returns>The batch's mean cross-entropy before the step.</returns>
    public double Step(CancellationToken cancellationToken = default)
    {
        int count = _eligible.Length;
        for (int b = 0; b < _batchSize; b++)
        {
            if ((b & 4095) == 4095)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (_cursor == count)
            {
                _random.Shuffle(_eligible.AsSpan());
                _cursor = 0;
            }

            int u = _eligible[_cursor++];
            _exampleUser[b] = u;
            _exampleSkip[b] = _random.NextInt(_trainOffsets[u + 1] - _trainOffsets[u]);
            SelectInputs(b);
        }

        return RunBatch(cancellationToken);
    }

    /// <summary>Takes one step on given examples (tests): user <c>users[b]</c> with the item at position <c>skips[b]</c> of its row as the label.</summary>
    public double Step(ReadOnlySpan<int> users, ReadOnlySpan<int> skips)
    {
        if (users.Length != _batchSize || skips.Length != _batchSize)
        {
            ThrowHelper.Argument(nameof(users), "One user and one label position per example of the batch are needed.");
        }

        users.CopyTo(_exampleUser);
        skips.CopyTo(_exampleSkip);
        for (int b = 0; b < _batchSize; b++)
        {
            SelectInputs(b);
        }

        return RunBatch(CancellationToken.None);
    }

    /// <summary>Tests: the input items of the last batch, and how many there were before dropout.</summary>
    public (int Kept, int Available) InputCounts()
    {
        int kept = 0, available = 0;
        for (int b = 0; b < _batchSize; b++)
        {
            int u = _exampleUser[b];
            kept += _inputCount[b];
            available += _trainOffsets[u + 1] - _trainOffsets[u] - 1;
        }

        return (kept, available);
    }

    /// <summary>Example b's input: the user's items but the label, each dropped with probability <see cref="SoftmaxOptions.InputDropout"/>.</summary>
    private void SelectInputs(int b)
    {
        int u = _exampleUser[b], skip = _exampleSkip[b];
        ReadOnlySpan<int> row = _trainItems.AsSpan(_trainOffsets[u], _trainOffsets[u + 1] - _trainOffsets[u]);
        Span<int> inputs = _inputItems.AsSpan(b * _inputStride, _inputStride);
        if (_dropout == 0)
        {
            row[..skip].CopyTo(inputs);
            row[(skip + 1)..].CopyTo(inputs[skip..]);
            _inputCount[b] = row.Length - 1;
        }
        else
        {
            _inputCount[b] = _random.KeepEach(row, skip, _dropout, inputs);
        }
    }
}
