"""The one typed settings object: the only place that reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.errors import AdvisorError

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(AdvisorError):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    """Read once at start-up from environment variables of the same name in capitals."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    content_dir: Path = Field(default=ROOT / "content", description="CONTENT_DIR")
    database_url: str = Field(default="sqlite:///data/advisor.db", description="DATABASE_URL")
    idle_minutes: float = Field(default=30, gt=0, description="IDLE_MINUTES")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="LOG_LEVEL"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("only sqlite:///PATH is supported")
        return value

    @property
    def sqlite_path(self) -> Path:
        """The database file; a relative path is relative to the project folder."""
        path = Path(self.database_url.removeprefix("sqlite:///"))
        return path if path.is_absolute() else ROOT / path


def load_settings() -> Settings:
    """Read and validate the environment; one line naming the variable on failure."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
