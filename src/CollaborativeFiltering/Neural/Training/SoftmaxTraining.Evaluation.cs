using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Neural.Training;

/// <summary>Validation: cross-entropy and recall@10 of the validation items at the current parameters, and what the training loop measures.</summary>
internal sealed partial class SoftmaxTraining
{
    /// <summary>The validation loss (mean cross-entropy per validation rating) and recall@10 at the current parameters.</summary>
    public (double Loss, double Recall) Evaluate()
    {
        if (_validationOffsets is null)
        {
            return (double.NaN, double.NaN);
        }

        _phase = Phase.Evaluation;
        _pool.Run(this, (_userCount + Rows - 1) / Rows);

        double loss = 0, recall = 0;
        long ratings = 0;
        int users = 0;
        for (int u = 0; u < _userCount; u++)
        {
            int count = _validationOffsets[u + 1] - _validationOffsets[u];
            if (count > 0)
            {
                loss += _evaluationLoss[u];
                recall += _evaluationRecall[u];
                ratings += count;
                users++;
            }
        }

        return (loss / ratings, recall / users);
    }

    /// <inheritdoc/>
    double ITraining<SoftmaxModel>.ValidationLoss() => EvaluateOnce().Loss;

    /// <inheritdoc/>
    TrainingProgress ITraining<SoftmaxModel>.Measure(double? validationLoss)
    {
        var progress = new TrainingProgress { ObservedLoss = _lossSinceReport / _batchesSinceReport };
        if (!HasValidation)
        {
            return progress;
        }

        (double loss, double recall) = EvaluateOnce();
        return progress with { ValidationLoss = loss, ValidationRecallAt10 = recall };
    }

    /// <inheritdoc/>
    string ITraining<SoftmaxModel>.Describe(in TrainingProgress progress) => progress.ValidationLoss is { } loss
        ? string.Create(CultureInfo.InvariantCulture, $"train cross-entropy {Display.Number(progress.ObservedLoss)}, validation cross-entropy {Display.Number(loss)}, validation recall@10 {Display.Number(progress.ValidationRecallAt10)}")
        : string.Create(CultureInfo.InvariantCulture, $"train cross-entropy {Display.Number(progress.ObservedLoss)}");

    /// <inheritdoc/>
    string ITraining<SoftmaxModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"last train cross-entropy {Display.Number(final.ObservedLoss)}");

    /// <summary>The validation measurement of the current step, computed once however often the loop asks.</summary>
    private (double Loss, double Recall) EvaluateOnce()
    {
        if (_evaluatedStep != _step)
        {
            _evaluation = Evaluate();
            _evaluatedStep = _step;
        }

        return _evaluation;
    }

    private void RunEvaluation(int u0, Scratch scratch)
    {
        Span<float> queries = scratch.Queries;
        queries.Clear();
        for (int r = 0; r < Rows && u0 + r < _userCount; r++)
        {
            int u = u0 + r;
            _network.Forward(_trainItems.AsSpan(_trainOffsets[u], _trainOffsets[u + 1] - _trainOffsets[u]), scratch.X, scratch.Activations, scratch.GenreWeights, scratch.YearWeights,
                queries.Slice(r * _queryStride, _d));
        }

        int panelSize = _queryStride * _panelWidth;
        Span<float> logits = scratch.Logits;
        for (int p = 0; p < _panelCount; p++)
        {
            GemmKernel.Multiply(queries, _outputEmbeddings.AsSpan(p * panelSize, panelSize), _queryStride, logits.Slice(p * Rows * _panelWidth, Rows * _panelWidth));
        }

        int[] validationOffsets = _validationOffsets!;
        int[] validationItems = _validationItems!;
        for (int r = 0; r < Rows && u0 + r < _userCount; r++)
        {
            int u = u0 + r;
            ReadOnlySpan<int> test = validationItems.AsSpan(validationOffsets[u], validationOffsets[u + 1] - validationOffsets[u]);
            if (test.IsEmpty)
            {
                continue;
            }

            Span<float> row = scratch.Row.AsSpan(0, _itemCount);
            for (int p = 0; p < _panelCount; p++)
            {
                int count = Math.Min(_panelWidth, _itemCount - (p * _panelWidth));
                logits.Slice(((p * Rows) + r) * _panelWidth, count).CopyTo(row.Slice(p * _panelWidth, count));
            }

            if (_outputBiases is not null)
            {
                TensorPrimitives.Add(row, _outputBiases.AsSpan(0, _itemCount), row);
            }

            float max = TensorPrimitives.Max(row);
            Span<float> exp = scratch.Exp.AsSpan(0, _itemCount);
            TensorPrimitives.Subtract(row, max, exp);
            TensorPrimitives.Max(exp, SoftmaxKernels.MinExponent, exp);
            TensorPrimitives.Exp(exp, exp);
            double logSum = max + Math.Log(TensorPrimitives.Sum(exp));
            double loss = 0;
            foreach (int j in test)
            {
                loss += logSum - row[j];
            }

            int kept = TopK.Select(row, _trainItems.AsSpan(_trainOffsets[u], _trainOffsets[u + 1] - _trainOffsets[u]), -1, scratch.TopScores, scratch.TopItems);
            int hits = 0;
            for (int i = 0; i < kept; i++)
            {
                hits += test.BinarySearch(scratch.TopItems[i]) >= 0 ? 1 : 0;
            }

            _evaluationLoss[u] = loss;
            _evaluationRecall[u] = (double)hits / test.Length;
        }
    }
}
