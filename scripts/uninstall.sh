#!/usr/bin/env bash
# Remove claimbox installed by scripts/install.sh. Keeps the config (/etc/claimbox) and the data
# (/var/lib/claimbox: database, audit log, backups) unless --purge.
#
# The data holds PHI and an audit log that HIPAA expects to be kept for years: before --purge, copy
# a backup somewhere safe (claimbox backup --out DIR) or hand the disk over for destruction.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/uninstall.sh [--dry-run] [--prefix DIR] [--purge [--yes]] [--no-systemd]

  --dry-run     print every action, change nothing
  --prefix DIR  uninstall from DIR (as given to install.sh --prefix); implies --no-systemd
  --purge       also delete /etc/claimbox, /var/lib/claimbox (database, audit log, backups: PHI)
                and the claimbox system user. Asks to type "purge" unless --yes.
  --no-systemd  do not run systemctl
EOF
}

DRY_RUN=0
PREFIX=""
PURGE=0
YES=0
NO_SYSTEMD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
    --prefix=*) PREFIX="${1#*=}" ;;
    --purge) PURGE=1 ;;
    --yes) YES=1 ;;
    --no-systemd) NO_SYSTEMD=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
  shift
done
if [ -n "$PREFIX" ]; then
  case "$PREFIX" in /*) ;; *) PREFIX="$PWD/$PREFIX" ;; esac
  PREFIX="${PREFIX%/}"
  NO_SYSTEMD=1
fi
[ -d /run/systemd/system ] || NO_SYSTEMD=1
APP="$PREFIX/opt/claimbox"
DATA="$PREFIX/var/lib/claimbox"
ETC="$PREFIX/etc/claimbox"
BIN="$PREFIX/usr/local/bin/claimbox"
UNITDIR="$PREFIX/etc/systemd/system"

say() { printf '==> %s\n' "$*"; }
run() {
  if [ "$DRY_RUN" = 1 ]; then printf '    + %s\n' "$*"; else "$@"; fi
}

if [ -z "$PREFIX" ] && [ "$(id -u)" != 0 ] && [ "$DRY_RUN" = 0 ]; then
  echo "uninstall.sh: run as root" >&2
  exit 1
fi

if [ "$PURGE" = 1 ] && [ "$YES" = 0 ] && [ "$DRY_RUN" = 0 ]; then
  cat >&2 <<EOF
--purge deletes $DATA (the database with PHI, the audit log, the backups) and $ETC.
The audit log is expected to be kept for years. Make a backup first: claimbox backup --out DIR
EOF
  if [ -t 0 ]; then
    read -r -p 'Type "purge" to continue: ' answer
    [ "$answer" = purge ] || { echo "not purged" >&2; exit 1; }
  else
    echo "uninstall.sh: refusing to purge without a terminal; add --yes" >&2
    exit 1
  fi
fi

[ "$DRY_RUN" = 1 ] && say "dry run: nothing will be changed"
if [ "$NO_SYSTEMD" = 0 ]; then
  say "stopping and disabling the units"
  run systemctl disable --now claimbox-backup.timer claimbox.service || true
  run systemctl stop claimbox-backup.service || true
fi
say "removing units, the claimbox command and $APP"
for u in claimbox.service claimbox-backup.service claimbox-backup.timer; do
  run rm -f "$UNITDIR/$u"
done
[ "$NO_SYSTEMD" = 1 ] || run systemctl daemon-reload
run rm -f "$BIN"
run rm -rf "$APP" "$APP.new" "$APP.old"

if [ "$PURGE" = 1 ]; then
  say "purging $ETC and $DATA"
  run rm -rf "$ETC" "$DATA"
  if [ -z "$PREFIX" ] && getent passwd claimbox >/dev/null; then
    say "removing the claimbox system user"
    run userdel claimbox
  fi
else
  say "kept $ETC (config) and $DATA (data, audit log, backups); --purge removes them"
fi
