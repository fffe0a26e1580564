namespace CollaborativeFiltering.Data;

/// <summary>What a download is doing when it reports a <see cref="DownloadProgress"/>.</summary>
public enum DownloadStage
{
    /// <summary>The archive is being received; <see cref="DownloadProgress.BytesReceived"/> grows.</summary>
    Downloading = 0,

    /// <summary>The whole archive has arrived and is being checked (length, checksum, zip structure, expected files).</summary>
    Verifying = 1,

    /// <summary>The checked archive is being extracted into a temporary folder of the cache.</summary>
    Extracting = 2,

    /// <summary>The extracted folder is in place in the cache and ready to load.</summary>
    Completed = 3,
}
