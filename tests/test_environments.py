# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Local simulation, sandbox and production never mix."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import activated_long_ago
from .test_payment_request import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestEnvironments(PaymentRequestCommon):
    def test_going_live_after_a_simulation(self):
        partner = self.active_customer()
        move, simulated = self.sent_invoice(partner)
        self.assertEqual(partner.l10n_fr_urssaf_environment, "simulation")
        self.assertEqual(simulated.environment, "simulation")
        with self.urssaf_over_http(self.company):
            self.assertTrue(partner.l10n_fr_urssaf_elsewhere)
            self.assertFalse(simulated.is_simulation)
            # The simulated request is never asked of the real Urssaf.
            simulated.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
            calls = self.count_calls()
            self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
            self.assertEqual(calls, [])
            self.assertFalse(simulated.next_check)
            self.assertEqual(simulated.state, "sent")
            # Nor are simulated customers, and invoices say what to do.
            self.assertIn(
                "register the customer again",
                partner._l10n_fr_urssaf_refresh()[partner],
            )
            new = self.invoice(partner)
            problems = "\n".join(new._l10n_fr_urssaf_send_problems())
            self.assertIn("register the customer again", problems)
            self.assertEqual(calls, [])
            # Registered for real, the customer's invoices go for real; the
            # invoice sent in simulation only can be sent too.
            partner.action_l10n_fr_urssaf_register()
            self.assertEqual(partner.l10n_fr_urssaf_environment, "sandbox")
            self.assertFalse(partner.l10n_fr_urssaf_elsewhere)
            self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
            self.assertFalse(partner.l10n_fr_urssaf_activation_date)
            self.simulator.activate(
                partner.l10n_fr_urssaf_customer_id,
                provider="provider-test",
                at=activated_long_ago(),
            )
            partner.action_l10n_fr_urssaf_refresh_status()
            self.assertEqual(move.l10n_fr_urssaf_state, "to_send")
            results = (move | new)._l10n_fr_urssaf_send()
            self.assertEqual({outcome for outcome, _m in results.values()}, {"sent"})
            real = move.l10n_fr_urssaf_request_ids - simulated
            self.assertEqual(real.environment, "sandbox")
            self.assertEqual(move.l10n_fr_urssaf_request_id, real)

    def test_neutralised_copy_leaves_real_links_alone(self):
        with self.urssaf_over_http(self.company):
            partner = self.make_customer()
            partner.action_l10n_fr_urssaf_register()
        self.assertEqual(partner.l10n_fr_urssaf_environment, "sandbox")
        # What data/neutralize.sql does to a copied database.
        self.company.l10n_fr_urssaf_environment = "simulation"
        self.assertTrue(partner.l10n_fr_urssaf_elsewhere)
        calls = self.count_calls()
        self.env["res.partner"]._cron_l10n_fr_urssaf_refresh_status()
        self.assertEqual(calls, [])
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
