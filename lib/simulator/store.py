"""SQLite persistence of the simulator state (thread-safe, one connection).

Rows are returned as plain dicts; JSON columns are decoded with exact decimals.
Timestamps are stored as ISO-8601 UTC strings with second precision, so they
sort lexicographically. ``due_at`` (when the next automatic step of a link or
payment request is due, NULL if none) has a fixed width for the same reason;
the simulator computes it, as it depends on the settings.
"""

import json
import sqlite3
import threading
from contextlib import contextmanager
from decimal import Decimal

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, provider TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
    id_client TEXT PRIMARY KEY, identity_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL, phone TEXT NOT NULL, blocked INTEGER NOT NULL DEFAULT 0,
    mandate_expired INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (
    provider TEXT NOT NULL, id_client TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, activated_at TEXT, due_at TEXT,
    PRIMARY KEY (provider, id_client));
CREATE TABLE IF NOT EXISTS payment_requests (
    id TEXT PRIMARY KEY, provider TEXT NOT NULL, num_facture TEXT NOT NULL,
    id_client TEXT NOT NULL, date_facture TEXT NOT NULL, status TEXT NOT NULL,
    status_since TEXT NOT NULL, payload TEXT NOT NULL, info TEXT NOT NULL,
    history TEXT NOT NULL, created_at TEXT NOT NULL, due_at TEXT,
    UNIQUE (provider, num_facture));
"""
# Created once the columns exist (after a migration). Partial: only the rows
# with an automatic step planned are indexed.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS payment_requests_status ON payment_requests (status)",
    "CREATE INDEX IF NOT EXISTS payment_requests_due ON payment_requests (due_at)"
    " WHERE due_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS links_due ON links (due_at) WHERE due_at IS NOT NULL",
)
# Version 1 had no due times; the simulator computes them at its first tick,
# as no ``due_basis`` is stored (see ``Simulator._schedule``).
MIGRATIONS = {
    1: (
        "ALTER TABLE links ADD COLUMN due_at TEXT",
        "ALTER TABLE payment_requests ADD COLUMN due_at TEXT",
    ),
}
_JSON_COLUMNS = ("data", "payload", "info", "history")
_TABLES = ("tokens", "customers", "links", "payment_requests", "meta")


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value):
    """JSON text; decimals become JSON numbers."""
    return json.dumps(value, default=_default, ensure_ascii=False)


def loads(text):
    return json.loads(text, parse_float=Decimal)


class Store:
    """All state access goes through :meth:`transaction` (re-entrant)."""

    def __init__(self, path=None):
        self.path = path or ":memory:"
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        with self._lock:
            self._conn.executescript(SCHEMA)
        with self.transaction():
            version = self.meta_get("schema_version", SCHEMA_VERSION)
            if version != SCHEMA_VERSION and version not in MIGRATIONS:
                raise RuntimeError(f"unsupported simulator database version {version}")
            for statement in MIGRATIONS.get(version, ()) + INDEXES:
                self._conn.execute(statement)
            self.meta_set("schema_version", SCHEMA_VERSION)

    def close(self):
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self):
        with self._lock:
            if self._depth == 0:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("COMMIT")

    def wipe(self):
        with self.transaction():
            for table in _TABLES:
                self._conn.execute(f"DELETE FROM {table}")
            self.meta_set("schema_version", SCHEMA_VERSION)

    # -- helpers ------------------------------------------------------------------

    def _rows(self, sql, params=()):
        return [self._decode(row) for row in self._conn.execute(sql, params)]

    def _row(self, sql, params=()):
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _select(self, table, conditions, order, columns="*"):
        """``columns`` of the rows of ``table`` meeting every ``(clause, value)``
        condition whose value is not None (a tuple value fills several ``?``)."""
        sql, params = f"SELECT {columns} FROM {table} WHERE 1 = 1", []
        for clause, value in conditions:
            if value is not None:
                sql += f" AND {clause}"
                params.extend(value if isinstance(value, tuple) else (value,))
        return self._rows(f"{sql} ORDER BY {order}", params)

    @staticmethod
    def _decode(row):
        out = dict(row)
        for column in _JSON_COLUMNS:
            if column in out:
                out[column] = loads(out[column])
        for column in ("blocked", "mandate_expired"):
            if column in out:
                out[column] = bool(out[column])
        return out

    def _insert(self, table, values):
        values = {k: dumps(v) if k in _JSON_COLUMNS else v for k, v in values.items()}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            tuple(values.values()),
        )

    def _update(self, table, keys, values):
        values = {k: dumps(v) if k in _JSON_COLUMNS else v for k, v in values.items()}
        assignments = ", ".join(f"{k} = ?" for k in values)
        where = " AND ".join(f"{k} = ?" for k in keys)
        self._conn.execute(
            f"UPDATE {table} SET {assignments} WHERE {where}",
            tuple(values.values()) + tuple(keys.values()),
        )

    # -- meta ---------------------------------------------------------------------

    def meta_get(self, key, default=None):
        row = self._conn.execute(
            "SELECT value FROM meta WHERE key = ?", (key,)
        ).fetchone()
        return default if row is None else loads(row["value"])

    def meta_set(self, key, value):
        self._conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (key, dumps(value)),
        )

    def next_sequence(self, name, start):
        with self.transaction():
            value = self.meta_get(name, start - 1) + 1
            self.meta_set(name, value)
            return value

    # -- tokens -------------------------------------------------------------------

    def add_token(self, token, provider, expires_at):
        self._insert(
            "tokens", {"token": token, "provider": provider, "expires_at": expires_at}
        )

    def get_token(self, token):
        return self._row("SELECT * FROM tokens WHERE token = ?", (token,))

    def delete_token(self, token):
        self._conn.execute("DELETE FROM tokens WHERE token = ?", (token,))

    def purge_tokens(self, now):
        self._conn.execute("DELETE FROM tokens WHERE expires_at <= ?", (now,))

    # -- customers and links ------------------------------------------------------

    def add_customer(self, values):
        self._insert("customers", values)

    def get_customer(self, id_client):
        return self._row("SELECT * FROM customers WHERE id_client = ?", (id_client,))

    def customer_by_identity(self, identity_key):
        return self._row(
            "SELECT * FROM customers WHERE identity_key = ?", (identity_key,)
        )

    def customer_by_contact(self, email, phone):
        return self._row(
            "SELECT * FROM customers WHERE email = ? AND phone = ?", (email, phone)
        )

    def customers_by_email(self, email):
        return self._rows(
            "SELECT * FROM customers WHERE email = ? ORDER BY created_at", (email,)
        )

    def customers(self):
        return self._rows("SELECT * FROM customers ORDER BY created_at, id_client")

    def update_customer(self, id_client, **values):
        self._update("customers", {"id_client": id_client}, values)

    def get_link(self, provider, id_client):
        return self._row(
            "SELECT * FROM links WHERE provider = ? AND id_client = ?",
            (provider, id_client),
        )

    def links(self, id_client=None, status=None, due_by=None, columns="*"):
        """Filter by customer, status and due time (``due_at <= due_by``)."""
        conditions = [
            ("id_client = ?", id_client),
            ("status = ?", status),
            ("due_at <= ?", due_by),
        ]
        return self._select("links", conditions, "created_at, provider", columns)

    def save_link(self, link):
        self._conn.execute(
            "INSERT OR REPLACE INTO links"
            " (provider, id_client, status, created_at, activated_at, due_at)"
            " VALUES (:provider, :id_client, :status, :created_at, :activated_at,"
            " :due_at)",
            link,
        )

    # -- payment requests ---------------------------------------------------------

    def add_payment_request(self, values):
        self._insert("payment_requests", values)

    def get_payment_request(self, id_dp):
        return self._row("SELECT * FROM payment_requests WHERE id = ?", (id_dp,))

    def payment_requests_by_id(self, ids):
        """``{id: request}`` of those of ``ids`` that exist, in one query."""
        marks = ", ".join("?" for _ in ids)
        rows = self._rows(f"SELECT * FROM payment_requests WHERE id IN ({marks})", ids)
        return {row["id"]: row for row in rows}

    def payment_request_by_invoice(self, provider, num_facture):
        return self._row(
            "SELECT * FROM payment_requests WHERE provider = ? AND num_facture = ?",
            (provider, num_facture),
        )

    def payment_requests(
        self, provider=None, statuses=None, period=None, due_by=None, columns="*"
    ):
        """Filter by provider, statuses, ``(first, last)`` invoice dates and due
        time (``due_at <= due_by``); ``columns`` (SQL) to read only some."""
        first, last = period or (None, None)
        marks = ", ".join("?" for _ in statuses or ())
        conditions = [
            ("provider = ?", provider),
            (f"status IN ({marks})", None if statuses is None else tuple(statuses)),
            ("date_facture >= ?", first),
            ("date_facture <= ?", last),
            ("due_at <= ?", due_by),
        ]
        return self._select("payment_requests", conditions, "date_facture, id", columns)

    def update_payment_request(self, id_dp, **values):
        self._update("payment_requests", {"id": id_dp}, values)

    def set_due_times(self, links, payment_requests):
        """Bulk update: ``{(provider, id_client): due_at}``, ``{id: due_at}``."""
        self._conn.executemany(
            "UPDATE links SET due_at = ? WHERE provider = ? AND id_client = ?",
            [(due_at, *key) for key, due_at in links.items()],
        )
        self._conn.executemany(
            "UPDATE payment_requests SET due_at = ? WHERE id = ?",
            [(due_at, key) for key, due_at in payment_requests.items()],
        )
