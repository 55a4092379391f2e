# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every filter of the screens, and every cron search, can be served by an
index: the planner, told to avoid sequential scans, reads the expected one.
Timings are tools/bench_indexes.py's business."""

import ast
import json

from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

MODULE = "l10n_fr_urssaf_avance_immediate"
MOVE_STATE = "account_move_l10n_fr_urssaf_state_index"
REQUEST_STATE = "l10n_fr_urssaf_payment_request_state_index"
PARTNER_STATE = "res_partner__l10n_fr_urssaf_state_index"
EXCHANGE_FAILED = "l10n_fr_urssaf_exchange_failed_index"
# No state in error: the index of the live requests may serve too.
LIVE_STATES = (
    REQUEST_STATE,
    "l10n_fr_urssaf_payment_request_live_move_environment_unique",
)


@tagged("post_install", "-at_install")
class TestFilterIndexes(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Statistics for the few rows of a test database.
        for model in (
            "account.move",
            "l10n.fr.urssaf.payment.request",
            "res.partner",
            "l10n.fr.urssaf.exchange",
        ):
            cls.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(cls.env[model]._table)))

    def setUp(self):
        super().setUp()
        # Until the test's rollback: any index beats a sequential scan, so
        # the plan shows whether one serves the filter.
        self.env.cr.execute("SET LOCAL enable_seqscan = off")

    def view_domain(self, view, name):
        """The domain of the filter ``name`` in the addon's search view."""
        arch = etree.fromstring(self.env.ref(f"{MODULE}.{view}").arch)
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        if node.get("date"):
            # A month long ago, as the date filter's options give it.
            return [
                (node.get("date"), ">=", "2020-01-01"),
                (node.get("date"), "<", "2020-02-01"),
            ]
        return ast.literal_eval(node.get("domain"))

    def indexes_used(self, model, domain):
        """Indexes in the plan of the ORM's count of ``domain``: the query
        of the list's count, which reads every matching row. Without record
        rules nor archived test: the filter's own condition only, so that the
        company's or the move type's index does not compete."""
        query = self.env[model].sudo().with_context(active_test=False)._search(domain)
        self.env.cr.execute(SQL("EXPLAIN (FORMAT JSON) %s", query.select("COUNT(*)")))
        result = self.env.cr.fetchone()[0]
        nodes = [
            (result if isinstance(result, list) else json.loads(result))[0]["Plan"]
        ]
        used = set()
        while nodes:
            node = nodes.pop()
            used.add(node.get("Index Name"))
            nodes += node.get("Plans", [])
        return used - {None}

    def assertServedBy(self, model, domain, *indexes):
        """Served by one of ``indexes``."""
        with self.subTest(model=model, domain=domain):
            used = self.indexes_used(model, domain)
            self.assertTrue(used & set(indexes), f"{used} used, not {indexes}")

    def test_invoice_filters(self):
        for name in (
            "l10n_fr_urssaf_to_send",
            "l10n_fr_urssaf_in_progress",
            "l10n_fr_urssaf_excluded",
            "l10n_fr_urssaf_attention",
        ):
            domain = self.view_domain("view_account_invoice_filter", name)
            self.assertServedBy("account.move", domain, MOVE_STATE)
        # A single rare state, as the group-by's "refused" group opens it.
        self.assertServedBy(
            "account.move", [("l10n_fr_urssaf_state", "=", "refused")], MOVE_STATE
        )

    def test_payment_request_filters(self):
        view = "payment_request_view_search"
        model = "l10n.fr.urssaf.payment.request"
        self.assertServedBy(model, self.view_domain(view, "attention"), REQUEST_STATE)
        self.assertServedBy(model, self.view_domain(view, "in_progress"), *LIVE_STATES)
        # The follow-up dashboard's filters.
        for name in ("customer_late", "payout_late", "refused_month"):
            self.assertServedBy(model, self.view_domain(view, name), REQUEST_STATE)
        for name in ("unpaid", "expected"):
            self.assertServedBy(model, self.view_domain(view, name), *LIVE_STATES)
        self.assertServedBy(
            model,
            self.view_domain(view, "sent_date"),
            "l10n_fr_urssaf_payment_request__sent_date_index",
        )

    def test_customer_filters(self):
        for name in (
            "l10n_fr_urssaf_pending",
            "l10n_fr_urssaf_active",
            "l10n_fr_urssaf_blocked",
        ):
            domain = self.view_domain("view_res_partner_filter", name)
            self.assertServedBy("res.partner", domain, PARTNER_STATE)

    def test_exchange_filters(self):
        view = "exchange_view_search"
        model = "l10n.fr.urssaf.exchange"
        for name in ("m010", "m020", "m050", "m070"):
            self.assertServedBy(
                model,
                self.view_domain(view, name),
                "l10n_fr_urssaf_exchange_operation_index",
            )
        for name in ("production", "sandbox", "simulation"):
            self.assertServedBy(
                model,
                self.view_domain(view, name),
                "l10n_fr_urssaf_exchange_environment_index",
            )
        for name in ("problems", "lost"):
            self.assertServedBy(model, self.view_domain(view, name), EXCHANGE_FAILED)

    def test_cron_searches(self):
        self.assertServedBy(
            "l10n.fr.urssaf.payment.request",
            [("next_check", "<=", fields.Datetime.now())],
            "l10n_fr_urssaf_payment_request__next_check_index",
        )
        self.assertServedBy(
            "account.move",
            [("l10n_fr_urssaf_queued_by_id", "!=", False)],
            "account_move__l10n_fr_urssaf_queued_by_id_index",
        )
        self.assertServedBy(
            "res.partner",
            [
                ("l10n_fr_urssaf_customer_id", "!=", False),
                ("l10n_fr_urssaf_company_id", "!=", False),
                ("l10n_fr_urssaf_state", "in", ("pending", "not_finalised")),
            ],
            PARTNER_STATE,
            "res_partner__l10n_fr_urssaf_customer_id_index",
        )
