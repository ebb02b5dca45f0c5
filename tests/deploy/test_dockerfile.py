"""deploy/Dockerfile read as the builder and the engine read it: a real install, a non-root
user, a read-only root filesystem with the data directory on a volume, a health check against
/healthz, the ports compose uses, and a command that receives SIGTERM itself."""

from __future__ import annotations

import re
import shlex

from tests.conftest import ROOT

from .files import DEPLOY, dockerfile_stages, final_stage, image_env, only


def test_the_image_runs_as_an_unprivileged_user():
    users = only(final_stage(), "USER")
    assert users, "the final stage sets no USER: the bot would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}
    # Numeric, so an orchestrator can verify "runAsNonRoot" without reading /etc/passwd.
    assert user.isdigit() and int(user) >= 1000


def test_the_project_is_installed_for_real_not_in_editable_mode():
    installs = [i.args for stage in dockerfile_stages() for i in stage if i.keyword == "RUN" and "pip" in i.args]
    assert installs
    for command in installs:
        words = shlex.split(command)
        assert "-e" not in words and "--editable" not in words, command
    # The final stage takes the installed environment; the sources stay in the build stage.
    (build, *_), final = dockerfile_stages()[0], final_stage()
    venv = next(i.args.split()[-1] for i in dockerfile_stages()[0] if i.keyword == "RUN" and "-m venv" in i.args)
    assert f"COPY --from=build {venv} {venv}" in [f"COPY {i.args}" for i in only(final, "COPY")]
    assert image_env(final)["PATH"].startswith(f"{venv}/bin:")
    assert build.args.split()[0] == final[0].args.split()[0]  # one base image: the interpreter links hold
    assert not any(i.args.split()[0] in {"bot", "safety", "."} for i in only(final, "COPY"))


def test_what_the_image_copies_exists_and_the_ignore_file_keeps_the_rest_out():
    for stage in dockerfile_stages():
        for copy in only(stage, "COPY"):
            if copy.args.startswith("--from"):
                continue
            *sources, _ = copy.args.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert "*" in ignore  # everything out (.venv, .env, databases), then what the build needs back in
    for needed in ("pyproject.toml", "README.md", "bot/", "safety/", "dialogues/"):
        assert f"!{needed}" in ignore


def test_the_data_directory_is_a_volume_and_matplotlib_caches_there():
    env = image_env(final_stage())
    data = env["INNERCHILD_DATA_DIR"]
    volumes = [v for i in only(final_stage(), "VOLUME") for v in re.findall(r"[\w/.-]+", i.args)]
    assert data in volumes, "the data directory must be a volume: the root filesystem is read-only"
    assert env["MPLCONFIGDIR"].startswith(data + "/"), "matplotlib needs a writable cache for the /mood chart"
    # The directory exists in the image, owned by the user, so a new named volume starts so.
    user = only(final_stage(), "USER")[-1].args.split(":")[0]
    assert any(f"chown {user}" in i.args and data in i.args for i in only(final_stage(), "RUN"))


def test_a_real_install_is_told_where_the_scripts_are():
    """An installed package cannot find ``dialogues/`` beside its code (it is no package)."""
    env = image_env(final_stage())
    copies = {i.args.split()[-1] for i in only(final_stage(), "COPY") if i.args.split()[0] == "dialogues"}
    assert env["INNERCHILD_DIALOGUES_DIR"] in copies


def test_the_healthcheck_asks_healthz_on_the_http_port_with_python():
    (check,) = only(final_stage(), "HEALTHCHECK")
    command = check.exec_form()
    assert command, "HEALTHCHECK CMD must be in exec form"
    assert command[0] == "python", "a slim image has no curl: the check uses Python's urllib"
    script = " ".join(command)
    assert "urllib" in script and "/healthz" in script and "INNERCHILD_HTTP_PORT" in script
    assert "--start-period=" in check.args  # start-up: imports, script validation, the database


def test_the_webhook_and_http_ports_are_exposed_and_listen_inside_the_container():
    env = image_env(final_stage())
    exposed = {p.split("/")[0] for i in only(final_stage(), "EXPOSE") for p in i.args.split()}
    assert {env["INNERCHILD_HTTP_PORT"], env["INNERCHILD_WEBHOOK_PORT"]} <= exposed
    # 127.0.0.1 inside a container is reachable by nothing else: no proxy, no Prometheus.
    assert env["INNERCHILD_WEBHOOK_LISTEN"] == "0.0.0.0"
    assert env["INNERCHILD_HTTP_LISTEN"] == "0.0.0.0"


def test_sigterm_reaches_the_bot_itself():
    (cmd,) = only(final_stage(), "CMD")
    assert cmd.exec_form() == ["innerchild", "run"], "exec form: no shell in between to swallow SIGTERM"
    assert not only(final_stage(), "ENTRYPOINT")
    assert all(i.args == "SIGTERM" for i in only(final_stage(), "STOPSIGNAL"))
