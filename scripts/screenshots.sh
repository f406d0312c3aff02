#!/usr/bin/env bash
# Takes the README screenshots on a virtual X display: Xvfb, openbox (window decorations),
# trayer (a system tray) and, on a session bus of its own, dunst (desktop notifications).
# Needs the app set up (./neckline.sh once) and, on Debian/Ubuntu:
#   apt-get install xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 openbox trayer dunst \
#     dbus-daemon imagemagick
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
display=":${NECKLINE_DISPLAY:-87}"
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null' EXIT
sleep 1
export DISPLAY="$display"
openbox >/dev/null 2>&1 &
trayer --edge top --align right --widthtype pixel --width 96 --height 24 >/dev/null 2>&1 &
sleep 1
unset QT_QPA_PLATFORM
dbus-run-session -- bash -c 'dunst >/dev/null 2>&1 & sleep 1; "$0" "$1"' \
  "$here/.venv/bin/python" "$here/scripts/screenshots.py"
