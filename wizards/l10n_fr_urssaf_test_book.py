# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
import zipfile

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..models.report_test_book import PARIS, TEST_BOOK_OPERATIONS

REPORT = "l10n_fr_urssaf_avance_immediate.action_report_test_book"


class L10nFrUrssafTestBook(models.TransientModel):
    _name = "l10n.fr.urssaf.test.book"
    _description = "Urssaf Test Book"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    environment = fields.Selection(related="company_id.l10n_fr_urssaf_environment")
    test_book_date = fields.Datetime(related="company_id.l10n_fr_urssaf_test_book_date")
    summary = fields.Html(compute="_compute_summary", sanitize=False)
    state = fields.Selection(
        [("draft", "To produce"), ("done", "Produced")], default="draft", required=True
    )
    result = fields.Text(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True)

    def _latest_exchanges(self):
        """The latest successful exchange of each operation, in this company's
        environment: ``{operation: exchange}`` (empty when none)."""
        self.ensure_one()
        Exchange = self.env["l10n.fr.urssaf.exchange"]
        company = self.company_id
        return {
            operation: Exchange.search(
                [
                    ("company_id", "=", company.id),
                    ("environment", "=", company.l10n_fr_urssaf_environment),
                    ("outcome", "=", "ok"),
                    ("operation", "=", operation),
                    # Not a connection test's search of nobody's request.
                    ("error_codes", "=", False),
                    ("link_ids", "!=", False),
                ],
                order="started_at desc, id desc",
                limit=1,
            )
            for operation in TEST_BOOK_OPERATIONS
        }

    def _test_customer(self):
        """The latest customer registered in this environment: a test customer,
        as every customer registered outside production is."""
        company = self.company_id
        return self.env["res.partner"].search(
            [
                ("l10n_fr_urssaf_company_id", "=", company.id),
                ("l10n_fr_urssaf_environment", "=", company.l10n_fr_urssaf_environment),
                ("l10n_fr_urssaf_customer_id", "!=", False),
            ],
            order="l10n_fr_urssaf_registration_date desc, id desc",
            limit=1,
        )

    def _test_request(self):
        """The latest payment request Urssaf numbered in this environment."""
        company = self.company_id
        return self.env["l10n.fr.urssaf.payment.request"].search(
            [
                ("company_id", "=", company.id),
                ("environment", "=", company.l10n_fr_urssaf_environment),
                ("urssaf_id", "!=", False),
            ],
            order="sent_date desc, id desc",
            limit=1,
        )

    def _missing_steps(self, exchanges):
        """What the user must do first, one sentence per missing operation
        that this wizard cannot run itself."""
        _ = self.env._
        steps = []
        if not exchanges["M010"]:
            steps.append(
                _(
                    "M010 (registration) is missing: register a test customer first "
                    "(a customer's form, Register with Urssaf)."
                )
            )
        if not exchanges["M020"] and not self._test_customer():
            steps.append(
                _(
                    "M020 (account status) needs a customer registered in this "
                    "environment: register a test customer first."
                )
            )
        if not exchanges["M050"]:
            steps.append(
                _(
                    "M050 (payment request) is missing: send one test invoice first "
                    "(a posted invoice of a test customer, Send to Urssaf)."
                )
            )
        if not exchanges["M070"] and not self._test_request():
            steps.append(
                _(
                    "M070 (search) needs a payment request sent in this environment: "
                    "send one test invoice first."
                )
            )
        return steps

    @api.depends("company_id", "state")
    def _compute_summary(self):
        _ = self.env._
        for wizard in self:
            if not wizard.company_id:
                wizard.summary = False
                continue
            exchanges = wizard._latest_exchanges()
            labels = dict(
                self.env["l10n.fr.urssaf.exchange"]
                ._fields["operation"]
                ._description_selection(self.env)
            )
            rows = Markup()
            for operation, exchange in exchanges.items():
                if exchange:
                    status = _(
                        "✓ %(date)s",
                        date=format_datetime(self.env, exchange.started_at, tz=PARIS),
                    )
                elif operation in ("M020", "M070"):
                    status = _("Missing: run now when producing")
                else:
                    status = _("Missing")
                rows += Markup("<tr><td><strong>%s</strong></td><td>%s</td></tr>") % (
                    labels[operation],
                    status,
                )
            steps = Markup().join(
                Markup("<li>%s</li>") % step
                for step in wizard._missing_steps(exchanges)
            )
            wizard.summary = Markup(
                '<table class="table table-sm o_l10n_fr_urssaf_test_book">%s</table>'
            ) % rows + (
                Markup(
                    '<ul class="text-danger o_l10n_fr_urssaf_test_book_steps">%s</ul>'
                )
                % steps
                if steps
                else Markup()
            )

    def _run_missing(self, exchanges):
        """Run M020 and M070 when the journal has none: harmless reads of a test
        customer's status and of a test request."""
        runs = {
            "M020": lambda: self._test_customer()._l10n_fr_urssaf_refresh(),
            "M070": lambda: self._test_request()._refresh(),
        }
        ran = []
        for operation, run in runs.items():
            if exchanges[operation]:
                continue
            errors = run()
            if errors:
                raise UserError(
                    self.env._(
                        "Urssaf did not answer %(operation)s: %(why)s",
                        operation=operation,
                        why="\n".join(sorted(set(errors.values()))),
                    )
                )
            ran.append(operation)
        if ran and self.env["account.move"]._l10n_fr_urssaf_can_commit():
            # Journal rows are written on their own cursor: this transaction
            # sees them once it commits.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return ran

    def action_produce(self):
        self.ensure_one()
        company = self.company_id
        company._l10n_fr_urssaf_check_test_book()
        exchanges = self._latest_exchanges()
        steps = self._missing_steps(exchanges)
        if steps:
            raise UserError("\n".join(steps))
        ran = self._run_missing(exchanges)
        exchanges = self._latest_exchanges()
        missing = [operation for operation, found in exchanges.items() if not found]
        if missing:
            raise UserError(
                self.env._(
                    "Urssaf answered, but no successful exchange of %(operations)s "
                    "is in the journal: see the exchanges' list for what Urssaf said.",
                    operations=", ".join(missing),
                )
            )
        records = self.env["l10n.fr.urssaf.exchange"].union(*exchanges.values())
        attachment = self._store(records)
        if company.l10n_fr_urssaf_environment == "sandbox":
            # The going-live checklist asks for it; a simulation proves nothing.
            company.sudo().l10n_fr_urssaf_test_book_date = fields.Datetime.now()
        self.write(
            {
                "state": "done",
                "attachment_id": attachment.id,
                "result": self._result_message(ran),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Urssaf test book"),
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def _result_message(self, ran):
        _ = self.env._
        message = _(
            "The test book holds M010, M020, M050 and M070, each with its request "
            "and Urssaf's answer: a PDF for reading, and the JSON files as sent "
            "and received."
        )
        if ran:
            message += " " + _(
                "Run now, as the journal had none: %(operations)s.",
                operations=", ".join(ran),
            )
        if self.environment == "simulation":
            message += " " + _(
                "Local simulation: this file is for practice, Urssaf does not "
                "accept it."
            )
        return message

    def _store(self, exchanges):
        """The zip (PDF and one JSON file per exchange) as the company's test
        book, readable by accounting managers only."""
        company = self.company_id
        pdf, kind = self.env["ir.actions.report"]._render_qweb_pdf(
            REPORT, exchanges.ids
        )
        stamp = _in_paris(fields.Datetime.now())
        base = "urssaf-test-book-{}-{}".format(
            company.l10n_fr_urssaf_environment, stamp.strftime("%Y%m%d-%H%M")
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{base}.{kind}", pdf)
            for exchange in exchanges:
                archive.writestr(
                    _file_name(exchange),
                    json.dumps(_document(exchange), indent=2, ensure_ascii=False),
                )
        company_sudo = company.sudo()
        company_sudo.l10n_fr_urssaf_test_book = base64.b64encode(buffer.getvalue())
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.company"),
                    ("res_id", "=", company.id),
                    ("res_field", "=", "l10n_fr_urssaf_test_book"),
                ],
                limit=1,
            )
        )
        attachment.write({"name": f"{base}.zip", "mimetype": "application/zip"})
        return attachment

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "download",
        }


def _json_or_text(body):
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


def _in_paris(value):
    """A naive UTC datetime (as Odoo stores them) in Urssaf's time zone."""
    return pytz.utc.localize(value).astimezone(pytz.timezone(PARIS))


def _file_name(exchange):
    started = _in_paris(exchange.started_at)
    return f"{exchange.operation}-{started:%Y%m%d-%H%M%S}-{exchange.ref[:8]}.json"


def _document(exchange):
    """One exchange as a JSON document: what was sent, what came back, and
    when, for whom, how long it took."""
    started = _in_paris(exchange.started_at)
    return {
        "operation": exchange.operation,
        "ref": exchange.ref,
        "company": exchange.company_id.name,
        "sap_number": exchange.company_id.l10n_fr_urssaf_sap_number,
        "environment": exchange.environment,
        "method": exchange.method,
        "path": exchange.path,
        "started_at_utc": started.astimezone(pytz.utc).isoformat(),
        "started_at_paris": started.isoformat(),
        "duration_ms": exchange.duration_ms,
        "http_status": exchange.http_status,
        "outcome": exchange.outcome,
        "error_codes": (exchange.error_codes or "").split(),
        "request": _json_or_text(exchange.request_body),
        "response": _json_or_text(exchange.response_body),
    }
