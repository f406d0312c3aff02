# Sourced by ../neckline.sh and ../test.sh: makes .venv and installs neckline into it.
# Idempotent: reinstalls only when pyproject.toml changed since the last successful install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras="${1:-}"

# OpenCV's Qt-built wheel links libGL and glib; PyQt6 needs EGL, fontconfig and xkbcommon, its
# X11 platform plugin the xcb utility libraries, and QtMultimedia (the alert chime) PulseAudio.
# The library cache is read once into a variable: piping `ldconfig -p` into `grep -q` under
# pipefail fails at random (grep exits at the first match and ldconfig dies of SIGPIPE).
known_libs="$(ldconfig -p 2>/dev/null || true)"
need_apt=()
need_gnome=()
for lib in libGL.so.1:libgl1 libglib-2.0.so.0:libglib2.0-0 libEGL.so.1:libegl1 \
           libfontconfig.so.1:libfontconfig1 libxkbcommon.so.0:libxkbcommon0 \
           libdbus-1.so.3:libdbus-1-3 libpulse.so.0:libpulse0 libX11-xcb.so.1:libx11-xcb1 \
           libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 \
           libxcb-image.so.0:libxcb-image0 libxcb-keysyms.so.1:libxcb-keysyms1 \
           libxcb-randr.so.0:libxcb-randr0 libxcb-render-util.so.0:libxcb-render-util0 \
           libxcb-shape.so.0:libxcb-shape0 libxcb-xkb.so.1:libxcb-xkb1 \
           libxkbcommon-x11.so.0:libxkbcommon-x11-0; do
  [[ "$known_libs" == *"${lib%%:*} "* ]] || need_apt+=("${lib##*:}")
done
# The tests run the app on a real desktop: an X server, a window manager, a tray, a session bus
# and a notification daemon (tests/desktop.py); strace proves that nothing goes on the network.
if [ "$extras" = test ]; then
  for tool in Xvfb:xvfb openbox:openbox trayer:trayer dunst:dunst xdotool:xdotool \
              dbus-run-session:dbus-daemon dbus-monitor:dbus-bin strace:strace pgrep:procps \
              desktop-file-validate:desktop-file-utils; do
    command -v "${tool%%:*}" >/dev/null || need_apt+=("${tool##*:}")
  done
  # Qt's GTK platform theme, through which the tests follow a desktop's dark scheme.
  [[ "$known_libs" == *"libgtk-3.so.0 "* ]] || need_apt+=(libgtk-3-0)
  command -v gdbus >/dev/null || need_apt+=(libglib2.0-bin)
  # A whole GNOME Shell on Wayland, headless (tests/gnome.py): what most users run. Without
  # its recommendations (about 180 packages rather than 500).
  for tool in gnome-shell:gnome-shell gjs:gjs Xwayland:xwayland \
              /usr/libexec/xdg-desktop-portal:xdg-desktop-portal \
              /usr/libexec/xdg-desktop-portal-gnome:xdg-desktop-portal-gnome \
              /usr/libexec/xdg-desktop-portal-gtk:xdg-desktop-portal-gtk; do
    command -v "${tool%%:*}" >/dev/null || need_gnome+=("${tool##*:}")
  done
  /usr/bin/python3 -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null \
    || need_gnome+=(python3-gi gir1.2-atspi-2.0)
fi

# Runs apt-get as root (directly, or through sudo), waiting for another program's apt lock and
# retrying a failed download a few times before giving up with one clear sentence.
apt_run() {
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "neckline: please install these system packages as root: ${need_apt[*]}" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  local try
  for try in 1 2 3 4 5; do
    if "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=120 -o Acquire::Retries=3 "$@"; then
      return 0
    fi
    echo "neckline: 'apt-get $1' failed (try $try of 5); retrying in $((try * 5)) s" >&2
    sleep $((try * 5))
  done
  echo "neckline: could not run 'apt-get $1' (is another package manager holding its lock, or" \
       "is the package archive unreachable?); the system packages ${need_apt[*]} are missing." >&2
  exit 1
}
if ((${#need_apt[@]} + ${#need_gnome[@]})); then
  echo "neckline: installing system packages: ${need_apt[*]} ${need_gnome[*]}" >&2
  apt_run update -qq
  if ((${#need_apt[@]})); then
    apt_run install -y -qq "${need_apt[@]}" >/dev/null
  fi
  if ((${#need_gnome[@]})); then
    need_apt=("${need_gnome[@]}")  # (what apt_run's messages name)
    apt_run install -y -qq --no-install-recommends "${need_gnome[@]}" >/dev/null
  fi
fi

py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "neckline needs Python 3.11 or newer; set PYTHON=/path/to/python3.11." >&2
  exit 1
fi
[ -x "$here/.venv/bin/python" ] || "$py" -m venv "$here/.venv"
stamp="$here/.venv/.neckline-installed${extras:+-$extras}"
want="$(sha256sum "$here/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "neckline: installing Python packages into .venv (first run takes a minute)" >&2
  "$here/.venv/bin/python" -m pip install -q --upgrade pip
  "$here/.venv/bin/python" -m pip install -q -e "$here${extras:+[$extras]}"
  echo "$want" > "$stamp"
fi
