#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Refreshes translations/*.ts from the GUI's sources (the same lupdate call as the
# update_translations build target). With --check it changes nothing: it runs lupdate on
# copies and fails when the copies differ from the files (sources changed, .ts not updated)
# or when a translation is unfinished.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
LUPDATE="${LUPDATE:-/usr/lib/qt6/bin/lupdate}"
sources="$(ls "$root"/ui/*.cpp "$root"/ui/*.h) $root/app/fastmap.cpp"
# fastmap_en.ts holds only the plural forms ("%n element(s)" -> "1 element", "2 elements"):
# English needs no other translation.
options() {
  case "$1" in
    */fastmap_en.ts) echo "-silent -locations none -no-obsolete -pluralonly" ;;
    *) echo "-silent -locations none -no-obsolete" ;;
  esac
}
if [ "${1:-}" != "--check" ]; then
  for ts in "$root"/translations/fastmap_*.ts; do
    # shellcheck disable=SC2086
    "$LUPDATE" $(options "$ts") $sources -ts "$ts"
  done
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for ts in "$root"/translations/fastmap_*.ts; do
  copy="$tmp/$(basename "$ts")"
  cp "$ts" "$copy"
  # shellcheck disable=SC2086
  "$LUPDATE" $(options "$ts") $sources -ts "$copy"
  if ! diff -u "$ts" "$copy"; then
    echo "$(basename "$ts") is not current with the sources: run translations/update.sh" >&2
    status=1
  fi
  if grep -q 'type="unfinished"' "$ts"; then
    echo "$(basename "$ts") has unfinished translations:" >&2
    grep -B3 'type="unfinished"' "$ts" | grep '<source>' >&2 || true
    status=1
  fi
  if ! grep -q '<translation' "$ts"; then
    echo "$(basename "$ts") holds no translations" >&2
    status=1
  fi
done
exit $status
