using DuckDB.NET.Data;

namespace CollaborativeFiltering.Tests;

/// <summary>
/// DuckDB (an independent Parquet reader and writer, in the test project only) for checking the
/// Parquet files the library writes and for making files it did not write.
/// </summary>
internal static class DuckDb
{
    /// <summary>Runs a query in a fresh in-memory database and returns every row's values.</summary>
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs statements (e.g. <c>COPY … TO 'file.parquet'</c>).</summary>
    public static void Execute(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A path as a single-quoted SQL string literal.</summary>
    public static string Literal(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
