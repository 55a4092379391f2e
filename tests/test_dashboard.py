# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The follow-up dashboard: its filters, estimates and measures."""

import ast
from datetime import date, datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .test_payment_request import PaymentRequestCommon

MODULE = "l10n_fr_urssaf_avance_immediate"
# 1 April 00:30 in Paris: already April there, still March in UTC.
NOW = datetime(2026, 3, 31, 22, 30)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestDashboard(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer()
        cls.requests = {}
        for name, state, since, values in (
            ("waiting_49h", "waiting", timedelta(hours=49), {}),
            ("waiting_47h", "waiting", timedelta(hours=47), {}),
            ("validated_8d", "validated", timedelta(days=8), {}),
            ("validated_6d", "validated", timedelta(days=6), {}),
            # 00:10 in Paris on 1 April, then 23:50 on 31 March.
            ("refused_april", "refused", timedelta(minutes=20), {}),
            ("refused_march", "refused", timedelta(minutes=40), {}),
            ("unpaid", "unpaid", timedelta(days=3), {}),
            ("recovered", "recovered", timedelta(days=40), {}),
            (
                "paid",
                "paid",
                timedelta(days=2),
                {"transfer_date": date(2026, 3, 30), "transfer_amount": 132.0},
            ),
            ("sent", "sent", timedelta(hours=1), {}),
            ("error", "error", timedelta(hours=1), {}),
        ):
            move = cls.invoice_at(cls.customer)
            cls.requests[name] = (
                cls.env["l10n.fr.urssaf.payment.request"]
                .sudo()
                .create(
                    {
                        "name": move.name,
                        "move_id": move.id,
                        "partner_id": cls.customer.id,
                        "company_id": cls.company.id,
                        "amount": move.amount_total,
                        "environment": "simulation",
                        "state": state,
                        "sent_date": NOW - since - timedelta(hours=1),
                        "status_date": NOW - since,
                        **values,
                    }
                )
            )

    @classmethod
    def invoice_at(cls, partner):
        """A posted invoice of March's services (no request yet)."""
        move = cls.init_invoice(
            "out_invoice",
            partner=partner,
            invoice_date=date(2026, 3, 31),
            products=cls.cleaning,
        )
        move.write(
            {
                "l10n_fr_urssaf_service_start": date(2026, 3, 1),
                "l10n_fr_urssaf_service_end": date(2026, 3, 31),
            }
        )
        move.action_post()
        return move

    def found(self, domain):
        Request = self.env["l10n.fr.urssaf.payment.request"]
        ours = Request.browse([request.id for request in self.requests.values()])
        found = Request.search(domain) & ours
        return {name for name, request in self.requests.items() if request in found}

    def view_domain(self, name):
        arch = etree.fromstring(
            self.env.ref(f"{MODULE}.payment_request_view_search").arch
        )
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        return ast.literal_eval(node.get("domain"))

    def test_follow_up_filters(self):
        for name, expected in (
            ("customer_late", {"waiting_49h"}),
            ("payout_late", {"validated_8d"}),
            # This month in Paris, where Urssaf's clock runs.
            ("refused_month", {"refused_april"}),
            ("unpaid", {"unpaid", "recovered"}),
            (
                "received",
                set(self.requests) - {"error"},
            ),
            (
                "expected",
                {"waiting_49h", "waiting_47h", "validated_8d", "validated_6d", "sent"},
            ),
        ):
            with self.subTest(filter=name):
                self.assertEqual(self.found(self.view_domain(name)), expected)
        # Several at once, as the search panel combines filters of a group.
        self.assertEqual(
            self.found([("follow_up", "in", ("customer_late", "unpaid"))]),
            {"waiting_49h", "unpaid", "recovered"},
        )
        # A custom filter may negate it.
        flagged = {
            "waiting_49h",
            "validated_8d",
            "refused_april",
            "unpaid",
            "recovered",
        }
        self.assertEqual(
            self.found([("follow_up", "!=", "customer_late")]),
            set(self.requests) - {"waiting_49h"},
        )
        self.assertEqual(
            self.found([("follow_up", "=", False)]), set(self.requests) - flagged
        )
        self.assertEqual(self.found([("follow_up", "!=", False)]), flagged)
        self.assertEqual(self.requests["waiting_49h"].follow_up, "customer_late")
        self.assertFalse(self.requests["waiting_47h"].follow_up)

    def test_follow_up_moves_with_time(self):
        with freeze_time(NOW + timedelta(hours=2)):
            self.assertEqual(
                self.found(self.view_domain("customer_late")),
                {"waiting_49h", "waiting_47h"},
            )
        # Next month: the refusals of April are last month's.
        with freeze_time(datetime(2026, 4, 30, 22, 0)):
            self.assertEqual(self.found(self.view_domain("refused_month")), set())

    def test_expected_payout_date(self):
        expected = {
            # The payout once known; else 4 days after the validation, itself
            # within 48 hours, in Paris days.
            "paid": date(2026, 3, 30),
            "validated_8d": date(2026, 3, 27),
            # 29 March 22:30 UTC + 4 days: 30 March 00:30 in Paris.
            "validated_6d": date(2026, 3, 30),
            "waiting_47h": date(2026, 4, 5),
            "sent": date(2026, 4, 6),
            "refused_april": False,
            "error": False,
            "unpaid": False,
        }
        for name, day in expected.items():
            with self.subTest(request=name):
                self.assertEqual(self.requests[name].expected_payout_date, day)

    def test_refusal_rate_per_month(self):
        Request = self.env["l10n.fr.urssaf.payment.request"]
        domain = [("id", "in", [r.id for r in self.requests.values()])]
        groups = Request._read_group(
            domain + self.view_domain("received"),
            ["sent_date:month"],
            ["refusal_rate:avg", "__count"],
        )
        by_month = {month.month: (rate, count) for month, rate, count in groups}
        self.assertEqual(set(by_month), {2, 3})
        # Sent in March: 2 refused of the 9 Urssaf received.
        self.assertAlmostEqual(by_month[3][0], 200 / 9, places=2)
        self.assertEqual(by_month[3][1], 9)
        self.assertEqual(by_month[2], (0.0, 1))

    def test_dashboard_actions_open(self):
        Request = self.env["l10n.fr.urssaf.payment.request"]
        for xmlid in (
            "action_payment_request_follow_up",
            "action_payment_request_payouts",
            "action_payment_request_refusals",
        ):
            with self.subTest(action=xmlid):
                action = self.env["ir.actions.act_window"]._for_xml_id(
                    f"{MODULE}.{xmlid}"
                )
                context = ast.literal_eval(action["context"])
                views = Request.get_views(
                    [(False, mode) for mode in action["view_mode"].split(",")],
                    {"load_filters": True},
                )
                self.assertEqual(
                    set(views["views"]), {"graph", "pivot", "list", "form"}
                )
                groupbys = context.get("graph_groupbys", ["sent_date:month", "state"])
                measure = context.get("graph_measure", "__count")
                aggregates = ["__count"] if measure == "__count" else [f"{measure}:avg"]
                Request._read_group([], groupbys, aggregates)
