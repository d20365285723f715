"""The batch of one file as Arrow tables that Python owns (`_lot`, `_anomalies`, `_geo`,
`_communes`), read by name in SQL through DuckDB's replacement scans.

Why not temporary tables: a load is one transaction, and DuckDB keeps every table dropped or
replaced inside a transaction until it ends (a view registered on an Arrow table too), so a
national load held every file's batch in memory until its commit. A table read by replacement
scan leaves nothing in the catalog: a file's batch is freed when the next file's replaces it.

May import: nothing of the loader.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Lot:
    lignes: pa.Table  # `_lot`: one row per data row, text columns and their typed twins
    anomalies: pa.Table | None = None  # `_anomalies`: what the row checks found
    geo: pa.Table | None = None  # `_geo`: the batch's communes that are not codes as written
    communes: pa.Table | None = None  # `_communes`: the communes of the référentiels

    def executer(self, con: duckdb.DuckDBPyConnection, sql: str, parametres: list | None = None):
        """Run `sql` where `_lot`, `_anomalies`, `_geo` and `_communes` are this batch's tables:
        DuckDB finds them by name among the local variables of the frame that calls it."""
        _lot, _anomalies, _geo, _communes = self.lignes, self.anomalies, self.geo, self.communes  # noqa: F841
        return con.execute(sql, parametres or [])

    def table(self, con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
        return self.executer(con, sql).to_arrow_table()

    def ajouter_anomalies(self, autres: pa.Table) -> None:
        """Append anomalies given in the column order of `_anomalies`."""
        assert self.anomalies is not None
        schema = self.anomalies.schema
        self.anomalies = pa.concat_tables(
            [self.anomalies, autres.rename_columns(schema.names).cast(schema)]
        )

    def remplacer(self, champ: str, valeurs: pa.ChunkedArray | pa.Array) -> None:
        i = self.lignes.schema.get_field_index(champ)
        self.lignes = self.lignes.set_column(i, champ, valeurs)

    def vider(self, champ: str, lignes: list[int]) -> None:
        """Empty `champ` in the given rows (by their `ligne`)."""
        masque = pc.is_in(self.lignes["ligne"], value_set=pa.array(lignes, pa.int32()))
        self.remplacer(champ, pc.if_else(masque, pa.scalar(None, pa.string()), self.lignes[champ]))
