using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural.Training;

/// <summary>The examples phase: each example's forward pass, the logits against every item panel, the stable log-softmax loss and its gradient, and the backward pass through the dense layers.</summary>
internal sealed partial class SoftmaxTraining
{
    private void RunExamples(int b0, Scratch scratch)
    {
        for (int r = 0; r < Rows; r++)
        {
            int b = b0 + r;
            if (b >= _batchSize)
            {
                break;
            }

            ReadOnlySpan<int> items = _inputItems.AsSpan(b * _inputStride, _inputCount[b]);
            Span<float> q = _queries.Row(b);
            _network.Forward(items, _inputs.AsSpan(b * _inputWidth, _inputWidth), _activations.AsSpan(b * _activationWidth, _activationWidth),
                _genreWeights.AsSpan(b * _genreCount, _genreCount), _yearWeights.AsSpan(b * _yearCount, _yearCount), q);
        }

        ReadOnlySpan<float> queries = _queries.Values.Slice(b0 * _queryStride, Rows * _queryStride);
        int panelSize = _queryStride * _panelWidth;
        for (int p = 0; p < _panelCount; p++)
        {
            GemmKernel.Multiply(queries, _outputEmbeddings.AsSpan(p * panelSize, panelSize), _queryStride, _logits.Values.Slice(((p * _paddedBatchSize) + b0) * _panelWidth, Rows * _panelWidth));
        }

        for (int r = 0; r < Rows; r++)
        {
            int b = b0 + r;
            if (b < _batchSize)
            {
                Softmax(b, scratch.Row);
            }
        }

        SoftmaxKernels.MultiplyByPanels(_logits.Values[(b0 * _panelWidth)..], _paddedBatchSize * _panelWidth, _outputEmbeddings, _panelCount, _queryStride, _queryGradients.Values.Slice(b0 * _queryStride, Rows * _queryStride));

        for (int r = 0; r < Rows; r++)
        {
            int b = b0 + r;
            if (b < _batchSize)
            {
                Backward(b);
            }
        }
    }

    /// <summary>Turns row b of Z into dZ = (softmax(Z + b) − onehot(label)) / B in place and stores the loss.</summary>
    private void Softmax(int b, float[] buffer)
    {
        Span<float> row = buffer.AsSpan(0, _itemCount);
        for (int p = 0; p < _panelCount; p++)
        {
            int count = Math.Min(_panelWidth, _itemCount - (p * _panelWidth));
            _logits.Values.Slice(((p * _paddedBatchSize) + b) * _panelWidth, count).CopyTo(row.Slice(p * _panelWidth, count));
        }

        if (_outputBiases is not null)
        {
            TensorPrimitives.Add(row, _outputBiases.AsSpan(0, _itemCount), row);
        }

        int label = _exampleLabel[b];
        float labelLogit = row[label];
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Max(row, SoftmaxKernels.MinExponent, row);
        TensorPrimitives.Exp(row, row);
        float sum = TensorPrimitives.Sum(row);
        _exampleLoss[b] = max + Math.Log(sum) - labelLogit;
        SoftmaxKernels.ScaleFlushingTiny(row, (float)(1.0 / ((double)sum * _batchSize)));
        row[label] -= 1f / _batchSize;
        for (int p = 0; p < _panelCount; p++)
        {
            int count = Math.Min(_panelWidth, _itemCount - (p * _panelWidth));
            row.Slice(p * _panelWidth, count).CopyTo(_logits.Values.Slice(((p * _paddedBatchSize) + b) * _panelWidth, count));
        }
    }

    /// <summary>Back-propagates dQ row b through the dense layers into δ and dX.</summary>
    private void Backward(int b)
    {
        int last = _network.LayerCount - 1;
        int[] offsets = _network.ActivationOffsets;
        Span<float> delta = _queryGradients.Row(b);
        for (int l = last; l >= 0; l--)
        {
            int inputs = _network.LayerInputs(l);
            Span<float> target = l == 0 ? _inputGradients.AsSpan(b * _inputWidth, _inputWidth) : _deltas.AsSpan((b * _activationWidth) + offsets[l - 1], inputs);
            target.Clear();
            float[] w = _network.Weights[l];
            for (int r = 0; r < delta.Length; r++)
            {
                float dr = delta[r];
                if (dr != 0)
                {
                    ShortRows.MultiplyAdd(w.AsSpan(r * inputs, inputs), dr, target);
                }
            }

            if (l > 0)
            {
                ReadOnlySpan<float> a = _activations.AsSpan((b * _activationWidth) + offsets[l - 1], inputs);
                for (int i = 0; i < inputs; i++)
                {
                    if (!(a[i] > 0))
                    {
                        target[i] = 0;
                    }
                }
            }

            delta = target;
        }
    }
}
