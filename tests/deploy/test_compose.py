"""deploy/compose.yaml read as compose runs it: PostgreSQL with a health check and a volume,
migrations once before the bot, the token, the key and the password required, the bot on a
named data volume with a read-only root filesystem, listening on its network and published
nowhere, and the TLS proxy only in the "webhook" profile.

Everywhere the file is parsed (PyYAML, with compose's interpolation for the forms it uses);
where a compose tool exists, ``docker compose config`` reads it too."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from .files import DEPLOY, MissingVariable, compose_raw, compose_with, environment, filled_env, final_stage, image_env, only, variables_used

REQUIRED = ("INNERCHILD_TELEGRAM_TOKEN", "INNERCHILD_ENCRYPTION_KEY", "POSTGRES_PASSWORD")


@pytest.fixture(scope="module")
def compose():
    return compose_with(filled_env())


def seconds(duration: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", str(duration)))


def test_the_services():
    assert set(compose_raw()["services"]) == {"db", "migrate", "bot", "proxy"}
    assert compose_raw()["name"] == "innerchild"  # volume names do not follow the folder's name


@pytest.mark.parametrize("name", REQUIRED)
def test_compose_refuses_to_start_without_the_token_the_key_or_the_password(name):
    used = variables_used()
    assert used.get(name) == {":?"}, f"every use of {name} must be ${{{name}:?message}} (used as {used.get(name)})"
    with pytest.raises(MissingVariable, match=f"{name}.*deploy/.env"):
        compose_with(filled_env(**{name: ""}))


def test_no_variable_is_required_outside_the_default_services():
    """Compose interpolates every service before it applies profiles: a ``:?`` in the proxy
    would stop polling deployments that never start it."""
    proxy = str(compose_raw()["services"]["proxy"])
    assert ":?" not in proxy


def test_the_bot_and_the_migration_get_the_database_the_key_and_the_token(compose):
    env = filled_env()
    for name in ("bot", "migrate"):
        service = compose["services"][name]
        settings = environment(service)
        assert settings["INNERCHILD_DATABASE_URL"] == f"postgresql+psycopg://innerchild:{env['POSTGRES_PASSWORD']}@db:5432/innerchild"
        assert settings["INNERCHILD_ENCRYPTION_KEY"] == env["INNERCHILD_ENCRYPTION_KEY"]
        assert settings["INNERCHILD_TELEGRAM_TOKEN"] == env["INNERCHILD_TELEGRAM_TOKEN"]
        assert service["env_file"] == ".env" and (DEPLOY / ".env.example").exists()
    db = environment(compose["services"]["db"])
    assert (db["POSTGRES_USER"], db["POSTGRES_DB"], db["POSTGRES_PASSWORD"]) == ("innerchild", "innerchild", env["POSTGRES_PASSWORD"])


def test_postgresql_has_a_health_check_and_a_named_volume(compose):
    db = compose["services"]["db"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, _, target = db["volumes"][0].partition(":")
    assert volume in compose["volumes"] and target == "/var/lib/postgresql/data"
    assert db["restart"] == "unless-stopped"


def test_migrations_run_once_before_the_bot(compose):
    migrate, bot = compose["services"]["migrate"], compose["services"]["bot"]
    assert migrate["command"] == ["innerchild", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate["image"] == bot["image"] and migrate["build"] == bot["build"]
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}


def test_the_data_directory_is_a_named_volume_where_the_image_keeps_its_data(compose):
    image = image_env(final_stage())
    for name in ("bot", "migrate"):
        service = compose["services"][name]
        settings = environment(service)
        assert settings["INNERCHILD_DATA_DIR"] == image["INNERCHILD_DATA_DIR"]
        assert settings["MPLCONFIGDIR"].startswith(settings["INNERCHILD_DATA_DIR"] + "/")
        mounts = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
        volume = mounts.get(settings["INNERCHILD_DATA_DIR"])
        assert volume in compose["volumes"], f"{name}: the data directory must be a named volume"


def test_the_containers_are_read_only_unprivileged_and_restarted(compose):
    for name in ("bot", "migrate"):
        service = compose["services"][name]
        assert service["read_only"] is True
        assert any(t.split(":")[0] == "/tmp" for t in service["tmpfs"])
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]
    bot = compose["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert seconds(bot["stop_grace_period"]) >= 30  # turns in flight finish, held replies go out
    assert bot["init"] is True  # SIGTERM and SIGHUP reach the bot; children are reaped
    assert bot["command"] == ["innerchild", "run"]


def test_the_bot_listens_on_its_network_and_checks_its_health(compose):
    bot = compose["services"]["bot"]
    settings = environment(bot)
    assert settings["INNERCHILD_WEBHOOK_LISTEN"] == "0.0.0.0"
    assert settings["INNERCHILD_HTTP_LISTEN"] == "0.0.0.0"
    exposed = {p.split("/")[0] for i in only(final_stage(), "EXPOSE") for p in i.args.split()}
    assert {settings["INNERCHILD_HTTP_PORT"], settings["INNERCHILD_WEBHOOK_PORT"]} <= exposed
    check = bot["healthcheck"]
    assert check["test"][0] == "CMD" and check["test"][1] == "python"
    assert "/healthz" in " ".join(check["test"]) and "INNERCHILD_HTTP_PORT" in " ".join(check["test"])
    assert seconds(check["start_period"]) >= 30


def test_nothing_is_published_but_the_proxy_and_never_the_metrics_port(compose):
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    host_ports = {str(p).split(":")[-1].split("/")[0] for p in services["proxy"]["ports"]}
    assert host_ports == {"80", "443"}
    http_port = environment(services["bot"])["INNERCHILD_HTTP_PORT"]
    assert http_port not in host_ports


def test_the_proxy_is_optional_and_forwards_to_the_bots_webhook_port(compose):
    proxy, bot = compose["services"]["proxy"], compose["services"]["bot"]
    assert proxy["profiles"] == ["webhook"]
    assert all("profiles" not in s for n, s in compose["services"].items() if n != "proxy")
    assert environment(proxy)["BOT_WEBHOOK_UPSTREAM"] == f"bot:{environment(bot)['INNERCHILD_WEBHOOK_PORT']}"
    assert environment(proxy)["INNERCHILD_WEBHOOK_URL"] == ""  # from .env; empty in the example
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert (DEPLOY / "Caddyfile").exists()
    assert proxy["read_only"] is True and proxy["restart"] == "unless-stopped"
    assert proxy["cap_drop"] == ["ALL"] and proxy["cap_add"] == ["NET_BIND_SERVICE"]
    certificates = {v.split(":")[1]: v.split(":")[0] for v in proxy["volumes"]}["/data"]
    assert certificates in compose["volumes"]  # certificates survive a recreated container


# ---- the compose tool itself, where it exists ----------------------------------------------------

def compose_command() -> list[str]:
    """Compose v2: ``docker compose`` (the plugin) or a v2 ``docker-compose``; skips with the
    reason when neither runs (docker-compose 1, end of life, does not read ``name:``)."""
    reasons = []
    for command in (["docker", "compose"], ["docker-compose"]):
        if not shutil.which(command[0]):
            reasons.append(f"no {command[0]} on PATH")
            continue
        done = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=60)
        major = re.search(r"version v?(\d+)\.", done.stdout)
        if done.returncode == 0 and major and int(major.group(1)) >= 2:
            return command
        said = (done.stdout or done.stderr).strip().splitlines()
        reasons.append(f"`{' '.join(command)} version` says {said[0] if said else done.returncode!r}")
    pytest.skip("no compose tool here (" + "; ".join(reasons) + ")")


def project(tmp_path, env: dict[str, str]):
    """deploy/ as an operator has it: compose.yaml, Caddyfile and a filled-in .env."""
    folder = tmp_path / "deploy"
    folder.mkdir(parents=True)
    for name in ("compose.yaml", "Caddyfile", "Dockerfile"):
        shutil.copy(DEPLOY / name, folder / name)
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    return folder


def test_docker_compose_config_accepts_the_file_and_refuses_a_missing_key(tmp_path):
    command = compose_command()
    folder = project(tmp_path, filled_env())
    for profile in ([], ["--profile", "webhook"]):
        done = subprocess.run([*command, *profile, "-f", str(folder / "compose.yaml"), "config"], cwd=folder, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        config = yaml.safe_load(done.stdout)
        assert "proxy" in config["services"] or not profile  # (docker-compose 1 lists every profile's)
        assert config["services"]["bot"]["environment"]["INNERCHILD_WEBHOOK_LISTEN"] == "0.0.0.0"
        assert config["services"]["bot"]["read_only"] is True
    missing = project(tmp_path / "missing", filled_env(INNERCHILD_ENCRYPTION_KEY=""))
    done = subprocess.run([*command, "-f", str(missing / "compose.yaml"), "config"], cwd=missing, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "INNERCHILD_ENCRYPTION_KEY" in done.stderr
