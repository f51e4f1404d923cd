#!/usr/bin/env bash
# Makes docs/images/results-page.png from a real run: the results-page browser test (ResultsPageBrowserTests: 12 sample
# photos and a corrupt file labeled and captioned by a real silo on Azurite, the page opened in Debian's chromium
# through its signed link) keeps its screenshots, and the first load's full page is copied into docs/images.
#   tools/results-page-screenshot.sh        (needs the .NET SDK, Node.js, /usr/bin/chromium or CHROMIUM_PATH, the mirrors)
set -euo pipefail
cd "$(dirname "$0")/.."
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "results-page-screenshot: $chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)" >&2; exit 3; }
tools/ensure-node-tools.sh node_modules/puppeteer-core/package.json
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
FLEET_RESULTS_SCREENSHOTS="$shots" nice -n 10 dotnet test tests/Fleet.Api.Tests --filter "FullyQualifiedName~ResultsPageBrowserTests"
[ -f "$shots/gallery.png" ] || { echo "results-page-screenshot: the test ran but left no gallery.png (skipped?)" >&2; exit 1; }
mkdir -p docs/images
cp "$shots/gallery.png" docs/images/results-page.png
echo "docs/images/results-page.png: $(stat -c %s docs/images/results-page.png) bytes from this run"
