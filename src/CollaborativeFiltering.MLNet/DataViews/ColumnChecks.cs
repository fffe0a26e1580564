using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// Finds the user, item and label columns of a schema (or of an estimator's schema shape) and checks
/// their types, throwing <see cref="ArgumentOutOfRangeException"/> as ML.NET does for a schema mismatch,
/// with a message that names the column, its role, the type found and the type expected.
/// </summary>
internal static class ColumnChecks
{
    /// <summary>The user or item column: a scalar key column.</summary>
    public static DataViewSchema.Column Key(DataViewSchema schema, string name, string role, string paramName)
    {
        DataViewSchema.Column column = Find(schema, name, role, paramName);
        if (column.Type is not KeyDataViewType)
        {
            throw new ArgumentOutOfRangeException(paramName, NotAKey(name, role, $"{column.Type}"));
        }

        return column;
    }

    /// <summary>The label column: a scalar Single or Double.</summary>
    public static DataViewSchema.Column Label(DataViewSchema schema, string name, string paramName)
    {
        DataViewSchema.Column column = Find(schema, name, "label", paramName);
        if (column.Type != NumberDataViewType.Single && column.Type != NumberDataViewType.Double)
        {
            throw new ArgumentOutOfRangeException(paramName, NotANumber(name, $"{column.Type}"));
        }

        return column;
    }

    /// <summary>The user or item column of a schema shape: a scalar key.</summary>
    public static void Key(SchemaShape shape, string name, string role, string paramName)
    {
        SchemaShape.Column column = Find(shape, name, role, paramName);
        if (!column.IsKey || column.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            throw new ArgumentOutOfRangeException(paramName, NotAKey(name, role, Describe(column)));
        }
    }

    /// <summary>The label column of a schema shape: a scalar Single or Double.</summary>
    public static void Label(SchemaShape shape, string name, string paramName)
    {
        SchemaShape.Column column = Find(shape, name, "label", paramName);
        if (column.IsKey || column.Kind != SchemaShape.Column.VectorKind.Scalar
            || (column.ItemType != NumberDataViewType.Single && column.ItemType != NumberDataViewType.Double))
        {
            throw new ArgumentOutOfRangeException(paramName, NotANumber(name, Describe(column)));
        }
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role, string paramName)
    {
        if (schema.GetColumnOrNull(name) is { } column)
        {
            return column;
        }

        var names = new List<string>();
        foreach (DataViewSchema.Column c in schema)
        {
            if (!c.IsHidden)
            {
                names.Add(c.Name);
            }
        }

        throw new ArgumentOutOfRangeException(paramName, Missing(name, role, names));
    }

    private static SchemaShape.Column Find(SchemaShape shape, string name, string role, string paramName)
    {
        var names = new List<string>();
        foreach (SchemaShape.Column c in shape)
        {
            if (string.Equals(c.Name, name, StringComparison.Ordinal))
            {
                return c;
            }

            names.Add(c.Name);
        }

        throw new ArgumentOutOfRangeException(paramName, Missing(name, role, names));
    }

    private static string Missing(string name, string role, List<string> names) =>
        string.Create(CultureInfo.InvariantCulture, $"The {role} column '{name}' is not in the data. Its columns are: {(names.Count == 0 ? "none" : string.Join(", ", names.Select(n => $"'{n}'")))}.");

    private static string NotAKey(string name, string role, string type) =>
        $"The {role} column '{name}' has type {type}; expected a key type. ML.NET recommenders read users and items as keys: "
        + $"map the {role} ids to keys first, e.g. mlContext.Transforms.Conversion.MapValueToKey(\"{name}\", \"<{role} id column>\").";

    private static string NotANumber(string name, string type) =>
        $"The label column '{name}' has type {type}; expected Single (float) or Double ratings. Convert it with mlContext.Transforms.Conversion.ConvertType(\"{name}\", outputKind: DataKind.Single).";

    private static string Describe(SchemaShape.Column column)
    {
        string type = column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{type}>",
            SchemaShape.Column.VectorKind.VariableVector => $"VarVector<{type}>",
            _ => type,
        };
    }
}
