using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>
/// Rows whose user and item columns are keys already, without key values (as a user's own key columns
/// are). LoadFromEnumerable reads a value v of a [KeyType] field as key v + 1 (0-based values).
/// </summary>
public sealed class KeyRow
{
    [KeyType(50)]
    public uint UserKey { get; set; }

    [KeyType(40)]
    public uint ItemKey { get; set; }

    public float Label { get; set; }
}

/// <summary>Keys of the narrowest and widest raw types ML.NET has (LoadFromEnumerable reads byte, uint and ulong keys).</summary>
public sealed class NarrowKeyRow
{
    [KeyType(50)]
    public byte UserKey { get; set; }

    [KeyType(40)]
    public ulong ItemKey { get; set; }

    public double Label { get; set; }
}

/// <summary>A ratings row whose label is text: a wrong type for a label.</summary>
public sealed class TextLabelRow
{
    public string UserId { get; set; } = "";

    public string ItemId { get; set; } = "";

    public string Rating { get; set; } = "";
}

/// <summary>A ratings row whose label is an integer: a wrong type for a label (ML.NET's trainers want Single).</summary>
public sealed class IntLabelRow
{
    public string UserId { get; set; } = "";

    public string ItemId { get; set; } = "";

    public int Rating { get; set; }
}

/// <summary>A shape: key columns and a Single label.</summary>
public sealed class KeyShape
{
    [KeyType(10)]
    public uint UserKey { get; set; }

    [KeyType(10)]
    public uint ItemKey { get; set; }

    public float Label { get; set; }

    public float Score { get; set; }
}

/// <summary>A shape whose item column is text, not a key.</summary>
public sealed class TextItemShape
{
    [KeyType(10)]
    public uint UserKey { get; set; }

    public string ItemKey { get; set; } = "";

    public float Label { get; set; }
}

/// <summary>A shape whose user column is a vector of keys.</summary>
public sealed class VectorKeyShape
{
    [KeyType(10)]
    [VectorType(2)]
    public uint[] UserKey { get; set; } = [];

    [KeyType(10)]
    public uint ItemKey { get; set; }

    public float Label { get; set; }
}

/// <summary>A shape whose label is a Boolean.</summary>
public sealed class BoolLabelShape
{
    [KeyType(10)]
    public uint UserKey { get; set; }

    [KeyType(10)]
    public uint ItemKey { get; set; }

    public bool Label { get; set; }
}

/// <summary>Key columns without key values whose key counts no catalogue can hold.</summary>
public sealed class HugeKeyRow
{
    [KeyType(3_000_000_000)]
    public uint UserKey { get; set; }

    [KeyType(2_000_000_000)]
    public uint ItemKey { get; set; }

    public float Label { get; set; }
}

/// <summary>The data class of ML.NET's movie-recommendation tutorial: numeric ids and the rating as floats, read from a CSV file.</summary>
public sealed class TutorialRating
{
    [LoadColumn(0)]
    public float UserId { get; set; }

    [LoadColumn(1)]
    public float MovieId { get; set; }

    [LoadColumn(2)]
    public float Label { get; set; }
}

/// <summary>The tutorial's prediction class: only the score.</summary>
public sealed class TutorialPrediction
{
    public float Score { get; set; }
}
