# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

# What Urssaf's test book asks for, in its order.
TEST_BOOK_OPERATIONS = ("M010", "M020", "M050", "M070")
# Urssaf works in French time, whoever prints.
PARIS = "Europe/Paris"


class ReportTestBook(models.AbstractModel):
    _name = "report.l10n_fr_urssaf_avance_immediate.report_test_book"
    _description = "Urssaf Test Book Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        exchanges = self.env["l10n.fr.urssaf.exchange"].browse(docids)
        if "production" in exchanges.mapped("environment"):
            raise UserError(
                self.env._(
                    "The test book is made of sandbox or simulation exchanges: "
                    "production ones are real customers'."
                )
            )
        # Full bodies for accounting managers, redacted ones for the others.
        full = self.env.user.has_group("account.group_account_manager")
        labels = {
            name: dict(exchanges._fields[name]._description_selection(self.env))
            for name in ("operation", "outcome", "environment")
        }
        books = []
        for (company, environment), group in exchanges.grouped(
            lambda exchange: (exchange.company_id, exchange.environment)
        ).items():
            done = set(group.filtered(lambda e: e.outcome == "ok").mapped("operation"))
            books.append(
                {
                    "company": company,
                    "environment": labels["environment"].get(environment),
                    "simulation": environment == "simulation",
                    "operations": [
                        (
                            operation,
                            labels["operation"].get(operation),
                            operation in done,
                        )
                        for operation in TEST_BOOK_OPERATIONS
                    ],
                    "rows": [
                        {
                            "exchange": exchange,
                            "operation": labels["operation"].get(exchange.operation),
                            "outcome": labels["outcome"].get(exchange.outcome),
                            "started": format_datetime(
                                self.env,
                                exchange.started_at,
                                tz=PARIS,
                                dt_format="dd/MM/yyyy HH:mm:ss",
                            ),
                            "request": exchange.request_text,
                            "response": exchange.response_text,
                        }
                        for exchange in group
                    ],
                }
            )
        return {
            "doc_ids": docids,
            "doc_model": "l10n.fr.urssaf.exchange",
            "docs": exchanges,
            "books": books,
            "redacted": not full,
            "printed": format_datetime(
                self.env, fields.Datetime.now(), tz=PARIS, dt_format="dd/MM/yyyy HH:mm"
            ),
        }
