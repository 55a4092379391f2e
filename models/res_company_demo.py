# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data that only the simulated Urssaf can produce: invoices paid and
cancelled over days past, and the bank statement of Urssaf's transfers."""

from datetime import timedelta

from odoo import fields, models
from odoo.tools import config

# The story starts this many days ago, the simulator's clock moved back.
DEMO_DAYS = 45


class ResCompany(models.Model):
    _inherit = "res.company"

    def _l10n_fr_urssaf_demo_statement(self, customer_id, product_id):
        """Called by the demo data; not when the tests install the addon: they
        share the demo company and expect it without Urssaf data (a test plays
        the story itself)."""
        # Told in French, as the demo company works.
        langs = dict(self.env["res.lang"].get_installed())
        env = (
            self.with_company(self)
            .with_context(lang="fr_FR" if "fr_FR" in langs else None)
            .env
        )
        customer = env["res.partner"].browse(customer_id)
        # Once: the story registers the customer with the simulator.
        if config["test_enable"] or customer.l10n_fr_urssaf_customer_id:
            return
        self.with_env(env)._l10n_fr_urssaf_demo_story(
            customer, env["product.product"].browse(product_id)
        )

    def _l10n_fr_urssaf_demo_story(self, customer, product):
        """The customer registered and active for 45 days; four invoices of
        4, 2, 1 and 3 hours of the product sent 12 days ago, paid by Urssaf 10
        days ago (the first) and 9 days ago (the others, one transfer), the
        last cancelled after its payout; and the statement of the payout
        journal with Urssaf's two transfers and its debit, to reconcile;
        returns that statement."""
        self.ensure_one()
        env = self.with_company(self).env
        customer = customer.with_env(env)
        simulator = self._l10n_fr_urssaf_simulator()
        moved = 0

        def advance(days):
            nonlocal moved
            simulator.advance(days=days)
            moved += days

        advance(-DEMO_DAYS)
        try:
            customer.action_l10n_fr_urssaf_register()
            customer._l10n_fr_urssaf_simulate_activation()
            advance(DEMO_DAYS - 12)
            today = fields.Date.context_today(self)
            invoice_date = today - timedelta(days=12)
            end = invoice_date - timedelta(days=1)
            start = max(end.replace(day=1), today - timedelta(days=DEMO_DAYS - 1))
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "company_id": self.id,
                        "partner_id": customer.id,
                        "invoice_date": invoice_date,
                        "l10n_fr_urssaf_service_start": start,
                        "l10n_fr_urssaf_service_end": end,
                        "l10n_fr_urssaf_intervenants": "Sophie Bernard",
                        "invoice_line_ids": [
                            fields.Command.create(
                                {"product_id": product.id, "quantity": quantity}
                            )
                        ],
                    }
                    for quantity in (4, 2, 1, 3)
                ]
            )
            moves.action_post()
            moves._l10n_fr_urssaf_send()
            requests = moves.l10n_fr_urssaf_request_ids
            for request in requests:
                simulator.validate(request.urssaf_id)
            advance(2)
            simulator.pay(requests[0].urssaf_id)
            advance(1)
            for request in requests[1:]:
                simulator.pay(request.urssaf_id)
            requests.action_refresh()
            cancelled = moves[3]
            env["l10n.fr.urssaf.cancel"].create(
                {"move_id": cancelled.id, "reason": "ANNUL_ERR_MNT"}
            ).action_confirm()
            advance(2)
            simulator.cancel(requests[3].urssaf_id, "ANNUL_ERR_MNT")
            requests[3].action_refresh()
        finally:
            simulator.advance(days=-moved)
        label = "VIR SEPA URSSAF AVANCE IMMEDIATE"
        return env["account.bank.statement"].create(
            {
                "name": self.env._("Urssaf demo statement"),
                "journal_id": self.l10n_fr_urssaf_journal_id.id,
                "line_ids": [
                    fields.Command.create(
                        {"date": date, "payment_ref": ref, "amount": amount}
                    )
                    for date, ref, amount in (
                        (
                            requests[0].transfer_date + timedelta(days=1),
                            label,
                            requests[0].transfer_amount,
                        ),
                        (
                            requests[1].transfer_date + timedelta(days=1),
                            label,
                            sum(requests[1:].mapped("transfer_amount")),
                        ),
                        (
                            today - timedelta(days=5),
                            "PRLV SEPA URSSAF REGULARISATION AVANCE IMMEDIATE",
                            -requests[3].transfer_amount,
                        ),
                    )
                ],
            }
        )
