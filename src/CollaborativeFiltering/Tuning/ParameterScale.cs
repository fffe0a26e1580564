namespace CollaborativeFiltering.Tuning;

/// <summary>How a <see cref="ParameterRange"/> gives its values.</summary>
public enum ParameterScale
{
    /// <summary>One of a list of values, each equally likely.</summary>
    Choice,

    /// <summary>A point of an interval, uniform on a linear scale.</summary>
    Linear,

    /// <summary>A point of an interval, uniform on a logarithmic scale (its logarithm is uniform).</summary>
    Logarithmic,
}
