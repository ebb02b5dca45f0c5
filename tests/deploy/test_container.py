"""The image itself, where a container engine can run: built from deploy/Dockerfile, started
as compose starts it (read-only root filesystem, /tmp a tmpfs, no capabilities) against the
fake Bot API, it answers /healthz, passes its own HEALTHCHECK, runs as its user, keeps its
data on the volume, and stops cleanly on SIGTERM. Skipped, with the reason, where no engine
runs (building needs the package index too)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import ROOT, TEST_KEY
from tests.fakes import FakeBotAPI

from .files import final_stage, only

TOKEN = "123:ABC"


def engine() -> str:
    docker = shutil.which("docker")
    if not docker:
        pytest.skip("no container engine here (no docker on PATH)")
    done = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        pytest.skip(f"no container engine can run here: `docker info` fails ({reason[-1] if reason else done.returncode})")
    return docker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def container_logs(docker: str, name: str) -> str:
    done = subprocess.run([docker, "logs", name], capture_output=True, text=True, timeout=60)
    return (done.stdout + done.stderr)[-3000:]


def healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.mark.timeout(1800)
def test_the_image_builds_starts_answers_healthz_and_stops_cleanly(tmp_path):
    docker = engine()
    tag = f"innerchild-smoke:{uuid.uuid4().hex[:8]}"
    name = f"innerchild-smoke-{uuid.uuid4().hex[:8]}"
    build = subprocess.run([docker, "build", "-f", str(ROOT / "deploy" / "Dockerfile"), "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1500)
    unreachable = ("Could not find a version", "pull access denied", "failed to resolve source metadata", "dial tcp", "TLS handshake timeout")
    if build.returncode != 0 and any(words in build.stderr + build.stdout for words in unreachable):
        pytest.skip("the build cannot reach the image registry or the package index here")
    assert build.returncode == 0, (build.stdout + build.stderr)[-4000:]
    try:
        (config,) = json.loads(subprocess.run([docker, "image", "inspect", tag], capture_output=True, text=True, check=True).stdout)
        assert config["Config"]["User"] == only(final_stage(), "USER")[-1].args
        health = config["Config"]["Healthcheck"]["Test"]
        assert health[0] == "CMD" and "/healthz" in " ".join(health)
        port = free_port()
        with FakeBotAPI(token=TOKEN) as tg:
            # Host networking: the container reaches the fake on 127.0.0.1, the test reaches /healthz.
            subprocess.run([
                docker, "run", "-d", "--name", name, "--network", "host", "--read-only", "--tmpfs", "/tmp",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--init",
                "-e", f"INNERCHILD_TELEGRAM_TOKEN={TOKEN}", "-e", f"INNERCHILD_TELEGRAM_BASE_URL={tg.base_url}",
                "-e", f"INNERCHILD_ENCRYPTION_KEY={TEST_KEY}", "-e", f"INNERCHILD_HTTP_PORT={port}", "-e", "INNERCHILD_HTTP_LISTEN=127.0.0.1",
                tag,
            ], capture_output=True, text=True, check=True, timeout=120)
            deadline = time.monotonic() + 180
            while healthz(port) != 200:
                state = json.loads(subprocess.run([docker, "inspect", name], capture_output=True, text=True, check=True).stdout)[0]["State"]
                logs = container_logs(docker, name)
                assert state["Running"], f"the container exited ({state['ExitCode']}):\n{logs}"
                assert time.monotonic() < deadline, f"/healthz never answered 200:\n{logs}"
                time.sleep(1)
            command = health[1:]
            check = subprocess.run([docker, "exec", "-e", f"INNERCHILD_HTTP_PORT={port}", name, *command], capture_output=True, text=True, timeout=60)
            assert check.returncode == 0, check.stderr
            uid = subprocess.run([docker, "exec", name, "id", "-u"], capture_output=True, text=True, check=True).stdout.strip()
            assert uid == "10001"
            data = subprocess.run([docker, "exec", name, "ls", "-A", "/data"], capture_output=True, text=True, check=True).stdout.split()
            assert "innerchild.db" in data  # the embedded database, on the volume
            subprocess.run([docker, "stop", "-t", "30", name], capture_output=True, text=True, check=True, timeout=120)
            state = json.loads(subprocess.run([docker, "inspect", name], capture_output=True, text=True, check=True).stdout)[0]["State"]
            logs = container_logs(docker, name)
            assert state["ExitCode"] == 0, f"SIGTERM should stop it cleanly:\n{logs}"
    finally:
        subprocess.run([docker, "rm", "-f", "-v", name], capture_output=True, timeout=120)
        subprocess.run([docker, "rmi", "-f", tag], capture_output=True, timeout=120)
