#!/usr/bin/env bash
# Install or upgrade claimbox on Debian/Ubuntu (bare metal or a Hyper-V VM). Run as root from an
# unpacked claimbox tree:   sudo ./scripts/install.sh
#
# Idempotent: running it again upgrades the app in /opt/claimbox and keeps the config in
# /etc/claimbox and the data in /var/lib/claimbox. Needs no internet except the npm registry
# (for `npm ci`), plus the Debian mirror if nodejs or build tools are missing.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/install.sh [--dry-run] [--prefix DIR] [--no-user] [--no-systemd] [--no-start] [--skip-npm]

  --dry-run     print every action, change nothing
  --prefix DIR  install under DIR instead of / (tests, staging). Paths written into the config and
                units point inside DIR too, so the tree is self-consistent. Implies --no-user and
                --no-systemd.
  --no-user     do not create the claimbox system user or chown files to it
  --no-systemd  do not run systemctl (unit files are still installed)
  --no-start    enable the units but do not start or restart the service
  --skip-npm    do not run npm ci (the app is copied without node_modules)

Installs:
  /opt/claimbox                      the app (this tree without data/, npm ci --omit=dev)
  /usr/local/bin/claimbox            -> /opt/claimbox/scripts/claimbox
  /etc/claimbox/claimbox.toml        config from ops/claimbox.example.toml (never overwritten)
  /etc/claimbox/secrets.toml         secrets, mode 0600 (never overwritten)
  /etc/claimbox/tls/                 a self-signed certificate for the admin page (first install)
  /var/lib/claimbox                  data, mode 0750, owned by the claimbox user
  /etc/systemd/system/claimbox.service, claimbox-backup.service, claimbox-backup.timer
EOF
}

DRY_RUN=0
PREFIX=""
NO_USER=0
NO_SYSTEMD=0
NO_START=0
SKIP_NPM=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
    --prefix=*) PREFIX="${1#*=}" ;;
    --no-user) NO_USER=1 ;;
    --no-systemd) NO_SYSTEMD=1 ;;
    --no-start) NO_START=1 ;;
    --skip-npm) SKIP_NPM=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
  shift
done

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "$PREFIX" ]; then
  [ "$DRY_RUN" = 1 ] || mkdir -p "$PREFIX"
  case "$PREFIX" in /*) ;; *) PREFIX="$PWD/$PREFIX" ;; esac
  PREFIX="${PREFIX%/}"
  NO_USER=1
  NO_SYSTEMD=1
fi
APP="$PREFIX/opt/claimbox"
DATA="$PREFIX/var/lib/claimbox"
ETC="$PREFIX/etc/claimbox"
BIN="$PREFIX/usr/local/bin/claimbox"
UNITDIR="$PREFIX/etc/systemd/system"
SVC_USER=claimbox
NODE_MIN=20
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

say() { printf '==> %s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
# Run a command, or in --dry-run only show it.
run() {
  if [ "$DRY_RUN" = 1 ]; then printf '    + %s\n' "$*"; else "$@"; fi
}

if [ -z "$PREFIX" ] && [ "$IS_ROOT" = 0 ] && [ "$DRY_RUN" = 0 ]; then
  die "run as root: sudo $0 $*   (or --prefix DIR to install somewhere else)"
fi
# Without root we cannot create users or chown; without a booted systemd (containers) no systemctl.
[ "$IS_ROOT" = 0 ] && NO_USER=1
[ -d /run/systemd/system ] || NO_SYSTEMD=1
[ -f "$SRC/package.json" ] && [ -f "$SRC/appliance/cli.ts" ] || die "$SRC does not look like a claimbox tree"

# -------------------------------------------------------------------------------------- preflight
if [ -r /etc/os-release ]; then
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "* | *" ubuntu "*) ;;
    *) warn "${PRETTY_NAME:-this OS} is not Debian or Ubuntu; continuing, but only those are supported" ;;
  esac
fi

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node.js >= 20: use what is there; else Debian's nodejs if the archive's is new enough (Debian 13,
# Ubuntu 24.10+); else say exactly what to do. We never add third-party apt sources ourselves.
ensure_node() {
  if command -v node >/dev/null 2>&1 && [ "$(node_major)" -ge "$NODE_MIN" ]; then
    say "Node.js $(node --version) found"
  else
    local have="none"
    command -v node >/dev/null 2>&1 && have="$(node --version)"
    local candidate
    candidate="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}' | sed -E 's/^[0-9]+://; s/[.~+-].*//')"
    if [[ "$candidate" =~ ^[0-9]+$ ]] && [ "$candidate" -ge "$NODE_MIN" ]; then
      say "installing Node.js $candidate from the Debian archive (found: $have)"
      run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
    else
      cat >&2 <<EOF
install.sh: claimbox needs Node.js $NODE_MIN or newer; found: $have, and this release's archive offers: ${candidate:-none}.
Do one of these, then run this script again:
  - Debian 13 (trixie) or Ubuntu 24.10+: apt-get install nodejs npm
  - Debian 12 / Ubuntu 22.04/24.04: install Node.js 20 LTS from NodeSource:
      apt-get install -y ca-certificates curl gnupg
      curl -fsSL https://deb.nodesource.com/setup_20.x -o /tmp/nodesource_setup.sh
      bash /tmp/nodesource_setup.sh && apt-get install -y nodejs
EOF
      [ "$DRY_RUN" = 1 ] && return 0
      exit 1
    fi
  fi
  if [ "$SKIP_NPM" = 0 ] && ! command -v npm >/dev/null 2>&1; then
    say "installing npm from the Debian archive"
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm
  fi
}

# better-sqlite3 is a native module. Its prebuilt binary would come from GitHub, which we do not
# reach: build it from source with the local Node headers, so only the npm registry is needed.
ensure_build_tools() {
  local need=()
  command -v make >/dev/null 2>&1 || need+=(make)
  command -v g++ >/dev/null 2>&1 || need+=(g++)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  if [ ! -f /usr/include/node/node_api.h ] && [ ! -f "$(dirname "$(dirname "$(command -v node || echo /x/x)")")/include/node/node_api.h" ]; then
    need+=(libnode-dev)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    say "installing build tools for the native SQLite module: ${need[*]}"
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
}

# ------------------------------------------------------------------------------------------ steps
ensure_user() {
  if [ "$NO_USER" = 1 ]; then
    say "skipping the $SVC_USER system user (--no-user, --prefix, or not root)"
  elif getent passwd "$SVC_USER" >/dev/null; then
    say "system user $SVC_USER exists"
  else
    say "creating system user $SVC_USER"
    run useradd --system --user-group --home-dir /var/lib/claimbox --no-create-home \
      --shell /usr/sbin/nologin --comment "claimbox appliance" "$SVC_USER"
  fi
}

own() { # own OWNER:GROUP PATH...
  [ "$NO_USER" = 1 ] && return 0
  run chown "$@"
}

install_app() {
  local stage="$APP.new"
  say "copying the app to $APP"
  run rm -rf "$stage"
  run mkdir -p "$stage"
  # The repo minus data, dependencies, build output (npm ci rebuilds dist/), VCS and scratch:
  # nothing with PHI leaves the source tree.
  if [ "$DRY_RUN" = 1 ]; then
    printf '    + tar -C %s --exclude=./data ... -c . | tar -C %s -x\n' "$SRC" "$stage"
  else
    tar -C "$SRC" --exclude=./data --exclude=./dist --exclude=./node_modules --exclude=./.git --exclude=./.tmp \
      --exclude=./coverage --exclude=./demo-out --exclude='*.log' --exclude=./claimbox.toml \
      --no-same-owner -cf - . | tar -C "$stage" --no-same-owner -xf -
  fi
  if [ "$SKIP_NPM" = 1 ]; then
    say "skipping npm ci (--skip-npm)"
  else
    say "installing runtime dependencies (npm ci --omit=dev)"
    local nodedir=/usr
    [ -f /usr/include/node/node_api.h ] || nodedir="$(dirname "$(dirname "$(command -v node)")")"
    local npm_env=(env -C "$stage" npm_config_build_from_source=true npm_config_nodedir="$nodedir")
    local npm_flags=(--omit=dev --no-audit --no-fund --loglevel=error)
    if [ "$DRY_RUN" = 1 ]; then
      run "${npm_env[@]}" npm ci "${npm_flags[@]}"
    else
      local log
      log="$(mktemp)"
      if ! "${npm_env[@]}" npm ci "${npm_flags[@]}" >"$log" 2>&1; then
        if grep -q 'EUSAGE' "$log" && grep -q 'in sync' "$log"; then
          # npm ci refuses a lock file that lacks other platforms' optional packages (a known npm
          # quirk); npm install still takes every version the lock pins, so fall back, loudly.
          warn "npm ci refused package-lock.json ($(grep -m1 'Missing:' "$log" | sed 's/npm error //')...);" \
            "using npm install --omit=dev, which keeps every locked version"
          "${npm_env[@]}" npm install --no-save "${npm_flags[@]}" || die "npm install failed"
        else
          cat "$log" >&2
          rm -f "$log"
          die "npm ci failed (above). Needs the npm registry and, for SQLite, make/g++/python3."
        fi
      fi
      rm -f "$log"
    fi
  fi
  local version
  version="$(node -p "require('$SRC/package.json').version" 2>/dev/null || echo unknown)"
  local rev=""
  rev="$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || true)"
  if [ "$DRY_RUN" = 1 ]; then
    printf '    + write %s/VERSION (%s%s)\n' "$stage" "$version" "${rev:+ $rev}"
  else
    printf '%s%s\n' "$version" "${rev:+ ($rev)}" >"$stage/VERSION"
    # Code is root's and read-only to the service: a compromised service cannot rewrite itself.
    chmod -R u=rwX,go=rX "$stage"
  fi
  [ "$NO_USER" = 1 ] || run chown -R root:root "$stage"
  # Swap in one rename so the service never sees half an app; the old one goes after.
  if [ -d "$APP" ]; then
    run rm -rf "$APP.old"
    run mv "$APP" "$APP.old"
  fi
  run mkdir -p "$(dirname "$APP")"
  run mv "$stage" "$APP"
  run rm -rf "$APP.old"
  run mkdir -p "$(dirname "$BIN")"
  run ln -sfn "$APP/scripts/claimbox" "$BIN"
}

install_data_dir() {
  say "data dir $DATA (0750)"
  run mkdir -p "$DATA/backups"
  run chmod 0750 "$DATA"
  run chmod 0700 "$DATA/backups"
  own -R "$SVC_USER:$SVC_USER" "$DATA"
}

# set_key TABLE KEY VALUE FILE: in [TABLE] (or the top level for TABLE ""), replace the line
# "# KEY = ..." or "KEY = ..." with "KEY = VALUE". The example lists every key, so one always matches.
set_key() {
  local table="$1" key="$2" value="$3" file="$4" tmp
  tmp="$(mktemp)"
  awk -v table="$table" -v key="$key" -v value="$value" '
    BEGIN { cur = ""; done = 0 }
    /^\[\[?[a-z0-9_.]+\]\]?[ \t]*$/ { cur = $0; gsub(/[\[\] \t]/, "", cur) }
    {
      if (!done && cur == table && $0 ~ ("^(# ?)?" key " = ")) { print key " = " value; done = 1; next }
      print
    }
    END { if (!done) exit 3 }
  ' "$file" >"$tmp" || { rm -f "$tmp"; die "set_key: no $key in [$table] of $file"; }
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

make_tls() {
  local dir="$ETC/tls"
  if [ -f "$dir/claimbox.crt" ] && [ -f "$dir/claimbox.key" ]; then return 0; fi
  command -v openssl >/dev/null 2>&1 || return 1
  local host ips san
  host="$(hostname -f 2>/dev/null || hostname)"
  ips="$(hostname -I 2>/dev/null || true)"
  san="DNS:$host,DNS:localhost,IP:127.0.0.1"
  for ip in $ips; do [[ "$ip" == *:* ]] || san="$san,IP:$ip"; done
  say "self-signed TLS certificate for $host ($san)"
  run mkdir -p "$dir"
  local err
  if [ "$DRY_RUN" = 1 ]; then
    printf '    + openssl req -x509 -newkey ec (P-256) -days 3650 -subj /CN=%s -keyout %s -out %s\n' \
      "$host" "$dir/claimbox.key" "$dir/claimbox.crt"
  elif ! err="$(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 3650 -subj "/CN=$host/O=claimbox appliance" -addext "subjectAltName=$san" \
    -keyout "$dir/claimbox.key" -out "$dir/claimbox.crt" 2>&1)"; then
    warn "openssl failed: $err"
    return 1
  fi
  run chmod 0600 "$dir/claimbox.key"
  run chmod 0644 "$dir/claimbox.crt"
  own "$SVC_USER:$SVC_USER" "$dir/claimbox.key"
  return 0
}

TLS=0
install_config() {
  run mkdir -p "$ETC"
  run chmod 0750 "$ETC"
  own "root:$SVC_USER" "$ETC"
  if [ -f "$ETC/claimbox.toml" ]; then
    say "keeping existing config $ETC/claimbox.toml"
    if grep -q '^[[:space:]]*tls_cert' "$ETC/claimbox.toml"; then TLS=1; fi
  else
    say "new config $ETC/claimbox.toml from ops/claimbox.example.toml"
    if make_tls; then TLS=1; else warn "openssl not found: the admin page stays on http://127.0.0.1:8080"; fi
    if [ "$DRY_RUN" = 1 ]; then
      printf '    + write %s (0640) with the installed paths\n' "$ETC/claimbox.toml"
    else
      local f="$ETC/claimbox.toml.new"
      {
        printf '# Written by scripts/install.sh on %s from ops/claimbox.example.toml.\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf '# Upgrades never overwrite this file. After a change: systemctl restart claimbox\n#\n'
        cat "$SRC/ops/claimbox.example.toml"
      } >"$f"
      set_key "" secrets_file '"secrets.toml"' "$f"
      set_key data dir "\"$DATA\"" "$f"
      set_key data backup_dir "\"$DATA/backups\"" "$f"
      set_key audit key_file "\"$DATA/audit-key.pem\"" "$f"
      set_key audit sink_file "\"$DATA/audit-checkpoints.jsonl\"" "$f"
      set_key intake.file inbox "\"$DATA/inbox\"" "$f"
      set_key intake.file archive "\"$DATA/archive\"" "$f"
      set_key intake.file quarantine "\"$DATA/quarantine\"" "$f"
      # The EHR and the staff reach the box over the practice LAN; the firewall decides who may.
      set_key intake.mllp host '"0.0.0.0"' "$f"
      if [ "$TLS" = 1 ]; then
        set_key server host '"0.0.0.0"' "$f"
        set_key server port 8443 "$f"
        set_key server tls_cert "\"$ETC/tls/claimbox.crt\"" "$f"
        set_key server tls_key "\"$ETC/tls/claimbox.key\"" "$f"
      fi
      chmod 0640 "$f"
      mv "$f" "$ETC/claimbox.toml"
    fi
    own "root:$SVC_USER" "$ETC/claimbox.toml"
  fi
  if [ -f "$ETC/secrets.toml" ]; then
    say "keeping existing secrets $ETC/secrets.toml"
  elif [ "$DRY_RUN" = 1 ]; then
    printf '    + write %s (0600)\n' "$ETC/secrets.toml"
  else
    say "new secrets file $ETC/secrets.toml (0600)"
    (
      umask 077
      cat >"$ETC/secrets.toml" <<'EOF'
# claimbox secrets, merged over claimbox.toml. Mode 0600, owned by the claimbox user.
# Same tables and keys as claimbox.toml, for example:
#
# [clearinghouse]
# account_key = "..."
#
# [intake.api]
# tokens = ["a-long-random-token-for-the-ehr-webhook"]
#
# [alerts.smtp]
# password = "..."
EOF
    )
  fi
  [ "$DRY_RUN" = 1 ] || chmod 0600 "$ETC/secrets.toml"
  own "$SVC_USER:$SVC_USER" "$ETC/secrets.toml"
}

install_units() {
  say "systemd units in $UNITDIR"
  run mkdir -p "$UNITDIR"
  local u
  for u in claimbox.service claimbox-backup.service claimbox-backup.timer; do
    if [ "$DRY_RUN" = 1 ]; then
      printf '    + install -m 0644 systemd/%s %s/\n' "$u" "$UNITDIR"
    else
      # With --prefix the paths inside the units point into the prefix as well.
      sed -e "s#/usr/local/bin/claimbox#$BIN#g" -e "s#/var/lib/claimbox#$DATA#g" \
        -e "s#/etc/claimbox#$ETC#g" -e "s#/opt/claimbox#$APP#g" "$SRC/systemd/$u" >"$UNITDIR/$u.new"
      chmod 0644 "$UNITDIR/$u.new"
      mv "$UNITDIR/$u.new" "$UNITDIR/$u"
    fi
  done
  if [ "$NO_SYSTEMD" = 1 ]; then
    say "skipping systemctl (--no-systemd, --prefix, or systemd is not running)"
    return 0
  fi
  run systemctl daemon-reload
  run systemctl enable claimbox.service claimbox-backup.timer
  if [ "$NO_START" = 1 ]; then
    say "not starting (--no-start)"
  elif systemctl is-active --quiet claimbox.service; then
    say "restarting claimbox (upgrade; migrations run at start)"
    run systemctl restart claimbox.service
  else
    say "starting claimbox"
    run systemctl start claimbox.service
  fi
  run systemctl start claimbox-backup.timer
}

check_config() {
  [ "$DRY_RUN" = 1 ] && return 0
  [ -f "$APP/node_modules/tsx/dist/esm/index.mjs" ] || return 0
  if (cd / && node --import "$APP/node_modules/tsx/dist/esm/index.mjs" --input-type=module \
    -e "const m = await import('$APP/appliance/config.ts'); m.loadConfig('$ETC/claimbox.toml', {});") 2>/tmp/claimbox-config-check.$$; then
    say "config $ETC/claimbox.toml is valid"
  else
    warn "config $ETC/claimbox.toml has problems; the service will not start until they are fixed:"
    grep -v '^\s*at ' /tmp/claimbox-config-check.$$ >&2 || true
  fi
  rm -f /tmp/claimbox-config-check.$$
}

next_steps() {
  local ip url
  ip="$(hostname -I 2>/dev/null | awk '{print $1}')"
  [ -n "$ip" ] || ip=127.0.0.1
  if [ "$TLS" = 1 ]; then url="https://$ip:8443/"; else url="http://127.0.0.1:8080/"; fi
  cat <<EOF

claimbox $( [ "$DRY_RUN" = 1 ] && echo "would be installed" || echo "is installed" ) in $APP.
  Admin page:  $url  (self-signed certificate: the browser asks once)
  Config:      $ETC/claimbox.toml   secrets: $ETC/secrets.toml
  Data:        $DATA   backups nightly to $DATA/backups

Next steps:
  1. Create the first admin:   claimbox user add NAME --role admin
     (or open the admin page with the setup token: journalctl -u claimbox | grep 'setup token')
  2. Set the practice, clearinghouse and EHR details in $ETC/claimbox.toml,
     secrets in $ETC/secrets.toml, then: systemctl restart claimbox
  3. Check it:                 claimbox check    (for the RMM: exit 0 OK, 1 warning, 2 critical)
     Logs:                     journalctl -u claimbox -f
  4. The EHR sends HL7 to MLLP port 2575; allow 2575 and 8443 from the LAN in the firewall.
EOF
}

[ "$DRY_RUN" = 1 ] && say "dry run: nothing will be changed"
ensure_node
[ "$SKIP_NPM" = 1 ] || ensure_build_tools
ensure_user
install_app
install_data_dir
install_config
install_units
check_config
next_steps
