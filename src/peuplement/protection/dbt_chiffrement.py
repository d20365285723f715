"""dbt-duckdb plugin for the encrypted warehouse (profiles.yml, target `chiffre`): load the pinned
local httpfs extension before the warehouse is attached, and spill next to it, encrypted.

The spill settings are set once on the connection, not in the profile's `settings`: dbt-duckdb
re-applies those on every new cursor, and DuckDB refuses to switch its temporary directory once
it has spilled there, so a build that spilled failed every later node."""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

from .chiffrement import charger_httpfs


class Plugin(BasePlugin):
    def configure_connection(self, conn):
        base = os.environ.get("PEUPLEMENT_DB", "")
        if base:
            # the purge destroys this folder; what spills there is encrypted
            conn.execute("set temp_directory = ?", [base + ".tmp"])
        conn.execute("set temp_file_encryption = true")
        charger_httpfs(conn)
