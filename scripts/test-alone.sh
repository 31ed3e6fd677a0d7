#!/usr/bin/env bash
# Runs a command (the README's `npm test` in CI: `scripts/test-alone.sh npm test`) from a copy of the
# repository's files in an empty temporary folder, with nothing beside it, so a test that reads a file outside the repository fails here as it would in a fresh clone.
# The copy shares node_modules (already installed from the lockfile) through a symlink.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/trd-cds-alone.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy="$work/trd-cds"
mkdir -p "$copy"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy"
else
  tar -C "$root" --exclude=./node_modules --exclude=./dist --exclude=./.test-results --exclude=./coverage -cf - . | tar -C "$copy" -xf -
fi
ln -s "$root/node_modules" "$copy/node_modules"
[ "$#" -gt 0 ] || set -- npm test
echo "[test-alone] $* in $copy (nothing beside it)"
status=0
(cd "$copy" && "$@") || status=$?
mkdir -p "$root/.test-results"
cp "$copy/.test-results/vitest.json" "$root/.test-results/vitest.json" 2>/dev/null || true
exit "$status"
