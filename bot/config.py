"""Settings from the environment (prefix ``INNERCHILD_``) and an optional ``.env`` file.

One place reads configuration, so every command reports a missing or invalid setting the
same way: one clear line, never a traceback (see ``cli.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DIALOGUES = PROJECT_ROOT / "dialogues"
# What Telegram accepts as a webhook's secret_token, at least 16 long: a short one could be
# guessed, and redacting it from the logs would hide every occurrence of a few common letters.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


def default_data_dir() -> Path:
    """Where the embedded database and the key file live when nothing else is set."""
    return Path(platformdirs.user_data_dir("innerchild", appauthor=False))


class Settings(BaseSettings):
    """Everything an operator can set. Each field is documented in the README."""

    model_config = SettingsConfigDict(
        env_prefix="INNERCHILD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    dialogues_dir: Path = SHIPPED_DIALOGUES
    default_country: str = ""
    encryption_key: str = ""  # comma-separated Fernet keys; the first encrypts, all decrypt
    log_level: str = "INFO"
    log_format: str = "text"  # "json": one JSON object a line, for a log collector
    reload: str = ""  # "watch": reload the scripts when their files change (SIGHUP always does)

    # Telegram
    telegram_token: str = ""
    telegram_base_url: str = ""
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    message_pause: float = 0.8  # seconds between bubbles to one chat, with "typing..."
    send_per_second: float = 25.0  # every message of every process (Telegram allows about 30)
    admin_ids: str = ""  # comma-separated Telegram user ids allowed operator commands

    # The operators' HTTP endpoint of ``innerchild run``: /healthz, /readyz, /metrics (bot/ops)
    http_port: int = 0  # 0: off
    http_listen: str = "127.0.0.1"

    # Check-ins
    checkin_grace_minutes: int = 60
    checkin_sweep_seconds: int = 30
    checkins_per_second: float = 25.0

    # Retention: delete people inactive this many days (0 = keep until they delete), after a
    # notice that reached them; people no notice can reach after the longer period (0: twice
    # retention_days)
    retention_days: int = 0
    retention_notice_days: int = 7
    retention_unreachable_days: int = 0

    @field_validator("retention_days")
    @classmethod
    def _retention_days(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 (keep people until they delete) or a number of days")
        return value

    @field_validator("retention_notice_days")
    @classmethod
    def _retention_notice_days(cls, value: int, info: ValidationInfo) -> int:
        days = info.data.get("retention_days", 0)
        if value < 1 or (days and value >= days):
            raise ValueError(f"must be at least 1 and less than INNERCHILD_RETENTION_DAYS ({days})" if days else "must be at least 1")
        return value

    @field_validator("retention_unreachable_days")
    @classmethod
    def _retention_unreachable_days(cls, value: int, info: ValidationInfo) -> int:
        days = info.data.get("retention_days", 0)
        if value < 0 or (value and value < days):
            raise ValueError(f"must be 0 (twice INNERCHILD_RETENTION_DAYS) or at least INNERCHILD_RETENTION_DAYS ({days})")
        return value

    @field_validator("default_country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        value = value.strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise ValueError("must be a two-letter country code such as GB or US")
        if value:
            from safety.countries import codes  # only when one is set: ``--help`` loads no country table

            if value not in codes():
                raise ValueError(f"{value} is not a country code (ISO 3166-1 alpha-2, such as GB or US)")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        for part in value.split(","):
            part = part.strip()
            if part and not (part.isascii() and part.isdigit()):
                raise ValueError(f"{part!r} is not a Telegram user id: list numeric ids, comma-separated (a person's id, not their @name)")
        return value

    @field_validator("checkin_grace_minutes")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 or more")
        return value

    @field_validator("checkin_sweep_seconds")
    @classmethod
    def _sweep(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be 1 second or more")
        return value

    @field_validator("message_pause")
    @classmethod
    def _pause(cls, value: float) -> float:
        if not 0 <= value <= 60:
            raise ValueError("must be between 0 and 60 seconds")
        return value

    @field_validator("send_per_second", "checkins_per_second")
    @classmethod
    def _rate(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("must be more than 0 messages a second")
        return value

    @field_validator("webhook_port")
    @classmethod
    def _webhook_port(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("must be a TCP port (1-65535)")
        return value

    @field_validator("webhook_url", "telegram_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an address starting with https:// (http:// only for a server on this machine or network)")
        return value

    @field_validator("reload")
    @classmethod
    def _reload(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"", "watch"}:
            raise ValueError('must be "watch" or empty (kill -HUP reloads the scripts either way)')
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str) -> str:
        if value and not WEBHOOK_SECRET.fullmatch(value):
            raise ValueError(
                "use 16-256 characters from A-Z, a-z, 0-9, _ and - "
                "(make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"text", "json"}:
            raise ValueError('must be "text" or "json"')
        return value

    @field_validator("http_port")
    @classmethod
    def _http_port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be a TCP port (1-65535), or 0 for no HTTP endpoint")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or the embedded SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'innerchild.db'}"

    @property
    def embedded_database(self) -> bool:
        """The embedded default: the SQLite file ``innerchild.db`` in the data directory (no
        INNERCHILD_DATABASE_URL, or one naming that very file). Only it may use the key file;
        any other database, another SQLite file included, needs INNERCHILD_ENCRYPTION_KEY."""
        if not self.database_url:
            return True
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return False
        path = self.database_url[len(prefix):].split("?", 1)[0]
        if not path or path == ":memory:":
            return False
        return Path(path).expanduser().resolve() == (self.data_dir / "innerchild.db").expanduser().resolve()

    @property
    def admin_id_set(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.admin_ids.split(",") if part.strip())


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line an operator can act on."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one readable line."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "INNERCHILD_" + "_".join(str(p) for p in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")  # pydantic's label for a validator's ValueError
        raise SettingsError(f"{name}: {message}") from None
