namespace CollaborativeFiltering.Data;

/// <summary>The CRC-32 of zip archives (IEEE 802.3, reflected polynomial 0xEDB88320), to check each extracted entry against its stored checksum.</summary>
internal struct Crc32Ieee
{
    private static readonly uint[] Table = CreateTable();

    private uint _state;

    /// <summary>The checksum of everything appended so far.</summary>
    public readonly uint Value => _state;

    /// <summary>Appends bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint crc = ~_state;
        foreach (byte b in data)
        {
            crc = Table[(byte)(crc ^ b)] ^ (crc >> 8);
        }

        _state = ~crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
