# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


def run_guarded(records, work, on_failure):
    """Run ``work(records)`` in a savepoint; when anything fails, run it record
    by record, each in its own savepoint, and hand the records that still fail
    to ``on_failure(record, exc)``: one bad record never stops a cron."""
    cr = records.env.cr
    if len(records) > 1:
        try:
            with cr.savepoint():
                work(records)
            return
        except Exception:  # pylint: disable=broad-except
            _logger.warning("%s failed: retrying one by one", records, exc_info=True)
    for record in records:
        try:
            with cr.savepoint():
                work(record)
        except Exception as exc:  # pylint: disable=broad-except
            _logger.exception("%s could not be processed", record)
            on_failure(record, exc)


def check_urssaf_owned(records, vals, owned):
    """Refuse a write of fields only Urssaf's answers set, unless it comes
    from the addon's own code, which writes them as superuser: neither a user,
    an import nor an RPC script may set them."""
    if records.env.su:
        return
    touched = [name for name in owned if name in vals]
    if touched:
        env = records.env
        labels = ", ".join(
            records._fields[name]._description_string(env) for name in touched
        )
        raise AccessError(
            env._(
                "%(fields)s: set from Urssaf's answers only, never by hand or "
                "by an import.",
                fields=labels,
            )
        )
