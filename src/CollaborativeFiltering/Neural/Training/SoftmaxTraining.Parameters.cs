using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural.Training;

/// <summary>The parameters phase: gradients summed over the batch per parameter, and the optimizer step (Adagrad or Adam) applied by the task that owns the parameter.</summary>
internal sealed partial class SoftmaxTraining
{
    /// <summary>Tests: the gradient captured by the last step for a parameter, in that parameter's layout.</summary>
    /// <param name="name">"V", "b", "items", "genres", "years", "W0".., "c0"..</param>
    public float[] GetGradient(string name) => GetParameter(name).Gradient ?? throw new InvalidOperationException("Gradients are not captured.");

    /// <summary>Tests: a parameter's values, in its layout (V in panels).</summary>
    public float[] GetValues(string name) => GetParameter(name).Values;

    private SoftmaxParameter GetParameter(string name) => name switch
    {
        "V" => _outputEmbeddingParameter,
        "b" => _outputBiasParameter ?? throw new InvalidOperationException("No item biases."),
        "items" => _sharedItemEmbeddings ? throw new InvalidOperationException("The item input embeddings are V's.") : _itemParameter,
        "genres" => _genreParameter ?? throw new InvalidOperationException("No genres."),
        "years" => _yearParameter ?? throw new InvalidOperationException("No years."),
        _ when name[0] == 'W' => _weightParameters[int.Parse(name.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture)],
        _ => _biasParameters[int.Parse(name.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture)],
    };

    private int DenseTaskCount => _network.LayerCount + (_genreCount > 0 ? 1 : 0) + (_yearCount > 0 ? 1 : 0);

    private void RunParameters(int task, Scratch scratch)
    {
        int layers = _network.LayerCount;
        if (task < layers)
        {
            UpdateLayer(task);
            return;
        }

        task -= layers;
        if (_genreCount > 0 && task-- == 0)
        {
            UpdateTable(_genreGradient, _genreWeights, _genreCount, _network.ItemDimensions, _network.GenreDimensions, _genreParameter!);
            return;
        }

        if (_yearCount > 0 && task-- == 0)
        {
            UpdateTable(_yearGradient, _yearWeights, _yearCount, _network.ItemDimensions + _network.GenreDimensions, _network.YearDimensions, _yearParameter!);
            return;
        }

        UpdatePanel(task, scratch);
    }

    private void UpdateLayer(int l)
    {
        float[] dw = _weightGradients[l];
        float[] dc = _biasGradients[l];
        dw.AsSpan().Clear();
        dc.AsSpan().Clear();
        int inputs = _network.LayerInputs(l), outputs = _network.LayerOutputs(l);
        bool output = l == _network.LayerCount - 1;
        int[] offsets = _network.ActivationOffsets;
        for (int b = 0; b < _batchSize; b++)
        {
            ReadOnlySpan<float> delta = output ? _queryGradients.Row(b) : _deltas.AsSpan((b * _activationWidth) + offsets[l], outputs);
            ReadOnlySpan<float> a = l == 0 ? _inputs.AsSpan(b * _inputWidth, _inputWidth) : _activations.AsSpan((b * _activationWidth) + offsets[l - 1], inputs);
            for (int r = 0; r < outputs; r++)
            {
                float dr = delta[r];
                if (dr != 0)
                {
                    Span<float> row = dw.AsSpan(r * inputs, inputs);
                    ShortRows.MultiplyAdd(a, dr, row);
                    dc[r] += dr;
                }
            }
        }

        Apply(_weightParameters[l], 0, dw);
        Apply(_biasParameters[l], 0, dc);
    }

    private void UpdateTable(float[] gradient, float[] weights, int rows, int offset, int width, SoftmaxParameter parameter)
    {
        gradient.AsSpan().Clear();
        for (int b = 0; b < _batchSize; b++)
        {
            ReadOnlySpan<float> w = weights.AsSpan(b * rows, rows);
            ReadOnlySpan<float> dx = _inputGradients.AsSpan((b * _inputWidth) + offset, width);
            for (int k = 0; k < rows; k++)
            {
                if (w[k] != 0)
                {
                    Span<float> row = gradient.AsSpan(k * width, width);
                    ShortRows.MultiplyAdd(dx, w[k], row);
                }
            }
        }

        Apply(parameter, 0, gradient);
    }

    private void UpdatePanel(int panel, Scratch scratch)
    {
        int panelSize = _queryStride * _panelWidth;
        ReadOnlySpan<float> z = _logits.Values.Slice(panel * _paddedBatchSize * _panelWidth, _paddedBatchSize * _panelWidth);
        Span<float> gradient = scratch.PanelGradient;
        for (int kb = 0; kb < _queryStride; kb += Rows)
        {
            GemmKernel.Multiply(_queriesTransposed.AsSpan(kb * _paddedBatchSize, Rows * _paddedBatchSize), z, _paddedBatchSize, gradient.Slice(kb * _panelWidth, Rows * _panelWidth));
        }

        // The input embeddings of the panel's items: from the examples whose bag holds them, in example order.
        int ei = _network.ItemDimensions;
        Span<float> de = scratch.ItemGradient;
        int first = panel * _panelWidth, end = Math.Min(_itemCount, first + _panelWidth);
        for (int j = first; j < end; j++)
        {
            int from = _inverseOffsets[j], to = _inverseOffsets[j + 1];
            if (from == to && (_sharedItemEmbeddings || (!_adam && _itemParameter.Gradient is null)))
            {
                continue; // nothing to add, or an Adagrad step with a zero gradient, which changes nothing
            }

            de.Clear();
            for (int e = from; e < to; e++)
            {
                int b = _inverseExamples[e];
                ShortRows.MultiplyAdd(_inputGradients.AsSpan(b * _inputWidth, ei), _inverseCount[b], de);
            }

            if (_sharedItemEmbeddings)
            {
                int lane = j - first;
                for (int k = 0; k < _d; k++)
                {
                    gradient[(k * _panelWidth) + lane] += de[k];
                }
            }
            else
            {
                Apply(_itemParameter, j * ei, de);
            }
        }

        Apply(_outputEmbeddingParameter, panel * panelSize, gradient);
        if (_sharedItemEmbeddings)
        {
            CopySharedRows(first, end);
        }

        if (_outputBiasParameter is not null)
        {
            Span<float> db = scratch.BiasGradient;
            db.Clear();
            for (int b = 0; b < _batchSize; b++)
            {
                TensorPrimitives.Add(db, z.Slice(b * _panelWidth, _panelWidth), db);
            }

            Apply(_outputBiasParameter, panel * _panelWidth, db);
        }
    }

    private void Apply(SoftmaxParameter parameter, int offset, ReadOnlySpan<float> gradient)
    {
        int length = gradient.Length;
        if (parameter.Gradient is { } captured)
        {
            gradient.CopyTo(captured.AsSpan(offset, length));
        }
        else if (_adam)
        {
            SoftmaxKernels.Adam(parameter.Values.AsSpan(offset, length), gradient, parameter.First.AsSpan(offset, length), parameter.Second!.AsSpan(offset, length), _stepSize * parameter.StepScale);
        }
        else
        {
            SoftmaxKernels.Adagrad(parameter.Values.AsSpan(offset, length), gradient, parameter.First.AsSpan(offset, length), _stepSize * parameter.StepScale);
        }
    }
}
