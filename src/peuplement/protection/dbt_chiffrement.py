"""dbt-duckdb plugin: load the pinned local httpfs extension before the encrypted warehouse is
attached (profiles.yml, target `chiffre`)."""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from .chiffrement import charger_httpfs


class Plugin(BasePlugin):
    def configure_connection(self, conn):
        charger_httpfs(conn)
