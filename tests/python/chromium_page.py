"""Open an HTML file in headless Chromium (Debian `chromium`) and report what a reader would see:
the DOM after the page's scripts ran, the browser console, and the layout of named elements.

The page is copied with one extra script at the end of <body> (``probe_js``) that runs after the
page's own scripts and writes a JSON object into <pre id="test-probe">; --dump-dom returns it.
Console messages come from --enable-logging=stderr (lines "...:CONSOLE...] "text", source: ...").
Name resolution is mapped to nowhere, so a page that fetches anything from a network logs an
error (net::ERR_NAME_NOT_RESOLVED) instead of loading it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional

TIMEOUT_S = 180
_PROBE_RE = re.compile(r'<pre id="test-probe">(.*?)</pre>', re.S)


def chromium_binary() -> Optional[str]:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@dataclass
class Page:
    dom: str
    console: List[str]      # console messages (any level: the report logs nothing)
    probe: Any              # what probe_js stored, parsed from JSON (None without a probe)
    seconds: float          # wall time of the browser run
    stderr: str


def _args(binary: str, profile: str, width: int, height: int) -> List[str]:
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
            "--enable-logging=stderr", "--v=0", f"--window-size={width},{height}",
            "--host-resolver-rules=MAP * ~NOTFOUND"]


def _run(cmd: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                          env=dict(os.environ, LANG="C.UTF-8"))


def console_lines(stderr: str) -> List[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def open_page(binary: str, html: Path, probe_js: str = "", width: int = 1280,
              height: int = 900) -> Page:
    """Load ``html`` (with ``probe_js`` appended to its body) and dump the DOM."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / html.name
        text = html.read_text(encoding="utf-8")
        if probe_js:
            script = (f"<script>(function(){{var out=(function(){{{probe_js}}})();"
                      "var p=document.createElement('pre');p.id='test-probe';"
                      "p.textContent=JSON.stringify(out);document.body.appendChild(p);})();"
                      "</script>")
            at = text.rindex("</body>")
            text = text[:at] + script + text[at:]
        page.write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        proc = _run(_args(binary, str(Path(tmp) / "profile"), width, height) +
                    ["--dump-dom", page.as_uri()])
        seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    m = _PROBE_RE.search(proc.stdout)
    probe = json.loads(_unescape(m.group(1))) if m else None
    return Page(proc.stdout, console_lines(proc.stderr), probe, seconds, proc.stderr)


def _unescape(s: str) -> str:
    import html as _html
    return _html.unescape(s)


def capture(binary: str, html: Path, out: Path, *, pdf: bool = False, width: int = 1280,
            height: int = 900) -> tuple:
    """Screenshot (PNG) or print (PDF, the page's print CSS) of ``html`` into ``out``;
    returns (console lines, seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        flag = (["--no-pdf-header-footer", f"--print-to-pdf={out}"] if pdf
                else [f"--screenshot={out}"])
        t0 = time.perf_counter()
        proc = _run(_args(binary, str(Path(tmp) / "profile"), width, height) + flag +
                    [html.resolve().as_uri()])
        seconds = time.perf_counter() - t0
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    return console_lines(proc.stderr), seconds
