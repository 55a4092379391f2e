# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from psycopg2.extensions import TransactionRollbackError

from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)
CLAIM_ATTEMPTS = 5


def run_guarded(records, work, on_failure):
    """Run ``work(records)`` in a savepoint; when anything fails, run it record
    by record, each in its own savepoint, and hand the records that still fail
    to ``on_failure(record, exc)``: one bad record never stops a cron.

    Concurrency errors are raised: Odoo retries the whole transaction."""
    cr = records.env.cr
    if len(records) > 1:
        try:
            with cr.savepoint():
                work(records)
            return
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # pylint: disable=broad-except
            _logger.warning("%s failed: retrying one by one", records, exc_info=True)
    for record in records:
        try:
            with cr.savepoint():
                work(record)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as exc:  # pylint: disable=broad-except
            _logger.exception("%s could not be processed", record)
            with cr.savepoint():
                on_failure(record, exc)


def check_urssaf_owned(records, vals, owned, message=None):
    """Refuse a change of fields only Urssaf's answers set, unless it comes
    from the addon's own code, which writes them as superuser: neither a user,
    an import nor an RPC script may change them. Writing the value a record
    already has (a contact merge, an import of unchanged columns) is no
    change. ``message`` (with ``%(fields)s``) says who sets them instead."""
    if records.env.su:
        return
    # No records: a create, whose values are all new.
    changed = [
        name
        for name in owned
        if name in vals
        and (
            not records or any(_differs(record, name, vals[name]) for record in records)
        )
    ]
    if changed:
        env = records.env
        labels = ", ".join(
            records._fields[name]._description_string(env) for name in changed
        )
        message = message or env._(
            "%(fields)s: set from Urssaf's answers only, never by hand or by an "
            "import."
        )
        raise AccessError(message % {"fields": labels})


def _differs(record, name, value):
    field = record._fields[name]
    new = field.convert_to_record(field.convert_to_cache(value, record), record)
    return new != record[name]


def claim(model, where, size, column, until, order=None):
    """Up to ``size`` rows of ``model`` matching ``where`` (SQL) that no other
    worker holds, first in ``order`` (SQL, by default by id), leased to this
    worker: ``column`` set to ``until`` and committed at once (where the
    transaction may commit), so that the other workers' claims skip them
    until then; if this worker dies, they are claimed again once the lease
    ends.

    :return: the claimed records, in id order
    """
    cr = model.env.cr
    can_commit = model.env["account.move"]._l10n_fr_urssaf_can_commit()
    model.flush_model([column])
    query = SQL(
        """
        WITH claimed AS (
            SELECT id FROM %(table)s WHERE %(where)s
             ORDER BY %(order)s LIMIT %(size)s
               FOR NO KEY UPDATE SKIP LOCKED
        )
        UPDATE %(table)s row SET %(column)s = %(until)s
          FROM claimed WHERE row.id = claimed.id
        RETURNING row.id
        """,
        table=SQL.identifier(model._table),
        where=where,
        order=order or SQL("id"),
        size=size,
        column=SQL.identifier(column),
        until=until,
    )
    for _attempt in range(CLAIM_ATTEMPTS):
        if can_commit:
            # A fresh snapshot: rows others recorded meanwhile are seen as
            # they are now.
            cr.commit()  # pylint: disable=invalid-commit
        try:
            cr.execute(query, log_exceptions=False)
            break
        except TransactionRollbackError:
            # Changed by another worker since this snapshot began.
            if not can_commit:
                raise
            cr.rollback()  # pylint: disable=invalid-commit
    else:
        return model.browse()
    claimed = model.browse(sorted(row[0] for row in cr.fetchall()))
    claimed.invalidate_recordset([column])
    if can_commit:
        cr.commit()  # pylint: disable=invalid-commit
    return claimed
