"""The optional TLS proxy (compose profile "webhook", deploy/Caddyfile): it forwards the
webhook's path to the bot and nothing else, so /metrics, /healthz and /readyz never reach the
internet; its host and path are cut from INNERCHILD_WEBHOOK_URL, so they cannot drift apart.

The entrypoint runs here with a stand-in ``caddy``; Caddy itself, where it is installed,
serves the real Caddyfile in front of a stand-in bot."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .files import DEPLOY, compose_with, environment, filled_env

CADDYFILE = DEPLOY / "Caddyfile"


def entrypoint() -> list[str]:
    proxy = compose_with(filled_env())["services"]["proxy"]  # interpolated: $$ is a literal $
    return proxy["entrypoint"]


def run_entrypoint(tmp_path, url: str) -> subprocess.CompletedProcess[str]:
    """The proxy's entrypoint with a ``caddy`` that prints what Caddy would be given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "caddy"
    fake.write_text('#!/bin/sh\necho "host=$WEBHOOK_HOST path=$WEBHOOK_PATH args=$*"\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "INNERCHILD_WEBHOOK_URL": url}
    shell, flag, script = entrypoint()
    assert (shell, flag) == ("/bin/sh", "-c")
    return subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(("url", "host", "path"), [
    ("https://bot.example.org/telegram", "bot.example.org", "/telegram"),
    ("https://bot.example.org/hooks/tg-3f9a", "bot.example.org", "/hooks/tg-3f9a"),
])
def test_the_proxy_takes_its_host_and_path_from_the_webhook_url(tmp_path, url, host, path):
    done = run_entrypoint(tmp_path, url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"host={host} path={path} args=run --config /etc/caddy/Caddyfile --adapter caddyfile"


@pytest.mark.parametrize("url", ["", "http://bot.example.org/telegram", "https://bot.example.org", "https://bot.example.org/"])
def test_the_proxy_refuses_to_start_without_an_https_webhook_url(tmp_path, url):
    done = run_entrypoint(tmp_path, url)
    assert done.returncode == 1
    assert "set INNERCHILD_WEBHOOK_URL=https://" in done.stderr
    assert "host=" not in done.stdout


def caddy_sites() -> str:
    """The Caddyfile without its comments."""
    return "\n".join(line.split("#", 1)[0] for line in CADDYFILE.read_text(encoding="utf-8").splitlines())


def test_the_caddyfile_forwards_only_the_webhook_path_to_the_webhook_listener():
    text = caddy_sites()
    assert text.count("reverse_proxy") == 1
    webhook = text.index("handle {$WEBHOOK_PATH}")
    catch_all = text.index("handle {\n")
    assert webhook < text.index("reverse_proxy {$BOT_WEBHOOK_UPSTREAM}") < catch_all
    assert "respond 404" in text[catch_all:]
    for never in ("8080", "metrics", "healthz", "readyz"):
        assert never not in text
    proxy = compose_with(filled_env())["services"]["proxy"]
    assert environment(proxy)["BOT_WEBHOOK_UPSTREAM"].endswith(":8443")


# ---- Caddy itself, where it is installed ------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StandInBot(BaseHTTPRequestHandler):
    """Answers every request 200 and remembers its path, as if it were the bot on 8443."""

    seen: list[str] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client cut off (the oversized upload) is expected here


def status(url: str, body: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.timeout(120)
def test_caddy_serves_the_webhook_path_and_hides_the_operators_endpoint(tmp_path):
    caddy = shutil.which("caddy")
    if not caddy:
        pytest.skip("caddy is not installed here (the proxy runs the caddy:2 image in compose)")
    StandInBot.seen = []
    upstream = QuietServer(("127.0.0.1", 0), StandInBot)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    env = dict(
        os.environ,
        # Plain HTTP on a free port for the test; in compose the host of the webhook URL (TLS).
        WEBHOOK_HOST=f"http://127.0.0.1:{port}",
        WEBHOOK_PATH="/telegram",
        BOT_WEBHOOK_UPSTREAM=f"127.0.0.1:{upstream.server_address[1]}",
        HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    log = (tmp_path / "caddy.log").open("wb")
    process = subprocess.Popen([caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "caddy.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "caddy did not listen within 60 s"
                time.sleep(0.1)
        assert status(f"{base}/telegram", b'{"update_id": 1}') == 200
        for hidden in ("/metrics", "/healthz", "/readyz", "/", "/telegram/../metrics", "/telegramx"):
            assert status(base + hidden) == 404, hidden
        # No update is that big: refused (413; Caddy before 2.7 says 502 as the upload is cut off).
        assert status(f"{base}/telegram", b"x" * 2_000_000) in {413, 502}
        assert set(StandInBot.seen) == {"/telegram"}
    finally:
        process.terminate()
        process.wait(30)
        upstream.shutdown()
        log.close()


@pytest.mark.timeout(60)
def test_caddy_accepts_the_caddyfile_with_tls_for_the_webhook_host(tmp_path):
    caddy = shutil.which("caddy")
    if not caddy:
        pytest.skip("caddy is not installed here (the proxy runs the caddy:2 image in compose)")
    env = dict(os.environ, WEBHOOK_HOST="bot.example.org", WEBHOOK_PATH="/telegram", BOT_WEBHOOK_UPSTREAM="bot:8443",
               HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([caddy, "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"], env=env, capture_output=True, text=True, timeout=50)
    assert done.returncode == 0, done.stderr
    assert "Valid configuration" in done.stdout + done.stderr
