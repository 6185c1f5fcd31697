#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest without network access or flatpak-builder.

usage: check-manifest.py MANIFEST APP_ID

Fails (exit 1, one line per problem) unless:
  - the manifest is valid JSON with the expected id, command and GNOME runtime;
  - every downloaded source (recursively through nested modules) is pinned by a
    sha256 (archive/file) or a commit (git), over https, and local sources stay
    inside the checkout;
  - finish-args grant no filesystem access (the file chooser portal gives
    access to what the user opens), no network, no full X11 or device access;
  - the ictoscope module builds with meson and without the test suite.
"""

import json
import os
import re
import sys

SHA256 = re.compile(r"^[0-9a-f]{64}$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
ALLOWED_FINISH_ARGS = {
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}
REMOTE_TYPES = {"archive", "file", "git", "patch", "extra-data"}


def check_source(where, src, manifest_dir, problems):
    kind = src.get("type")
    if kind is None:
        problems.append(f"{where}: source without a type")
        return
    urls = []
    if "url" in src:
        urls.append(src["url"])
    urls.extend(src.get("mirror-urls", []))
    if kind in REMOTE_TYPES and urls:
        for url in urls:
            if not url.startswith("https://"):
                problems.append(f"{where}: {url} is not https")
        if kind == "git":
            if not COMMIT.match(src.get("commit", "")):
                problems.append(f"{where}: git source without a full commit hash")
        else:
            if not SHA256.match(src.get("sha256", "")):
                problems.append(f"{where}: {kind} source without a sha256")
    elif kind in ("dir", "file", "patch") and "path" in src:
        path = os.path.normpath(os.path.join(manifest_dir, src["path"]))
        root = os.path.normpath(os.path.join(manifest_dir, ".."))
        if os.path.commonpath([path, root]) != root:
            problems.append(f"{where}: local path {src['path']} leaves the checkout")
        elif not os.path.exists(path):
            problems.append(f"{where}: local path {src['path']} does not exist")
    elif kind in ("shell", "script", "inline"):
        pass  # no download
    else:
        problems.append(f"{where}: {kind} source neither pinned nor local")


def check_modules(modules, manifest_dir, problems, names):
    for i, module in enumerate(modules):
        if isinstance(module, str):
            problems.append(f"module {module}: external module files are not checked; inline it")
            continue
        name = module.get("name")
        if not name:
            problems.append(f"module #{i}: no name")
            name = f"#{i}"
        names.append(name)
        sources = module.get("sources", [])
        if not sources:
            problems.append(f"module {name}: no sources")
        for j, src in enumerate(sources):
            if isinstance(src, str):
                problems.append(f"module {name}: external source file {src} is not checked; inline it")
                continue
            check_source(f"module {name} source #{j}", src, manifest_dir, problems)
        check_modules(module.get("modules", []), manifest_dir, problems, names)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, app_id = sys.argv[1], sys.argv[2]
    problems = []
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: {path}: {e}")
        return 1
    manifest_dir = os.path.dirname(os.path.abspath(path))

    if os.path.basename(path) != app_id + ".json":
        problems.append(f"manifest file name is not {app_id}.json")
    got_id = manifest.get("id", manifest.get("app-id"))
    if got_id != app_id:
        problems.append(f"id is {got_id!r}, expected {app_id!r}")
    if manifest.get("command") != "ictoscope":
        problems.append(f"command is {manifest.get('command')!r}, expected 'ictoscope'")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("runtime/sdk is not org.gnome.Platform/org.gnome.Sdk")
    if not re.match(r"^\d+$", str(manifest.get("runtime-version", ""))):
        problems.append("runtime-version is not a stable GNOME release")

    for arg in manifest.get("finish-args", []):
        if arg.startswith("--filesystem"):
            problems.append(f"finish-arg {arg}: no filesystem access (the file chooser portal suffices)")
        elif arg not in ALLOWED_FINISH_ARGS:
            problems.append(f"finish-arg {arg} is not in the minimal set {sorted(ALLOWED_FINISH_ARGS)}")
    for needed in ("--socket=wayland", "--socket=fallback-x11", "--share=ipc"):
        if needed not in manifest.get("finish-args", []):
            problems.append(f"finish-args lack {needed}")

    names = []
    modules = manifest.get("modules", [])
    check_modules(modules, manifest_dir, problems, names)
    for needed in ("edflib", "openblas", "ictoscope"):
        if needed not in names:
            problems.append(f"no module named {needed}")
    if modules and isinstance(modules[-1], dict):
        last = modules[-1]
        if last.get("name") != "ictoscope":
            problems.append("the last module is not ictoscope")
        if last.get("buildsystem") != "meson":
            problems.append("the ictoscope module does not build with meson")
        if "-Dtests=false" not in last.get("config-opts", []):
            problems.append("the ictoscope module does not pass -Dtests=false")

    for p in problems:
        print(f"FAIL: {p}")
    if not problems:
        print(f"ok: {path}: {len(names)} modules ({', '.join(names)}), every source pinned, "
              f"finish-args {manifest.get('finish-args')}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
