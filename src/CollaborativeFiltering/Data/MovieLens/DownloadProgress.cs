using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// How far a download has come. Reported once when the response headers arrive, then while the body
/// streams (about once per percent of the total, or once per 64 KiB when the length is unknown), and once
/// per later <see cref="DownloadStage"/>.
/// </summary>
/// <param name="BytesReceived">The number of bytes of the archive received so far.</param>
/// <param name="TotalBytes">The archive's length announced by the server (<c>Content-Length</c>), or <see langword="null"/> when the server did not announce one.</param>
/// <param name="Stage">What the download is doing.</param>
public readonly record struct DownloadProgress(long BytesReceived, long? TotalBytes, DownloadStage Stage = DownloadStage.Downloading)
{
    /// <summary>
    /// <see cref="BytesReceived"/> as a fraction of <see cref="TotalBytes"/> in [0, 1], or <see langword="null"/>
    /// when the total is unknown or zero.
    /// </summary>
    public double? Fraction => TotalBytes is > 0 ? Math.Clamp((double)BytesReceived / TotalBytes.Value, 0d, 1d) : null;

    /// <summary>E.g. <c>Downloading: 1228800 of 4924029 bytes (25 %)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Stage}: {Display.Count(BytesReceived)}") + (TotalBytes is { } total ? string.Create(CultureInfo.InvariantCulture, $" of {Display.Count(total)} bytes ({Display.Number(100 * Fraction.GetValueOrDefault())} %)") : " bytes");
}
