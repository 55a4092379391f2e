# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.account.controllers.portal import PortalAccount

from ..models.account_move import COLLECTED_STATES


class UrssafPortalAccount(PortalAccount):
    def _get_overdue_invoices_domain(self, partner_id=None):
        # The portal's "pay overdue invoices" never offers one Urssaf collects.
        return [
            *super()._get_overdue_invoices_domain(partner_id),
            ("l10n_fr_urssaf_state", "not in", COLLECTED_STATES),
        ]
