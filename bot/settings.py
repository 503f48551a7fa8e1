"""The one typed settings object: the only place that reads the environment."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.errors import AdvisorError

ROOT = Path(__file__).resolve().parent.parent


MENTION_ALIASES = {"@here": "<!here>", "@channel": "<!channel>"}
SLACK_MENTION = re.compile(r"<!here>|<!channel>|<!subteam\^[A-Z0-9]{2,30}(\|@?[\w.-]{1,80})?>")
DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://", "postgresql+asyncpg://")


class SettingsError(AdvisorError):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    """Read once at start-up from environment variables of the same name in capitals."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    content_dir: Path = Field(default=ROOT / "content", description="CONTENT_DIR")
    cache_dir: Path = Field(default=ROOT / "data" / "cache", description="CACHE_DIR")
    database_url: str = Field(default="sqlite:///data/advisor.db", description="DATABASE_URL")
    retention_days: int = Field(default=365, gt=0, description="RETENTION_DAYS")
    idle_minutes: float = Field(default=30, gt=0, description="IDLE_MINUTES")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="LOG_LEVEL"
    )

    host: str = Field(default="127.0.0.1", description="HOST")
    port: int = Field(default=3978, ge=0, le=65535, description="PORT")

    slack_bot_token: str | None = Field(default=None, description="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, description="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, description="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", description="SLACK_API_URL")
    slack_comms_channel: str | None = Field(default=None, description="SLACK_COMMS_CHANNEL")
    slack_command: str = Field(default="/socialmedia", description="SLACK_COMMAND")

    microsoft_app_id: str | None = Field(default=None, description="MICROSOFT_APP_ID")
    microsoft_app_password: str | None = Field(default=None, description="MICROSOFT_APP_PASSWORD")
    microsoft_app_tenant_id: str | None = Field(default=None, description="MICROSOFT_APP_TENANT_ID")
    microsoft_app_type: Literal["SingleTenant", "MultiTenant"] | None = Field(
        default=None, description="MICROSOFT_APP_TYPE"
    )

    teams_comms_channel: str | None = Field(default=None, description="TEAMS_COMMS_CHANNEL")
    teams_service_url: str | None = Field(default=None, description="TEAMS_SERVICE_URL")
    teams_local_testing: bool = Field(default=False, description="TEAMS_LOCAL_TESTING")

    # The Communications Team's dashboard at /comms: sign-in through the council's OpenID
    # Connect provider, or (DASHBOARD_LOCAL) as a local user on a loopback HOST only.
    oidc_issuer: str | None = Field(default=None, description="OIDC_ISSUER")
    oidc_client_id: str | None = Field(default=None, description="OIDC_CLIENT_ID")
    oidc_client_secret: str | None = Field(default=None, description="OIDC_CLIENT_SECRET")
    oidc_redirect_url: str | None = Field(default=None, description="OIDC_REDIRECT_URL")
    comms_allowed_emails: str = Field(default="", description="COMMS_ALLOWED_EMAILS")
    comms_group: str | None = Field(default=None, description="COMMS_GROUP")
    session_secret: str | None = Field(default=None, description="SESSION_SECRET")
    session_hours: float = Field(default=8, gt=0, le=24 * 30, description="SESSION_HOURS")
    dashboard_local: bool = Field(default=False, description="DASHBOARD_LOCAL")

    urgent_ack_minutes: float = Field(default=15, gt=0, description="URGENT_ACK_MINUTES")
    reminder_check_seconds: float = Field(default=60, gt=0, description="REMINDER_CHECK_SECONDS")
    comms_mention: str | None = Field(default=None, description="COMMS_MENTION")

    @model_validator(mode="after")
    def _teams_complete(self) -> Settings:
        if bool(self.microsoft_app_id) != bool(self.microsoft_app_password):
            missing = "MICROSOFT_APP_PASSWORD" if self.microsoft_app_id else "MICROSOFT_APP_ID"
            raise ValueError(f"{missing} is not set")
        if (
            self.teams_app_type == "SingleTenant"
            and self.microsoft_app_id
            and not self.microsoft_app_tenant_id
        ):
            raise ValueError("MICROSOFT_APP_TENANT_ID is not set (single-tenant bot)")
        if self.teams_service_url and not self.teams_service_url.startswith(("https://", "http://")):
            raise ValueError("TEAMS_SERVICE_URL must start with https://")
        return self

    @property
    def teams_app_type(self) -> str:
        """Azure now creates single-tenant bots; a tenant id implies one."""
        return self.microsoft_app_type or ("SingleTenant" if self.microsoft_app_tenant_id else "MultiTenant")

    @property
    def loopback(self) -> bool:
        """Only an address literal the ``ipaddress`` module calls loopback: a name such as
        ``localhost`` can be made to resolve anywhere."""
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def teams_anonymous(self) -> bool:
        """Unauthenticated Teams: an explicit opt-in for local testing, on loopback only,
        and never alongside real credentials."""
        return not self.microsoft_app_id and self.teams_local_testing and self.loopback

    @property
    def teams_enabled(self) -> bool:
        """With credentials; or anonymous when local testing is asked for on loopback."""
        return bool(self.microsoft_app_id) or self.teams_anonymous

    @model_validator(mode="after")
    def _slack_complete(self) -> Settings:
        """A half-configured Slack is a mistake worth stopping for, not a channel left off."""
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) is not set")
        if (self.slack_signing_secret or self.slack_app_token) and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is not set")
        if not self.slack_api_url.endswith("/"):
            raise ValueError("SLACK_API_URL must end with /")
        return self

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_bot_token and self.slack_app_token)

    @model_validator(mode="after")
    def _dashboard_complete(self) -> Settings:
        """Sign-in half set up would either lock the team out or let anyone in: stop instead."""
        oidc = {
            "OIDC_ISSUER": self.oidc_issuer,
            "OIDC_CLIENT_ID": self.oidc_client_id,
            "OIDC_CLIENT_SECRET": self.oidc_client_secret,
            "OIDC_REDIRECT_URL": self.oidc_redirect_url,
            "SESSION_SECRET": self.session_secret,
        }
        given = [name for name, value in oidc.items() if value]
        if given and given != ["SESSION_SECRET"]:
            missing = [name for name, value in oidc.items() if not value]
            if missing:
                raise ValueError(
                    f"{missing[0]} is not set (the dashboard's sign-in needs all of {', '.join(oidc)})"
                )
            if not (self.allowed_emails or self.comms_group):
                raise ValueError("COMMS_ALLOWED_EMAILS or COMMS_GROUP is not set (who may use the dashboard)")
            if len(self.session_secret or "") < 32:
                raise ValueError("SESSION_SECRET must be at least 32 characters")
            for name in ("OIDC_ISSUER", "OIDC_REDIRECT_URL"):
                if not str(oidc[name]).startswith(("https://", "http://")):
                    raise ValueError(f"{name} must start with https://")
        if self.dashboard_local and self.oidc_issuer:
            raise ValueError("DASHBOARD_LOCAL is for use without an identity provider: unset OIDC_ISSUER")
        return self

    @property
    def allowed_emails(self) -> frozenset[str]:
        """COMMS_ALLOWED_EMAILS, comma or space separated, compared without case."""
        return frozenset(e.strip().lower() for e in self.comms_allowed_emails.replace(",", " ").split() if e)

    @property
    def dashboard_sign_in(self) -> Literal["oidc", "local", "off"]:
        """How the dashboard signs people in: the identity provider; a local user, asked for
        and on loopback only; or not at all (every page then refuses)."""
        if self.oidc_issuer:
            return "oidc"
        if self.dashboard_local and self.loopback:
            return "local"
        return "off"

    @field_validator("comms_mention")
    @classmethod
    def _one_deliberate_mention(cls, value: str | None) -> str | None:
        """The one mention the bot ever sends: @here, @channel or one Slack user group."""
        if not value:
            return None
        value = MENTION_ALIASES.get(value.strip(), value.strip())
        if not SLACK_MENTION.fullmatch(value):
            raise ValueError("use @here, @channel or a Slack user group as <!subteam^ID>")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(DATABASE_SCHEMES):
            raise ValueError("use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
        host = urlsplit(value).netloc.rpartition("@")[2]
        _, colon, port = host.rpartition(":")
        if colon and not host.endswith("]"):  # "[::1]" is an address, not a port
            if not port.isascii() or not port.isdigit():
                raise ValueError("the port is not a number (postgresql://USER@HOST:PORT/DATABASE)")
            if not 0 < int(port) < 65536:
                raise ValueError(f"the port must be 1 to 65535, not {int(port)}")
        return value

    @property
    def database(self) -> str:
        """``DATABASE_URL`` with a relative SQLite path made relative to the project folder."""
        if not self.database_url.startswith("sqlite:///"):
            return self.database_url
        path = Path(self.database_url.removeprefix("sqlite:///"))
        if str(path).startswith("file:"):  # an SQLite URI (``file:PATH?mode=ro&uri=true``): as given
            return self.database_url
        return f"sqlite:///{path if path.is_absolute() else ROOT / path}"


def load_settings() -> Settings:
    """Read and validate the environment; one line naming the variable on failure."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["loc"]:
            message = f"{str(first['loc'][0]).upper()}: {str(first['msg']).removeprefix('Value error, ')}"
        else:
            message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(message) from None
