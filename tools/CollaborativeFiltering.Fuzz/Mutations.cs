using System.Buffers.Binary;
using System.Text;

namespace CollaborativeFiltering.Fuzz;

/// <summary>
/// Mutations of valid inputs (a writer's output), the ones that find parser and loader bugs: bit
/// flips, random and boundary bytes, 4-byte fields overwritten with boundary integers, truncation,
/// deleted, duplicated and inserted ranges, and text tokens (separators, quotes, line breaks,
/// numbers at the edge of their types). Shared by the property tests and the long-running fuzzer.
/// </summary>
public static class Mutations
{
    /// <summary>Integers at the edges of sizes and signs.</summary>
    public static readonly int[] InterestingInts =
    [
        0, 1, -1, 2, 3, 7, 8, 15, 16, 255, 256, 4096, 4097, 65535, 65536, 1 << 20, (1 << 24) + 1, 46341, 1 << 30,
        int.MaxValue, int.MaxValue - 1, int.MinValue, int.MinValue + 1, short.MaxValue, -2,
    ];

    /// <summary>Tokens that delimited and MovieLens text files give meaning to, and numbers at the edge.</summary>
    public static readonly string[] TextTokens =
    [
        ",", "\t", "::", "|", "\"", "\"\"", "\n", "\r\n", "\r", " ", "", "\0", "NaN", "-0", "1e39", "1e309", "-1e309", "Infinity", "-Infinity",
        "99999999999999999999", "2147483648", "-2147483649", "9223372036854775808", "0x10", "5.", ".5", "1,5", "31-Feb-1995", "4-Feb-1971",
        "00-Jan-0000", "01-Jan-9999", "(no genres listed)", "é", "\uFFFD", "\uD800", "𝄞", new string('a', 5000), new string('9', 400),
    ];

    /// <summary>Applies 1 to <paramref name="maxMutations"/> random mutations to a copy of <paramref name="input"/>.</summary>
    public static byte[] Mutate(byte[] input, Random random, int maxMutations = 4, bool text = false)
    {
        var data = new List<byte>(input);
        int count = 1 + random.Next(maxMutations);
        for (int m = 0; m < count; m++)
        {
            MutateOnce(data, random, text);
        }

        return [.. data];
    }

    private static void MutateOnce(List<byte> data, Random random, bool text)
    {
        int kind = random.Next(text ? 10 : 8);
        int at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (kind)
        {
            case 0 when data.Count > 0: // flip one bit
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0: // a random or boundary byte
                data[at] = random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)random.Next(256) };
                break;
            case 2 when data.Count >= 4: // an aligned or unaligned int32 set to a boundary value
            {
                int offset = random.Next(2) == 0 ? at & ~3 : at;
                offset = Math.Min(offset, data.Count - 4);
                Span<byte> bytes = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(bytes, InterestingInts[random.Next(InterestingInts.Length)]);
                for (int k = 0; k < 4; k++)
                {
                    data[offset + k] = bytes[k];
                }

                break;
            }

            case 3: // truncate
                data.RemoveRange(at, data.Count - at);
                break;
            case 4 when data.Count > 0: // delete a range
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(64)));
                break;
            case 5 when data.Count > 0: // duplicate a range
            {
                int length = Math.Min(data.Count - at, 1 + random.Next(256));
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            }

            case 6: // insert random bytes
            {
                var bytes = new byte[1 + random.Next(16)];
                random.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            }

            case 7 when data.Count > 0: // a float field set to a non-finite or huge value
            {
                int offset = Math.Min(at & ~3, Math.Max(0, data.Count - 4));
                float value = random.Next(5) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, 3 => 3e38f, _ => 1e30f };
                Span<byte> bytes = stackalloc byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
                for (int k = 0; k < 4 && offset + k < data.Count; k++)
                {
                    data[offset + k] = bytes[k];
                }

                break;
            }

            case 8: // insert a text token
                data.InsertRange(at, Encoding.UTF8.GetBytes(TextTokens[random.Next(TextTokens.Length)]));
                break;
            case 9 when data.Count > 0: // replace a field-sized run with a text token
            {
                int length = Math.Min(data.Count - at, 1 + random.Next(12));
                data.RemoveRange(at, length);
                data.InsertRange(at, Encoding.UTF8.GetBytes(TextTokens[random.Next(TextTokens.Length)]));
                break;
            }

            default:
                data.Insert(at, (byte)random.Next(256));
                break;
        }
    }
}
