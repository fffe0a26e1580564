namespace MovieLensSample.Inputs;

/// <summary>An option whose value the data does not have (a title no movie contains, an unknown id, a rating outside the data's range): exit code 2, like a malformed option.</summary>
internal sealed class BadOptionException(string message) : Exception(message);
