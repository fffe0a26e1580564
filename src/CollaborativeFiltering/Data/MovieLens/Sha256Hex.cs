namespace CollaborativeFiltering.Data;

/// <summary>Checks and compares SHA-256 digests written as hexadecimal text.</summary>
internal static class Sha256Hex
{
    /// <summary>The number of hexadecimal digits in a SHA-256 digest.</summary>
    public const int Length = 64;

    /// <summary>Whether <paramref name="text"/> is exactly 64 hexadecimal digits (either case).</summary>
    public static bool IsValid(string text)
    {
        if (text.Length != Length)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
