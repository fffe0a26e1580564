using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>What a MovieLens release says about a user (<c>u.user</c>, <c>users.dat</c>).</summary>
/// <param name="Id">The user's id as it appears in the files.</param>
/// <param name="Age">Age in years (MovieLens 1M: its age code, the lower bound of the age bracket, 1 standing for "under 18"), or <see langword="null"/> when unknown or unreadable.</param>
/// <param name="Sex">"M" or "F" as in the file, or <see langword="null"/> when unknown.</param>
/// <param name="Occupation">Occupation name (MovieLens 1M codes are translated to names), or <see langword="null"/>.</param>
/// <param name="ZipCode">Zip code as written in the file (text: <c>02138</c>, <c>T8H1N</c>, <c>98107-2117</c>), or <see langword="null"/>.</param>
public sealed record UserInfo(string Id, int? Age = null, string? Sex = null, string? Occupation = null, string? ZipCode = null)
{
    /// <summary>E.g. <c>user 1: age 24, M, technician, zip 85711</c> (unknown fields left out).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        string?[] known = [Age is { } age ? "age " + Display.Count(age) : null, Sex, Occupation, ZipCode is null ? null : "zip " + ZipCode];
        string details = string.Join(", ", known.Where(static k => k is not null));
        return details.Length == 0 ? "user " + Id : $"user {Id}: {details}";
    }
}
