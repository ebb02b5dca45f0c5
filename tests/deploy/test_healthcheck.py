"""The container health checks, run here as the engine runs them: the Dockerfile's HEALTHCHECK
and compose's ``healthcheck`` are Python one-liners (a slim image has no curl) that succeed
only when /healthz on INNERCHILD_HTTP_PORT answers 2xx."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .files import compose_with, filled_env, final_stage, only


def dockerfile_check() -> list[str]:
    (check,) = only(final_stage(), "HEALTHCHECK")
    command = check.exec_form()
    assert command
    return command


def compose_check() -> list[str]:
    test = compose_with(filled_env())["services"]["bot"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    return test[1:]


class Endpoint(BaseHTTPRequestHandler):
    answer = 200
    paths: list[str] = []

    def do_GET(self):
        self.paths.append(self.path)
        self.send_response(self.answer if self.path == "/healthz" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Endpoint.paths = []
    yield server
    server.shutdown()
    server.server_close()


def run(command: list[str], port: int) -> int:
    assert command[0] == "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_")}
    env["INNERCHILD_HTTP_PORT"] = str(port)
    return subprocess.run([sys.executable, *command[1:]], env=env, capture_output=True, timeout=30).returncode


@pytest.mark.parametrize("command", [dockerfile_check(), compose_check()], ids=["Dockerfile", "compose"])
def test_healthy_only_while_healthz_answers_ok(endpoint, command):
    port = endpoint.server_address[1]
    Endpoint.answer = 200
    assert run(command, port) == 0
    assert Endpoint.paths == ["/healthz"]
    Endpoint.answer = 503
    assert run(command, port) != 0
    endpoint.shutdown()
    endpoint.server_close()
    assert run(command, port) != 0  # nothing listens: the process or its loop is gone
