"""The hub's versioned store: four Delta Lake tables in a local folder, read through polars.

Researchers need one line::

    from nearmiss_lab.store import load_incidents
    df = load_incidents("store", since="2024-01", until="2024-06").collect()

Tables (see :mod:`nearmiss_lab.store.schema`): ``incidents`` (accepted records, flattened),
``submissions`` (the ledger), ``quarantine`` (held records, never published) and ``receipts``.
Every write is one atomic Delta commit; ``load_incidents(version=N)`` reads exactly what
version ``N`` held, which is how a bulletin that cites its version is rebuilt;
``snapshot_versions(store, N)`` names the version of every other table that goes with it.
With no version, readers get the *published* version (``published_version``): the latest,
unless an ingest is still committing or was killed between its commits and not yet
recovered (``incomplete_ingests``; ``nearmiss store info`` lists them).
The default location is ``$NEARMISS_STORE``, else ``./store``.
"""

from nearmiss_lab.store.read import load_incidents, load_table, store_info, store_version
from nearmiss_lab.store.schema import (
    INCIDENTS_SCHEMA,
    QUARANTINE_SCHEMA,
    RECEIPTS_SCHEMA,
    SUBMISSIONS_SCHEMA,
    TABLE_SCHEMAS,
    TABLES,
    content_hash,
    incident_key,
    incident_to_row,
    row_to_incident,
)
from nearmiss_lab.store.snapshot import incomplete_ingests, published_version, snapshot_versions
from nearmiss_lab.store.tables import (
    StoreNotFoundError,
    append_rows,
    init_store,
    resolve_store,
    store_lock,
)

__all__ = [
    "INCIDENTS_SCHEMA",
    "QUARANTINE_SCHEMA",
    "RECEIPTS_SCHEMA",
    "SUBMISSIONS_SCHEMA",
    "TABLES",
    "TABLE_SCHEMAS",
    "StoreNotFoundError",
    "append_rows",
    "content_hash",
    "incident_key",
    "incident_to_row",
    "incomplete_ingests",
    "init_store",
    "load_incidents",
    "load_table",
    "published_version",
    "resolve_store",
    "row_to_incident",
    "snapshot_versions",
    "store_info",
    "store_lock",
    "store_version",
]
