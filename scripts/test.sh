#!/usr/bin/env bash
# The test command (CI runs exactly this through .ci/run). Extra arguments go to vitest.
# Last line of output: "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/stack/prepare.sh

leadex_require_node
leadex_install_deps
leadex_ensure_chromium
leadex_build

report_dir="$(mktemp -d "${TMPDIR:-/tmp}/leadex-vitest.XXXXXX")"
trap 'rm -rf "$report_dir"' EXIT
report="$report_dir/report.json"

echo "==> lint"
set +e
npm run --silent lint </dev/null
lint_code=$?
set -e

echo "==> vitest"
set +e
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" </dev/null
code=$?
set -e

summary_code=0
node --import tsx scripts/stack/test-summary.ts "$report" "$code" "$lint_code" || summary_code=$?
if [ "$code" -eq 0 ] && [ "$summary_code" -ne 0 ]; then code=$summary_code; fi
exit "$code"
