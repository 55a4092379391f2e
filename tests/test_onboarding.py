# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import csv
import io
import logging
import time
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.misc import file_open

from ..lib.client import UrssafClient
from ..lib.exceptions import UrssafTemporaryError
from ..lib.payload import build_customer_payload
from ..models import res_partner
from .common import LUCIE, PAUL, UrssafCommon, customer_values

_logger = logging.getLogger(__name__)
TEMPLATE = "l10n_fr_urssaf_avance_immediate/static/import/urssaf_customers.csv"


@tagged("post_install", "-at_install")
class TestImportAndLinks(UrssafCommon):
    def registered_elsewhere(self, **values):
        """The Urssaf customer ID of a customer registered with another
        software: Urssaf knows them, Odoo does not yet."""
        partner = self.make_customer(**values)
        payload = build_customer_payload(partner._l10n_fr_urssaf_customer())
        with self.company._l10n_fr_urssaf_client() as client:
            customer_id = client.register_customer(payload)
        partner.unlink()
        return customer_id

    def import_rows(self, rows, **context):
        """Import ``rows`` (dicts by column of the template) as a user does
        (from a list whose action gives ``context``)."""
        with file_open(TEMPLATE, "r") as template:
            header = next(csv.reader(template))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
        wizard = (
            self.env["base_import.import"]
            .with_context(**context)
            .create(
                {
                    "res_model": "res.partner",
                    "file": out.getvalue().encode(),
                    "file_type": "text/csv",
                }
            )
        )
        options = {
            "has_headers": True,
            "quoting": '"',
            "separator": ",",
            "date_format": "%Y-%m-%d",
        }
        preview = wizard.parse_preview(options)
        self.assertFalse(preview.get("error"), preview)
        result = wizard.execute_import(header, header, options)
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"], result["messages"]
        )
        return self.env["res.partner"].browse(result["ids"])

    def row(self, index=0, link="", **values):
        identity = customer_values(self.env, **values)
        return {
            "name": f"{identity['l10n_fr_urssaf_first_names']} "
            f"{identity['l10n_fr_urssaf_birth_name']}",
            "l10n_fr_urssaf_civility": identity["l10n_fr_urssaf_civility"],
            "l10n_fr_urssaf_birth_name": identity["l10n_fr_urssaf_birth_name"],
            "l10n_fr_urssaf_first_names": identity["l10n_fr_urssaf_first_names"],
            "l10n_fr_urssaf_birth_date": str(identity["l10n_fr_urssaf_birth_date"]),
            "l10n_fr_urssaf_birth_country_id": "France",
            "l10n_fr_urssaf_birth_commune_id": "Rennes 35000",
            "street": identity["street"],
            "zip": identity["zip"],
            "city": identity["city"],
            "country_id": "France",
            "mobile": f"06{index:08d}",
            "email": f"customer{index}@example.com",
            "l10n_fr_urssaf_link_to_check": link,
        }

    def test_template_rows_import(self):
        # Banks are chosen by BIC (or name) among those Odoo knows.
        if not self.env["res.bank"].search([("bic", "=", "BNPAFRPP")]):
            self.env["res.bank"].create({"name": "BNP Paribas", "bic": "BNPAFRPP"})
        with file_open(TEMPLATE, "r") as template:
            rows = list(csv.DictReader(template))
        # From Invoicing > Customers, whose list makes companies by default,
        # even with the company type left empty.
        rows[1]["company_type"] = ""
        partners = self.import_rows(rows, default_is_company=True)
        self.assertEqual(len(partners), 2)
        self.assertFalse(any(partners.mapped("is_company")))
        jeanne, paul = partners
        self.assertEqual(jeanne.l10n_fr_urssaf_birth_commune_id.code, "35238")
        self.assertEqual(paul.l10n_fr_urssaf_birth_commune_id.code, "69123")
        self.assertEqual(
            jeanne.bank_ids.sanitized_acc_number, "FR7630004000031234567890143"
        )
        self.assertFalse(jeanne._l10n_fr_urssaf_registration_problems())
        # An import cannot write what only Urssaf says.
        self.assertFalse(paul.l10n_fr_urssaf_customer_id)
        self.assertTrue(paul.l10n_fr_urssaf_link_to_check)

    def test_someone_with_a_birth_name_is_a_person(self):
        Partner = self.env["res.partner"].with_context(default_is_company=True)
        jeanne = Partner.create(
            {"name": "Jeanne", "l10n_fr_urssaf_birth_name": "Durand"}
        )
        self.assertFalse(jeanne.is_company)
        self.assertTrue(Partner.create({"name": "SAP Services"}).is_company)

    def test_imported_links_checked_with_a_summary(self):
        jeanne_id = self.registered_elsewhere()
        paul_id = self.registered_elsewhere(**PAUL)
        rows = [
            self.row(0, jeanne_id),
            # Lucie given Paul's ID: Urssaf's identity is not hers.
            self.row(1, paul_id, **LUCIE),
            self.row(2, "00000000-0000-0000-0000-000000000000", **PAUL),
            self.row(3, ""),
        ]
        rows[3]["email"] = "nolink@example.com"
        jeanne, lucie, paul, no_link = self.import_rows(rows)
        action = (jeanne | lucie | paul | no_link).action_l10n_fr_urssaf_check_links()
        summary = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(summary.message, "1 customer linked. 2 customers not linked.")
        results = {line.partner_id: line for line in summary.line_ids}
        self.assertTrue(results[jeanne].registered)
        self.assertEqual(jeanne.l10n_fr_urssaf_customer_id, jeanne_id)
        self.assertFalse(jeanne.l10n_fr_urssaf_link_to_check)
        self.assertIn("different birth name", results[lucie].result)
        # Kept on the customer: which names differ, not the other person's.
        self.assertIn("different birth name", lucie.l10n_fr_urssaf_link_problem)
        self.assertNotIn("Petit", lucie.l10n_fr_urssaf_link_problem)
        self.assertFalse(lucie.l10n_fr_urssaf_customer_id)
        self.assertTrue(paul.l10n_fr_urssaf_link_problem)
        self.assertNotIn(no_link, results)
        fix = self.env["res.partner"].search(
            [("l10n_fr_urssaf_link_problem", "!=", False)]
        )
        self.assertEqual(fix, lucie | paul)
        # Only the addon writes the problem; a correction clears it.
        with self.assertRaises(AccessError):
            lucie.write({"l10n_fr_urssaf_link_problem": False})
        lucie.l10n_fr_urssaf_link_to_check = paul_id
        self.assertFalse(lucie.l10n_fr_urssaf_link_problem)
        # Imported again with the same ID: linked already, no problem.
        jeanne.l10n_fr_urssaf_link_to_check = jeanne_id
        self.assertEqual(
            jeanne.action_l10n_fr_urssaf_check_links()["params"]["type"], "success"
        )

    def test_urssaf_unreachable_checks_later_and_others_go_on(self):
        ids = [self.registered_elsewhere(**identity) for identity in ({}, PAUL, LUCIE)]
        partners = self.import_rows(
            [
                self.row(0, ids[0]),
                self.row(1, ids[1], **PAUL),
                self.row(2, ids[2], **LUCIE),
            ]
        )
        # Another company's customer: said, and kept as the problem.
        other_company = self.setup_other_company()["company"]
        partners[0].company_id = other_company
        status = UrssafClient.get_customer_status
        calls = []

        def flaky(client, **kwargs):
            calls.append(kwargs)
            if len(calls) == 2:
                raise UrssafTemporaryError("NETWORK_ERROR", "timeout")
            return status(client, **kwargs)

        with (
            patch.object(UrssafClient, "get_customer_status", flaky),
            patch.object(type(self.env["ir.cron"]), "_trigger") as trigger,
        ):
            action = partners.action_l10n_fr_urssaf_check_links()
        summary = self.env[action["res_model"]].browse(action["res_id"])
        self.assertIn("1 customer linked.", summary.message)
        self.assertTrue(partners[1].l10n_fr_urssaf_customer_id)
        self.assertIn(other_company.name, partners[0].l10n_fr_urssaf_link_problem)
        # Lucie waits for Urssaf, without a problem to fix.
        self.assertFalse(partners[2].l10n_fr_urssaf_link_problem)
        self.assertEqual(partners[2].l10n_fr_urssaf_link_company_id, self.company)
        trigger.assert_called_once()
        self.env["res.partner"]._cron_l10n_fr_urssaf_check_links()
        self.assertEqual(partners[2].l10n_fr_urssaf_customer_id, ids[2])
        self.assertFalse(partners[2].l10n_fr_urssaf_link_company_id)

    def test_many_links_checked_in_the_background(self):
        ids = [self.registered_elsewhere(**identity) for identity in ({}, PAUL)]
        partners = self.import_rows([self.row(0, ids[0]), self.row(1, ids[1], **PAUL)])
        with (
            patch.object(res_partner, "LINK_CHECK_NOW", 1),
            patch.object(type(self.env["ir.cron"]), "_trigger") as trigger,
        ):
            action = partners.action_l10n_fr_urssaf_check_links()
        self.assertIn("in the background", action["params"]["message"])
        trigger.assert_called_once()
        self.env["res.partner"]._cron_l10n_fr_urssaf_check_links()
        self.assertEqual(partners.mapped("l10n_fr_urssaf_customer_id"), ids)

    def test_thousand_rows_imported_then_checked(self):
        """Figures for the closing note: import time, calls made (one status
        call per customer, one token)."""
        count = 1000
        names = [
            "".join(chr(97 + index // 26**rank % 26) for rank in range(3)).title()
            for index in range(count)
        ]
        identities = [
            {
                "l10n_fr_urssaf_first_names": names[index],
                "email": f"customer{index}@example.com",
                "mobile": f"06{index:08d}",
            }
            for index in range(count)
        ]
        ids = [self.registered_elsewhere(**identity) for identity in identities]
        rows = [
            self.row(
                index,
                ids[index],
                l10n_fr_urssaf_first_names=names[index],
            )
            for index in range(count)
        ]
        started = time.perf_counter()
        partners = self.import_rows(rows)
        imported = time.perf_counter() - started
        self.assertEqual(len(partners), count)
        status, token = UrssafClient.get_customer_status, UrssafClient.fetch_token
        with (
            patch.object(res_partner, "LINK_CHECK_NOW", count),
            patch.object(
                UrssafClient, "get_customer_status", autospec=True, side_effect=status
            ) as status_calls,
            patch.object(
                UrssafClient, "fetch_token", autospec=True, side_effect=token
            ) as token_calls,
        ):
            started = time.perf_counter()
            partners.action_l10n_fr_urssaf_check_links()
            checked = time.perf_counter() - started
        self.assertEqual(partners.filtered("l10n_fr_urssaf_customer_id"), partners)
        # Urssaf's API checks one customer a call.
        self.assertEqual(status_calls.call_count, count)
        self.assertLessEqual(token_calls.call_count, 1)
        _logger.info(
            "%s rows: import %.1f s; link check %.1f s, %s status calls, %s token",
            count,
            imported,
            checked,
            status_calls.call_count,
            token_calls.call_count,
        )
