# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


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


def check_urssaf_owned(records, vals, owned):
    """Refuse a change of fields only Urssaf's answers set, unless it comes
    from the addon's own code, which writes them as superuser: neither a user,
    an import nor an RPC script may change them. Writing the value a record
    already has (a contact merge, an import of unchanged columns) is no
    change."""
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
        raise AccessError(
            env._(
                "%(fields)s: set from Urssaf's answers only, never by hand or "
                "by an import.",
                fields=labels,
            )
        )


def _differs(record, name, value):
    field = record._fields[name]
    new = field.convert_to_record(field.convert_to_cache(value, record), record)
    return new != record[name]
