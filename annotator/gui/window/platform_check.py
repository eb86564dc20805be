"""Why the window cannot open on this machine, found before Qt aborts with a cryptic message.

Imports no Qt: it runs before Qt is loaded, from the CLI.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# System libraries Qt's X11 plugin needs that desktop installs often lack, with the packages
# that provide them (Debian/Ubuntu, Fedora).
_PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
}
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)


def display_problem() -> str | None:
    """A message saying what is missing for a window, or None when a window should open."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not sys.platform.startswith("linux"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return (
            "Annotator's window needs a graphical display, and none was found "
            "(DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "Run it from a desktop session, or over ssh with X forwarding (ssh -X). "
            "The command-line tools work without a display: annotator import, annotator list."
        )
    if not platform and os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return None  # Qt uses its Wayland plugin, which needs none of the X11 libraries
    missing = missing_xcb_libraries()
    if not missing:
        return None
    debian = sorted({_PACKAGES.get(lib, (lib, lib))[0] for lib in missing})
    fedora = sorted({_PACKAGES.get(lib, (lib, lib))[1] for lib in missing})
    return (
        "Qt needs system libraries that are not installed: "
        + ", ".join(missing)
        + ".\nInstall them once, then run Annotator again:\n"
        + f"  Debian/Ubuntu: sudo apt install {' '.join(debian)}\n"
        + f"  Fedora:        sudo dnf install {' '.join(fedora)}"
    )


def missing_xcb_libraries() -> list[str]:
    """Shared libraries of Qt's xcb plugin that the dynamic loader cannot find."""
    try:
        import PySide6
    except ImportError:
        return []
    qt = Path(PySide6.__file__).parent / "Qt"
    candidates = [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"]
    missing: set[str] = set()
    ldd = shutil.which("ldd")
    for library in candidates:
        if ldd and library.exists():
            try:
                output = subprocess.run(
                    [ldd, str(library)], capture_output=True, text=True, timeout=10
                ).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            missing.update(_NOT_FOUND.findall(output))
    # Loaded at run time rather than linked, so ldd does not list it.
    if ctypes.util.find_library("xcb-cursor") is None:
        missing.add("libxcb-cursor.so.0")
    return sorted(missing)
