#!/usr/bin/env bash
# Runs a command with a private, unlocked Secret Service keychain, so the
# keychain tests exercise the real OS keychain (gnome-keyring over D-Bus)
# without touching the user's own keyring. Without dbus-run-session or
# gnome-keyring-daemon it runs the command as is, and the keychain tests say
# why they are skipped (CI installs both, so there they always run).
set -euo pipefail
if [[ "${KINEXUS_IN_KEYCHAIN_SESSION:-}" == "1" ]] || ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  exec "$@"
fi
export XDG_DATA_HOME="$(mktemp -d)"
export KINEXUS_IN_KEYCHAIN_SESSION=1
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
dbus-run-session -- bash -euo pipefail -c '
  eval "$(printf %s kinexus-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  "$@"' kinexus-keychain "$@"
