#!/usr/bin/env bash
# Packs the library and its ML.NET integration into a local NuGet folder feed and prints how a project references it.
# Usage: scripts/pack-local-feed.sh [FEED_DIR]   (default: artifacts/local-feed in the repository)
# Needs the .NET 10 SDK. Until the package is published on nuget.org this is how another project
# uses it as a package rather than a project reference.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
feed="$(mkdir -p "${1:-$root/artifacts/local-feed}" && cd "${1:-$root/artifacts/local-feed}" && pwd)"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)

for project in CollaborativeFiltering CollaborativeFiltering.MLNet; do
  # Built again from scratch with ContinuousIntegrationBuild: paths in the assemblies and PDBs normalised
  # (/_/src/...), as a CI pack makes them, so that the packages do not depend on where this checkout lives
  # (an incremental build would keep assemblies compiled without the path map).
  dotnet build "$root/src/$project/$project.csproj" -c Release --nologo -v quiet --no-incremental -p:ContinuousIntegrationBuild=true
  dotnet pack "$root/src/$project/$project.csproj" -c Release -o "$feed" --nologo --no-build -p:ContinuousIntegrationBuild=true
done

cat <<TEXT

Packed CollaborativeFiltering and CollaborativeFiltering.MLNet $version into $feed

In the consuming project's folder, either register the feed once for your user:
    dotnet nuget add source "$feed" --name collaborativefiltering-local
    dotnet add package CollaborativeFiltering --version $version

or keep it to that project with a nuget.config beside it:
    <configuration>
      <packageSources>
        <add key="collaborativefiltering-local" value="$feed" />
      </packageSources>
    </configuration>
and then: dotnet add package CollaborativeFiltering --version $version

(For the ML.NET integration, also: dotnet add package CollaborativeFiltering.MLNet --version $version)

(NuGet caches a version once restored: after re-packing the same version, run
 'dotnet nuget locals global-packages --clear' or raise <Version> in Directory.Build.props.)
TEXT
