# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment requests made before 18.0.1.2.0 start their status history with
the status they have now, seen when it was last set."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    requests = env["l10n.fr.urssaf.payment.request"].search(
        [("status_history_ids", "=", False)]
    )
    requests._create_history(
        [
            request._history_values(
                "upgrade",
                None,
                request.status_date or request.sent_date or request.create_date,
            )
            for request in requests
        ]
    )
