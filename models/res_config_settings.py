# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..lib.exceptions import (
    UrssafAuthError,
    UrssafError,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from .ui import notification

# A search for an id nobody has: harmless, and proves the API answers.
PROBE_PAYMENT_REQUEST_ID = "0"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_fr_urssaf_environment = fields.Selection(
        related="company_id.l10n_fr_urssaf_environment", readonly=False
    )
    l10n_fr_urssaf_client_id = fields.Char(
        related="company_id.l10n_fr_urssaf_client_id",
        readonly=False,
        groups="base.group_system",
    )
    l10n_fr_urssaf_client_secret = fields.Char(
        related="company_id.l10n_fr_urssaf_client_secret",
        readonly=False,
        groups="base.group_system",
    )
    l10n_fr_urssaf_sap_number = fields.Char(
        related="company_id.l10n_fr_urssaf_sap_number", readonly=False
    )
    l10n_fr_urssaf_sap_date = fields.Date(
        related="company_id.l10n_fr_urssaf_sap_date", readonly=False
    )
    l10n_fr_urssaf_intervenant = fields.Char(
        related="company_id.l10n_fr_urssaf_intervenant", readonly=False
    )

    l10n_fr_urssaf_journal_retention = fields.Integer(
        related="company_id.l10n_fr_urssaf_journal_retention", readonly=False
    )
    l10n_fr_urssaf_journal_id = fields.Many2one(
        related="company_id.l10n_fr_urssaf_journal_id", readonly=False
    )

    l10n_fr_urssaf_responsible_id = fields.Many2one(
        related="company_id.l10n_fr_urssaf_responsible_id", readonly=False
    )

    l10n_fr_urssaf_portal_auto_register = fields.Boolean(
        related="company_id.l10n_fr_urssaf_portal_auto_register", readonly=False
    )
    l10n_fr_urssaf_cancellation_email = fields.Char(
        related="company_id.l10n_fr_urssaf_cancellation_email", readonly=False
    )

    l10n_fr_urssaf_connection_checked = fields.Boolean(
        related="company_id.l10n_fr_urssaf_connection_checked"
    )
    l10n_fr_urssaf_connection_problem = fields.Char(
        related="company_id.l10n_fr_urssaf_connection_problem"
    )
    l10n_fr_urssaf_test_book_date = fields.Datetime(
        related="company_id.l10n_fr_urssaf_test_book_date"
    )
    l10n_fr_urssaf_habilitation_date = fields.Date(
        related="company_id.l10n_fr_urssaf_habilitation_date", readonly=False
    )

    @api.onchange("l10n_fr_urssaf_sap_number", "l10n_fr_urssaf_intervenant")
    def _onchange_l10n_fr_urssaf_numbers(self):
        # Users paste "SAP 123 456 789" from their NOVA receipt.
        for name in ("l10n_fr_urssaf_sap_number", "l10n_fr_urssaf_intervenant"):
            if self[name]:
                self[name] = "".join(self[name].split()).upper()

    @api.model_create_multi
    def create(self, vals_list):
        # The environment last: going live is checked on the SAP number,
        # journal and dates saved with it.
        key = "l10n_fr_urssaf_environment"
        settings = super().create(
            [{k: v for k, v in vals.items() if k != key} for vals in vals_list]
        )
        for record, vals in zip(settings, vals_list, strict=True):
            if key in vals:
                record[key] = vals[key]
        return settings

    def execute(self):
        """Test the connection once after the environment or the credentials
        changed (a change clears the last test's outcome): a mistake shows at
        once, not at the first sending; a failed test is not repeated at
        every save."""
        result = super().execute()
        company = self.company_id.sudo()
        if (
            company.l10n_fr_urssaf_environment == "simulation"
            or company.l10n_fr_urssaf_connection_checked
            or company.l10n_fr_urssaf_connection_problem
            or not company.l10n_fr_urssaf_client_id
            or not company.l10n_fr_urssaf_client_secret
        ):
            # Missing credentials: the settings block says so.
            return result
        return self._l10n_fr_urssaf_notify(*self._l10n_fr_urssaf_test(), result)

    def action_l10n_fr_urssaf_test_connection(self):
        return self._l10n_fr_urssaf_notify(*self._l10n_fr_urssaf_test())

    def action_l10n_fr_urssaf_test_book(self):
        self.ensure_one()
        self.company_id._l10n_fr_urssaf_check_test_book()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Urssaf test book"),
            "res_model": "l10n.fr.urssaf.test.book",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_company_id": self.company_id.id},
        }

    def _l10n_fr_urssaf_try_connection(self):
        """Get a token and run a harmless search; say plainly how it went.

        :return: (message, notification type)
        """
        self.ensure_one()
        company = self.company_id
        environment = company._l10n_fr_urssaf_environment_label()
        try:
            with company._l10n_fr_urssaf_client() as client:
                client.fetch_token()
                client.search_by_ids([PROBE_PAYMENT_REQUEST_ID])
        except UrssafAuthError:
            message = self.env._(
                "Urssaf (%(environment)s) refused the credentials. Check the client "
                "ID and secret, and that they belong to this environment: sandbox "
                "credentials do not work in production.",
                environment=environment,
            )
            return message, "danger"
        except (UrssafTemporaryError, UrssafOutcomeUnknownError):
            message = self.env._(
                "Urssaf (%(environment)s) cannot be reached right now. Check the "
                "server's internet access, or try again later: Urssaf announces "
                "maintenance windows on its API portal.",
                environment=environment,
            )
            return message, "warning"
        except UrssafError as exc:
            message = self.env._(
                "Urssaf (%(environment)s) answered with an error: %(why)s",
                environment=environment,
                why=company._l10n_fr_urssaf_explain_codes([exc]),
            )
            return message, "danger"
        message = self.env._(
            "Connection to Urssaf (%(environment)s) works: a token was obtained and "
            "a search was answered.",
            environment=environment,
        )
        return message, "success"

    def _l10n_fr_urssaf_test(self):
        """Test the connection, and keep the outcome on the company for the
        settings to show after they reload.

        :return: (message, notification type)
        """
        message, kind = self._l10n_fr_urssaf_try_connection()
        self.company_id.sudo().write(
            {
                "l10n_fr_urssaf_connection_checked": kind == "success",
                "l10n_fr_urssaf_connection_problem": kind != "success" and message,
            }
        )
        return message, kind

    def _l10n_fr_urssaf_notify(self, message, kind, next_action=None):
        return notification(
            self.env,
            self.env._("Urssaf connection test"),
            message,
            kind,
            next_action=next_action,
        )
