# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import os
import re
import threading

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tools import SQL, config

from ..lib.client import PRODUCTION_URL, SANDBOX_URL, UrssafClient
from ..lib.error_messages import explain_error
from ..lib.exceptions import (
    UrssafAuthError,
    UrssafBusinessError,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from ..lib.formats import INTERVENANT_RE
from ..lib.simulator import Simulator
from ..lib.wsgi_adapter import LOCAL_SIMULATION_URL, wsgi_session
from .exchange_journal import ExchangeJournal
from .guard import check_urssaf_owned

# Intervenant identifier sent as complement2: SAP + SIREN (NOVA declaration).
SAP_NUMBER_RE = re.compile(r"^SAP\d{9}$")
ENVIRONMENT_URLS = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}
SIMULATION_SECRET = "local-simulation"

# One simulator per database file and process: it holds the SQLite connection
# and the lock that serialises its operations.
ENVIRONMENTS = [
    ("simulation", "Local simulation"),
    ("sandbox", "Urssaf sandbox"),
    ("production", "Production"),
]
_simulators = {}
_simulators_lock = threading.Lock()


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_fr_urssaf_environment = fields.Selection(
        selection=ENVIRONMENTS,
        string="Urssaf Environment",
        default="simulation",
        required=True,
        help="Local simulation needs no credentials: a simulator inside Odoo plays "
        "the Urssaf role, for training and demonstrations. The Urssaf sandbox uses "
        "the test credentials given to software editors; production uses the "
        "credentials Urssaf gave to this company.",
    )
    l10n_fr_urssaf_journal_retention = fields.Integer(
        string="Keep Urssaf exchanges (years)",
        default=10,
        help="Every call to Urssaf is journaled (what was sent and answered). "
        "Entries older than this are deleted every night; 10 years is the "
        "retention of accounting records in France, and the minimum. 0 keeps them "
        "forever.",
    )
    l10n_fr_urssaf_client_id = fields.Char(
        string="Urssaf Client ID",
        groups="base.group_system",
        copy=False,
    )
    l10n_fr_urssaf_client_secret = fields.Char(
        string="Urssaf Client Secret",
        groups="base.group_system",
        copy=False,
    )
    l10n_fr_urssaf_sap_number = fields.Char(
        string="SAP Number",
        help="Declaration number of the services à la personne activity (NOVA): "
        "SAP followed by the 9 digits of the SIREN, e.g. SAP123456789.",
        copy=False,
    )
    l10n_fr_urssaf_sap_date = fields.Date(
        string="SAP Declaration Date",
        help="Date of the declaration of the services à la personne activity, "
        "printed on the attestations fiscales.",
        copy=False,
    )
    l10n_fr_urssaf_intervenant = fields.Char(
        string="Default Intervenant",
        help="Identifier of who performs the services, sent with each service "
        "line: SAP followed by the SIREN, or SIR followed by the 14 digits of the "
        "SIRET of the establishment. Empty: the SAP number.",
        copy=False,
    )
    l10n_fr_urssaf_journal_id = fields.Many2one(
        "account.journal",
        string="Urssaf Payout Journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', id)]",
        help="Bank journal where the Urssaf payouts are registered as payments of "
        "the invoices they settle.",
    )
    l10n_fr_urssaf_responsible_id = fields.Many2one(
        "res.users",
        string="Urssaf Follow-up Responsible",
        domain=[("share", "=", False)],
        help="Gets the avance immédiate to-dos (refusals, payouts to book, faults) "
        "of invoices and customers without a salesperson.",
    )
    l10n_fr_urssaf_portal_auto_register = fields.Boolean(
        string="Register Customers Who Fill In the Form Automatically",
        help="A customer who completes the registration form of the portal is "
        "registered with Urssaf at once; otherwise a to-do asks you to check the "
        "details and register the customer.",
    )
    l10n_fr_urssaf_cancellation_email = fields.Char(
        string="Urssaf Cancellation Address",
        default="avance-immediate@urssaf.fr",
        help="Where requests to cancel a payment request are e-mailed: the API has "
        "no cancellation operation.",
    )
    l10n_fr_urssaf_connection_checked = fields.Boolean(
        string="Urssaf Connection Tested",
        readonly=True,
        copy=False,
        help="The connection test passed with the current environment and "
        "credentials.",
    )
    l10n_fr_urssaf_connection_problem = fields.Char(
        string="Urssaf Connection Problem",
        readonly=True,
        copy=False,
        help="What the last connection test found wrong.",
    )
    l10n_fr_urssaf_test_book_date = fields.Datetime(
        readonly=True, copy=False, string="Sandbox test book produced on"
    )
    l10n_fr_urssaf_habilitation_date = fields.Date(
        string="Urssaf production access granted on",
        copy=False,
        help="The date Urssaf gave this company its production credentials, after "
        "the test book of its software was accepted: then no sandbox test book is "
        "needed in this database to go live.",
    )
    # Full requests and answers, personal data included: the attachment is
    # readable by whoever may read this field.
    l10n_fr_urssaf_test_book = fields.Binary(
        string="Urssaf Test Book",
        attachment=True,
        readonly=True,
        copy=False,
        groups="account.group_account_manager",
    )
    l10n_fr_urssaf_token = fields.Char(
        string="Urssaf Access Token", groups="base.group_system", copy=False
    )
    l10n_fr_urssaf_token_expiry = fields.Datetime(
        string="Urssaf Token Expiry", groups="base.group_system", copy=False
    )

    @api.constrains("l10n_fr_urssaf_intervenant")
    def _check_l10n_fr_urssaf_intervenant(self):
        for company in self:
            number = company.l10n_fr_urssaf_intervenant
            if number and not INTERVENANT_RE.fullmatch(number):
                raise ValidationError(
                    self.env._(
                        "The default intervenant of %(company)s must be SAP followed "
                        "by the 9 digits of the SIREN, or SIR followed by the 14 "
                        "digits of the SIRET, without spaces; got %(number)s.",
                        company=company.display_name,
                        number=number,
                    )
                )

    @api.constrains("l10n_fr_urssaf_journal_retention")
    def _check_l10n_fr_urssaf_journal_retention(self):
        # The exchanges back invoices: the accounting retention is a minimum.
        for company in self:
            years = company.l10n_fr_urssaf_journal_retention
            if years and years < 10:
                raise ValidationError(
                    self.env._(
                        "Urssaf exchanges back your invoices: keep them at least 10 "
                        "years, the retention of accounting records (0 keeps them "
                        "forever)."
                    )
                )

    @api.constrains("l10n_fr_urssaf_sap_number")
    def _check_l10n_fr_urssaf_sap_number(self):
        for company in self:
            number = company.l10n_fr_urssaf_sap_number
            if number and not SAP_NUMBER_RE.match(number):
                raise ValidationError(
                    self.env._(
                        "The SAP number of %(company)s must be SAP followed by the 9 "
                        "digits of the SIREN, without spaces (e.g. SAP123456789); "
                        "got %(number)s.",
                        company=company.display_name,
                        number=number,
                    )
                )

    def _l10n_fr_urssaf_going_live_problems(self):
        """What is missing before this company may work in production, one
        sentence each with what to do."""
        self.ensure_one()
        company = self.sudo()
        _ = self.env._
        problems = []
        if not company.l10n_fr_urssaf_sap_number:
            problems.append(_("Enter the SAP number (your NOVA declaration)."))
        if not company.l10n_fr_urssaf_journal_id:
            problems.append(
                _("Choose the payout journal: the bank account Urssaf pays into.")
            )
        if not (
            company.l10n_fr_urssaf_test_book_date
            or company.l10n_fr_urssaf_habilitation_date
        ):
            problems.append(
                _(
                    "Produce the Urssaf test book in the sandbox (choose Urssaf "
                    "sandbox, register a test customer, send one invoice, then Urssaf "
                    "test book), or enter the date Urssaf granted your production "
                    "access (habilitation)."
                )
            )
        return problems

    def _l10n_fr_urssaf_check_going_live(self):
        """Refuse to go live while the checklist is not done."""
        for company in self:
            problems = company._l10n_fr_urssaf_going_live_problems()
            if problems:
                raise ValidationError(
                    self.env._(
                        "%(company)s cannot work with the Urssaf production yet:\n"
                        "%(problems)s",
                        company=company.display_name,
                        problems="\n".join(f"• {problem}" for problem in problems),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_urssaf_owned(self.browse(), vals, ["l10n_fr_urssaf_test_book_date"])
        companies = super().create(vals_list)
        companies.filtered(
            lambda company: company.l10n_fr_urssaf_environment == "production"
        )._l10n_fr_urssaf_check_going_live()
        self.env["account.reconcile.model"]._l10n_fr_urssaf_ensure(companies)
        return companies

    def write(self, vals):
        # The checklist to go live must not be faked.
        check_urssaf_owned(self, vals, ["l10n_fr_urssaf_test_book_date"])
        # Checked when going live only: a company live before keeps saving.
        going_live = self.browse()
        if vals.get("l10n_fr_urssaf_environment") == "production":
            going_live = self.filtered(
                lambda company: company.l10n_fr_urssaf_environment != "production"
            )
        # A token belongs to the credentials and environment that obtained it.
        keys = {"l10n_fr_urssaf_environment", "l10n_fr_urssaf_client_id"}
        if keys.intersection(vals) or "l10n_fr_urssaf_client_secret" in vals:
            vals = dict(vals, l10n_fr_urssaf_token=False)
            vals["l10n_fr_urssaf_token_expiry"] = False
        # The last connection test says nothing of other settings.
        keys.add("l10n_fr_urssaf_client_secret")
        untested = self.sudo().filtered(
            lambda company: any(
                key in vals and company[key] != vals[key] for key in keys
            )
        )
        result = super().write(vals)
        if "l10n_fr_urssaf_journal_id" in vals:
            self.env["account.reconcile.model"]._l10n_fr_urssaf_ensure(self)
        if untested:
            untested.write(
                {
                    "l10n_fr_urssaf_connection_checked": False,
                    "l10n_fr_urssaf_connection_problem": False,
                }
            )
        if "l10n_fr_urssaf_environment" in vals:
            # Only the invoices with requests or of registered customers
            # change state with the environment, not the whole ledger.
            moves = self.env["account.move"].search(
                [
                    ("company_id", "in", self.ids),
                    "|",
                    ("l10n_fr_urssaf_request_ids", "!=", False),
                    ("l10n_fr_urssaf_state", "!=", False),
                ]
            )
            self.env.add_to_compute(
                self.env["account.move"]._fields["l10n_fr_urssaf_state"], moves
            )
        going_live._l10n_fr_urssaf_check_going_live()
        return result

    def _l10n_fr_urssaf_simulator(self):
        """The local simulator of this database, its state in the filestore."""
        folder = config.filestore(self.env.cr.dbname)
        path = os.path.join(folder, "l10n_fr_urssaf_simulator.sqlite3")
        with _simulators_lock:
            if path not in _simulators:
                os.makedirs(folder, exist_ok=True)
                _simulators[path] = Simulator(db_path=path)
            return _simulators[path]

    def _l10n_fr_urssaf_environment_label(self):
        selection = self._fields["l10n_fr_urssaf_environment"]
        labels = dict(selection._description_selection(self.env))
        return labels[self.l10n_fr_urssaf_environment]

    @api.model
    def _l10n_fr_urssaf_note(self, body, environment):
        """A chatter note, saying so when it records a local simulation."""
        if environment != "simulation":
            return body
        return self.env._("%(note)s (local simulation)", note=body)

    def _l10n_fr_urssaf_check_credentials(self):
        """Raise, with the way to the settings, when Urssaf cannot be reached
        for lack of credentials."""
        self.ensure_one()
        company = self.sudo()
        if company.l10n_fr_urssaf_environment == "simulation" or (
            company.l10n_fr_urssaf_client_id and company.l10n_fr_urssaf_client_secret
        ):
            return
        action = self.env.ref("account.action_account_config")
        raise RedirectWarning(
            self.env._(
                "%(company)s sends to the Urssaf %(environment)s but has no client ID "
                "or client secret. Enter the credentials Urssaf gave you in the "
                "settings (or ask your administrator to), or choose Local simulation.",
                company=self.display_name,
                environment=self._l10n_fr_urssaf_environment_label(),
            ),
            action.id,
            self.env._("Go to the settings"),
        )

    def _l10n_fr_urssaf_responsible(self, user=None):
        """Who gets a to-do: ``user`` (the salesperson) when it is a person,
        else the responsible of the settings, else a billing administrator of
        the company; never OdooBot."""
        self.ensure_one()
        for candidate in (
            user or self.env["res.users"],
            self.l10n_fr_urssaf_responsible_id,
        ):
            if (
                candidate.active
                and not candidate.share
                and not candidate._is_superuser()
                and self in candidate.company_ids
            ):
                return candidate
        manager = self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("account.group_account_manager").id),
                ("company_ids", "in", self.id),
                ("share", "=", False),
                ("id", "!=", SUPERUSER_ID),
            ],
            order="id",
            limit=1,
        )
        return manager or self.env.ref("base.user_admin")

    @api.model
    def _l10n_fr_urssaf_check_user(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only invoicing users can exchange with Urssaf.")
            )

    def _l10n_fr_urssaf_check_test_book(self):
        """Only accounting managers see the full bodies a test book is made
        of; production exchanges are real customers', never a test."""
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._(
                    "Only accounting managers can produce the Urssaf test book: it "
                    "holds the full requests and answers, personal data included."
                )
            )
        if self.l10n_fr_urssaf_environment == "production":
            raise UserError(
                self.env._(
                    "The Urssaf test book is made in the Urssaf sandbox (or, to "
                    "practise, in the local simulation), with test customers only: "
                    "%(company)s works in production.",
                    company=self.display_name,
                )
            )

    @api.model
    def _l10n_fr_urssaf_explain_codes(self, details):
        """Urssaf error details, one per line: what each means and what to
        do, in the user's language (the codes are kept apart, for support)."""
        french = (self.env.lang or "").startswith("fr")
        return "\n".join(
            explain_error(detail.code)[0 if french else 1] for detail in details
        )

    @api.model
    def _l10n_fr_urssaf_explain(self, exc, lost=None):
        """One translated text for an Urssaf error, with what to do.

        :param lost: what to say when the answer was lost after sending
        """
        if isinstance(exc, UrssafBusinessError) and exc.errors:
            return self._l10n_fr_urssaf_explain_codes(exc.errors)
        if isinstance(exc, UrssafAuthError):
            return self.env._(
                "Urssaf refused the company's credentials: check them with Test "
                "connection in the settings."
            )
        if isinstance(exc, UrssafOutcomeUnknownError) and lost:
            return lost
        if isinstance(exc, UrssafTemporaryError | UrssafOutcomeUnknownError):
            return self.env._("Urssaf cannot be reached right now; try again later.")
        return self._l10n_fr_urssaf_explain_codes([exc])

    @contextlib.contextmanager
    def _l10n_fr_urssaf_client(self, *about):
        """The Urssaf client of this company, for the duration of a block.

        The only bridge between the ORM and ``lib``: it reads the settings as
        superuser, reuses the stored token and stores a renewed one. Every
        call is journaled (``client.on_exchange``, an ``ExchangeJournal``),
        linked to the records of ``about`` it names; the journal is written
        at each ``client.on_exchange.flush()`` and at the end of the block.
        """
        self.ensure_one()
        company = self.sudo()
        journal = ExchangeJournal(self, about)
        if company.l10n_fr_urssaf_environment == "simulation":
            simulator = company._l10n_fr_urssaf_simulator()
            client = UrssafClient(
                LOCAL_SIMULATION_URL,
                client_id=f"odoo-company-{company.id}",
                client_secret=SIMULATION_SECRET,
                session=wsgi_session(simulator.wsgi_app),
                on_exchange=journal,
            )
        else:
            company._l10n_fr_urssaf_check_credentials()
            client = UrssafClient(
                ENVIRONMENT_URLS[company.l10n_fr_urssaf_environment],
                client_id=company.l10n_fr_urssaf_client_id,
                client_secret=company.l10n_fr_urssaf_client_secret,
                token=company.l10n_fr_urssaf_token or None,
                token_expires_at=company.l10n_fr_urssaf_token_expiry or None,
                on_exchange=journal,
            )
        try:
            yield client
        finally:
            client.close()
            journal.flush()
            if (
                company.l10n_fr_urssaf_environment != "simulation"
                and client.token
                and client.token != company.l10n_fr_urssaf_token
            ):
                company._l10n_fr_urssaf_store_token(client)

    def _l10n_fr_urssaf_store_token(self, client):
        """Keep a renewed token outside the business transaction, which may
        still be rolled back or retried; in it only when that transaction
        holds the company row (settings being saved)."""
        values = {
            "l10n_fr_urssaf_token": client.token,
            "l10n_fr_urssaf_token_expiry": client.token_expires_at,
        }
        if not self.env["account.move"]._l10n_fr_urssaf_can_commit():
            self.write(values)  # tests: one transaction
            return
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT l10n_fr_urssaf_environment, l10n_fr_urssaf_client_id "
                    "FROM res_company WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                    self.id,
                )
            )
            row = cr.fetchone()
            settings = (self.l10n_fr_urssaf_environment, self.l10n_fr_urssaf_client_id)
            if row and row == settings:
                cr.execute(
                    SQL(
                        "UPDATE res_company SET l10n_fr_urssaf_token = %s, "
                        "l10n_fr_urssaf_token_expiry = %s WHERE id = %s",
                        client.token,
                        client.token_expires_at,
                        self.id,
                    )
                )
        if row is None:
            # This transaction holds the company (settings being saved).
            self.write(values)
        else:
            # Stored, or not at all: the settings changed meanwhile.
            self.invalidate_recordset(list(values))
