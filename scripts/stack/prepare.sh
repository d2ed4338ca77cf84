# Shared steps of scripts/run.sh and scripts/test.sh. Source it from the repository root.
# shellcheck shell=bash

export CHECKPOINT_DISABLE=1            # no Prisma telemetry / update checks (offline machines)
export PRISMA_HIDE_UPDATE_MESSAGE=1

leadex_require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "Leadex needs Node.js 20.10 or newer, and \`node\` is not on PATH (https://nodejs.org, or nvm/fnm/volta)." >&2
    exit 1
  fi
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=10)?0:1)'; then
    echo "Leadex needs Node.js 20.10 or newer; this is $(node --version). Install a newer Node (https://nodejs.org, or nvm/fnm/volta)." >&2
    exit 1
  fi
}

# Install from package-lock.json when node_modules is missing or older than the lock file.
# `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages (rollup,
# msgpackr-extract) out of the lock file, and `npm ci` then refuses it as out of sync.
leadex_install_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm install"
    npm install --no-audit --no-fund
  fi
}

# Chromium for the browser tests (playwright-core drives /usr/bin/chromium).
leadex_ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium (apt-get)"
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/leadex-apt.XXXXXX")"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1 </dev/null; then
      echo "WARNING: could not install chromium; browser tests will fail. apt-get output:" >&2
      tail -n 30 "$log" >&2
    fi
    rm -f "$log"
  else
    echo "WARNING: /usr/bin/chromium is missing; browser tests need it (Debian/Ubuntu: sudo apt-get install chromium)." >&2
  fi
}

leadex_build() {
  echo "==> prisma generate"
  # Without DATABASE_URL, Prisma 6.19 cannot read the schema's datasource and falls back to
  # downloading a native engine (fails offline). generate never connects, so a placeholder is fine.
  DATABASE_URL="${DATABASE_URL:-postgresql://localhost:5432/leadex_generate_placeholder}" \
    npx --no-install prisma generate
  echo "==> remix build"
  npx --no-install remix build
}
