# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Companies with a payout journal before 18.0.1.3.0 get their Urssaf
reconciliation model."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["account.reconcile.model"]._l10n_fr_urssaf_ensure(env["res.company"].search([]))
