# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One clock for service days, whatever the user's time zone, and the
date-sensitive flows run on the days that break date arithmetic."""

from contextlib import closing
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from ..lib.payload import build_payment_request_payload

# Modules, not classes: a test class imported here would run twice.
from . import test_cancellation as cancellation
from . import test_environments as environments
from . import test_payment_request as sending
from . import test_urssaf_owned as owned
from .test_payment_request import PaymentRequestCommon

TIME_ZONES = ("Europe/Paris", "America/Guadeloupe", "Indian/Reunion", "Pacific/Noumea")
# UTC instants: around Paris and UTC midnights, a month end, 31 December,
# 29 February and both 2026 DST change days (29 March, 25 October).
MOMENTS = (
    "2026-11-30 22:30:00",
    "2026-11-30 23:30:00",
    "2026-12-01 00:30:00",
    "2026-12-31 23:30:00",
    "2028-02-29 12:00:00",
    "2026-03-29 00:30:00",
    "2026-03-29 01:30:00",
    "2026-10-25 00:30:00",
    "2026-10-25 01:30:00",
)


@tagged("post_install", "-at_install")
class TestUrssafClock(PaymentRequestCommon):
    def submit(self, move):
        """What Urssaf (the simulator) says of the invoice, sent as is."""
        payload = build_payment_request_payload(move._l10n_fr_urssaf_payment_request())
        with self.company._l10n_fr_urssaf_client() as client:
            (result,) = client.submit_payment_requests([payload])
        return result.outcome, [error.code for error in result.errors]

    def test_check_and_urssaf_agree_in_every_time_zone(self):
        """No problem found before sending exactly when Urssaf accepts: around
        midnight, on DST days, for users of four time zones."""
        checked, outcomes = 0, set()
        for moment in MOMENTS:
            for tz in TIME_ZONES:
                with freeze_time(moment), self.subTest(moment=moment, tz=tz):
                    self.env.user.tz = tz
                    now = datetime.now()
                    for activated in (
                        now - timedelta(hours=1),
                        now - timedelta(days=40),
                    ):
                        self.reset_simulator()
                        partner = self.active_customer(activated_at=activated)
                        today = fields.Date.context_today(partner)
                        days = {today + timedelta(days=d) for d in (-1, 0, 1)}
                        days.add(partner.l10n_fr_urssaf_activation_date.date())
                        for day in sorted(days):
                            move = self.invoice(
                                partner,
                                l10n_fr_urssaf_service_start=day,
                                l10n_fr_urssaf_service_end=day,
                            )
                            problems = move._l10n_fr_urssaf_send_problems()
                            outcome, codes = self.submit(move)
                            self.assertEqual(
                                not problems,
                                outcome == "accepted",
                                f"{day}: checked {problems}, Urssaf {outcome} {codes}",
                            )
                            checked += 1
                            outcomes.add(outcome)
        self.assertGreater(checked, 200)
        # Not vacuous: both sides accept some and refuse others.
        self.assertEqual(outcomes, {"accepted", "rejected"})

    def test_period_over_two_months_and_in_the_future_says_both(self):
        with freeze_time("2026-11-30 12:00:00"):
            move = self.invoice(
                self.active_customer(),
                l10n_fr_urssaf_service_start=fields.Date.to_date("2026-11-25"),
                l10n_fr_urssaf_service_end=fields.Date.to_date("2026-12-02"),
            )
            problems = "\n".join(move._l10n_fr_urssaf_send_problems())
        self.assertIn("within one calendar month", problems)
        self.assertIn("in the future", problems)


# The date-sensitive flows, each run once per difficult moment.
FLOWS = (
    sending.TestSendPaymentRequest.test_eligibility_matrix,
    sending.TestSendPaymentRequest.test_service_period_defaults,
    sending.TestSendPaymentRequest.test_send_one_invoice,
    sending.TestSendPaymentRequest.test_follow_to_payout,
    sending.TestFollowPaymentRequest.test_paid_requests_watched_for_a_week,
    cancellation.TestCancellation.test_each_status_and_reason,
    environments.TestEnvironments.test_going_live_after_a_simulation,
    environments.TestEnvironments.test_neutralised_copy_leaves_real_links_alone,
    owned.TestUrssafOwnedData.test_customer_link,
    owned.TestUrssafOwnedData.test_create_and_import_cannot_set_a_link,
    owned.TestUrssafOwnedData.test_unchanged_values_pass_and_contacts_merge,
    owned.TestUrssafOwnedData.test_invoice_data,
    owned.TestUrssafOwnedData.test_invoice_not_sent_stays_editable,
    owned.TestUrssafOwnedData.test_reissue_and_cancel_still_write_their_marks,
)


@tagged("post_install", "-at_install")
class TestDifficultDays(PaymentRequestCommon):
    # What the flows use of their own classes.
    draft_in_form = sending.TestSendPaymentRequest.draft_in_form
    cancel = cancellation.TestCancellation.cancel
    reach = cancellation.TestCancellation.reach
    assert_refused = owned.TestUrssafOwnedData.assert_refused

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = owned.owned_users(cls.env, cls.company)

    def test_date_sensitive_flows_on_difficult_days(self):
        self.env.user.tz = "Europe/Paris"
        for moment in MOMENTS:
            for flow in FLOWS:
                with (
                    freeze_time(moment),
                    self.subTest(moment=moment, flow=flow.__name__),
                    # Each flow undone: the next one starts from the same data.
                    closing(self.env.cr.savepoint()),
                ):
                    self.reset_simulator()
                    flow(self)
