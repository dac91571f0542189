#!/usr/bin/env bash
# public-api.sh - rewrites each package's src/*/PublicAPI.Unshipped.txt from its code (PublicApiAnalyzers' own
# code fix, run by `dotnet format`), sorted so that reruns give the same file. Run it after a deliberate public
# API change (or after merging one) and review the diff; PublicAPI.Shipped.txt changes only at a release.
#
#   scripts/public-api.sh [PROJECT_DIR...]   default: every src project that has a PublicAPI.Shipped.txt
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  set -- $(dirname src/*/PublicAPI.Shipped.txt)
fi

for dir in "$@"; do
  unshipped="$dir/PublicAPI.Unshipped.txt"
  # Start empty: what is listed afterwards is exactly what the code declares (removals included).
  printf '#nullable enable\n' > "$unshipped"
  echo "public-api: $dir" >&2
  dotnet format analyzers "$dir" --diagnostics RS0016 --severity warn --verbosity quiet
  { printf '#nullable enable\n'; grep -v '^#nullable enable$' "$unshipped" | LC_ALL=C sort -u; } > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
done
