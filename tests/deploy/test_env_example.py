"""deploy/.env.example names real settings only, lists every one of them, and asks for what
the deployments need: the token and the key (required, explained), no data directory that
has no volume, the HTTP port, the webhook settings, JSON logs."""

from __future__ import annotations

import os

from bot.config import Settings

from .files import ENV_EXAMPLE, env_example, variables_used

# Read by compose (for ${...} in compose.yaml, or COMPOSE_PROFILES), never by the bot.
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "COMPOSE_PROFILES"}
# Settings issue 16 adds in other branches (the operators' endpoint, the log format); the
# bot ignores them until those land, and then they are Settings fields like the rest.
ARRIVING: set[str] = set()  # settings on their way in, listed once they land (none now)


def settings_names() -> set[str]:
    return {f"INNERCHILD_{name.upper()}" for name in Settings.model_fields}


def test_every_name_is_a_real_setting_or_one_compose_reads():
    active, commented = env_example()
    unknown = (set(active) | commented) - settings_names() - COMPOSE_ONLY - ARRIVING
    assert not unknown, f"not settings: {sorted(unknown)}"


def test_every_setting_is_listed():
    """The README says .env.example lists them all (set, or commented with where it is set)."""
    active, commented = env_example()
    missing = settings_names() - set(active) - commented
    assert not missing, f"add to deploy/.env.example: {sorted(missing)}"


def test_what_compose_requires_is_there_to_fill_in():
    active, _ = env_example()
    required = {name for name, ops in variables_used().items() if ":?" in ops}
    assert required == {"INNERCHILD_TELEGRAM_TOKEN", "INNERCHILD_ENCRYPTION_KEY", "POSTGRES_PASSWORD"}
    for name in required:
        assert name in active and active[name] == "", f"{name}: an empty line to fill in, never a sample secret"


def test_the_key_is_explained():
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for words in ("innerchild keys new", "Back it up", "innerchild keys rotate", "secret.key"):
        assert words in text


def test_no_data_directory_without_a_volume():
    active, commented = env_example()
    assert "INNERCHILD_DATA_DIR" not in active  # the image (a volume) and the unit (StateDirectory) set it
    assert "INNERCHILD_DATA_DIR" in commented


def test_the_http_port_the_webhook_and_json_logs():
    active, commented = env_example()
    assert active["INNERCHILD_HTTP_PORT"] == "8080"
    assert {"INNERCHILD_WEBHOOK_URL", "INNERCHILD_WEBHOOK_SECRET"} <= set(active)
    assert {"INNERCHILD_WEBHOOK_LISTEN", "INNERCHILD_WEBHOOK_PORT", "INNERCHILD_HTTP_LISTEN", "COMPOSE_PROFILES"} <= commented
    assert active["INNERCHILD_LOG_FORMAT"] == "json"


def test_values_parse_the_same_for_compose_and_systemd():
    """systemd's EnvironmentFile keeps quotes and anything after a value; compose strips them."""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.partition("=")
        assert name == name.strip() and value == value.strip(), line
        assert not value.startswith(("'", '"')) and " #" not in value, line


def test_the_example_settings_load(monkeypatch, tmp_path):
    """The values as written are valid settings (empty ones keep their defaults)."""
    active, _ = env_example()
    monkeypatch.chdir(tmp_path)  # away from any developer .env
    for name in list(os.environ):
        if name.startswith("INNERCHILD_"):
            monkeypatch.delenv(name)
    for name, value in active.items():
        if name.startswith("INNERCHILD_") and value:
            monkeypatch.setenv(name, value)
    Settings()
