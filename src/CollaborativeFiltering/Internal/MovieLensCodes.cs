namespace CollaborativeFiltering.Internal;

/// <summary>The codes of MovieLens 1M's <c>users.dat</c>, as its README lists them; shared by the loader and the writer.</summary>
internal static class MovieLensCodes
{
    /// <summary>The occupation codes 0 to 20: index <c>k</c> is code <c>k</c>.</summary>
    public static readonly string[] Occupations1M =
    [
        "other", "academic/educator", "artist", "clerical/admin", "college/grad student", "customer service",
        "doctor/health care", "executive/managerial", "farmer", "homemaker", "K-12 student", "lawyer", "programmer",
        "retired", "sales/marketing", "scientist", "self-employed", "technician/engineer", "tradesman/craftsman",
        "unemployed", "writer",
    ];

    /// <summary>The age codes: 1 ("Under 18"), 18 ("18-24"), 25, 35, 45, 50, 56 ("56+"), each the lower bound of its bracket but the first.</summary>
    public static readonly int[] AgeCodes1M = [1, 18, 25, 35, 45, 50, 56];

    /// <summary>The 1M age code of an age in years: its bracket's.</summary>
    /// <param name="age">The age, zero or more.</param>
    /// <returns>1, 18, 25, 35, 45, 50 or 56.</returns>
    public static int AgeCode(int age) => age switch
    {
        < 18 => 1,
        < 25 => 18,
        < 35 => 25,
        < 45 => 35,
        < 50 => 45,
        < 56 => 50,
        _ => 56,
    };
}
