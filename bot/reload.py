"""Re-reading the operator's scripts while the bot runs, and the last good copy of them.

``kill -HUP <pid>`` (or, with ``INNERCHILD_RELOAD=watch``, any change in the dialogues
folder) makes ``innerchild run`` load the folder again: scripts, templates, texts.yaml,
meanings.yaml and the check-in openings, checked exactly as at start-up. Only a set with no
problem is served, swapped in whole between turns (``Companion.use``); a turn already under
way finishes on the scripts it began with. On any problem the bot keeps serving what it
served, and logs each ``path:line: message``.

Every set that loads cleanly is also copied to ``<data dir>/dialogues-last-good``. A start
with a broken folder serves that copy (and says so, loudly) rather than staying down, so a
typo at a restart never takes the companion away from the people who rely on it.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

from collections.abc import Callable

from .core import Companion, Features
from .engine import DialogueLibrary, Problem
from .ops import metrics

log = logging.getLogger(__name__)

LAST_GOOD = "dialogues-last-good"
WATCH_INTERVAL = 1.0  # seconds between looks at the folder in watch mode
Signature = tuple[tuple[str, int, int], ...]
Loader = Callable[[Path], tuple[DialogueLibrary, Features, list[Problem]]]  # ``app.load``


class ScriptReloader:
    """Loads ``folder`` again on request and, when it is sound, serves it."""

    def __init__(self, companion: Companion, folder: Path, data_dir: Path | None, load: Loader):
        self.companion = companion
        self.load = load  # the composition root's loader (app.load), handed in: app imports this module
        self.folder = Path(folder)
        self.data_dir = data_dir
        self._lock = threading.Lock()  # two reloads at once would race to swap
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.listeners: list[Callable[[], None]] = []  # told after new scripts are served (the command menu)

    def reload(self) -> list[Problem]:
        """Load, check and (when sound) serve the folder; returns the problems (none: served)."""
        with self._lock:
            try:
                library, features, problems = self.load(self.folder)
            except Exception:
                metrics.script_reload(ok=False)
                raise
            if problems:
                metrics.script_reload(ok=False)
                log.error("scripts not reloaded: %d problem(s) in %s; still serving the scripts loaded before", len(problems), self.folder)
                for problem in problems:
                    log.error("%s", problem)
                return problems
            self.companion.use(library, features)
            metrics.script_reload(ok=True)
            log.info("scripts reloaded from %s: %d dialogues", self.folder, len(library.scripts))
            for listener in self.listeners:
                try:
                    listener()
                except Exception as exc:  # noqa: BLE001 - the scripts are served; a listener's trouble is its own
                    log.warning("after the reload: %s", type(exc).__name__)
            if self.data_dir is not None:
                keep_last_good(self.folder, self.data_dir)
            return []

    # -- watch mode -------------------------------------------------------------------------
    def watch(self, interval: float = WATCH_INTERVAL) -> None:
        """Reload whenever a file of the folder changes (looked at every ``interval`` s)."""
        if self._watcher is not None:
            return
        seen = signature(self.folder)  # now, not in the thread: a change made right after counts
        self._watcher = threading.Thread(target=self._watch, args=(interval, seen), name="script-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None

    def _watch(self, interval: float, seen: Signature) -> None:
        """Polling, not inotify: it also works on network and container bind mounts, and a
        folder of a few dozen files costs nothing to look at once a second. A change is
        loaded once it has stood still for one look, so an editor's save-in-steps (write a
        temporary file, rename) is read whole."""
        pending: Signature | None = None
        while not self._stop.wait(interval):
            now = signature(self.folder)
            if now == seen:
                pending = None
                continue
            if now != pending:
                pending = now  # changed: wait for it to settle
                continue
            seen, pending = now, None
            try:
                self.reload()
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive a bad moment
                log.error("scripts not reloaded (%s); still serving the scripts loaded before", type(exc).__name__)


def signature(folder: Path) -> Signature:
    """Name, size and modification time of every file under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue  # removed while we looked
        if path.is_file():
            found.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def keep_last_good(folder: Path, data_dir: Path) -> None:
    """Copy a sound folder to ``<data_dir>/dialogues-last-good``: a fresh copy beside the
    old one, then swapped by rename, so a crash or a full disk midway leaves the previous
    copy whole. Private to the service user, like everything in the data directory."""
    final = data_dir / LAST_GOOD
    fresh = data_dir / f"{LAST_GOOD}.new"
    old = data_dir / f"{LAST_GOOD}.old"
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for leftover in (fresh, old):
            shutil.rmtree(leftover, ignore_errors=True)
        shutil.copytree(folder, fresh, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        os.chmod(fresh, 0o700)
        if final.exists():
            final.rename(old)
        fresh.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        log.warning("could not keep a last good copy of the scripts in %s (%s); the scripts are served all the same", data_dir, exc.strerror or type(exc).__name__)

