#!/usr/bin/env bash
# Runs Leadex locally with demo data: embedded PostgreSQL, local Redis, Stripe emulator.
# See scripts/stack/run-demo.ts for the environment variables it honours.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/stack/prepare.sh

leadex_require_node
leadex_install_deps
leadex_build
exec node --import tsx scripts/stack/run-demo.ts
