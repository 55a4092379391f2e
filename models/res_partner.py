# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import date, timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import format_amount, format_date, split_every

from odoo.addons.base.models.res_bank import sanitize_account_number

from ..lib import ceilings, codes, insee
from ..lib.codes import NATURE_NOT_ELIGIBLE
from ..lib.exceptions import (
    UrssafAuthError,
    UrssafBusinessError,
    UrssafError,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from ..lib.formats import strip_accents, urssaf_date, urssaf_midnight
from ..lib.payload import (
    Address,
    BankAccount,
    BirthPlace,
    Customer,
    build_customer_payload,
)
from ..lib.validators import validate_customer_payload
from .guard import check_urssaf_owned, run_guarded
from .res_company import ENVIRONMENTS
from .ui import notification

_logger = logging.getLogger(__name__)

ACCOUNT_STATES = {
    codes.ACCOUNT_PENDING: "pending",
    codes.ACCOUNT_ACTIVE: "active",
    codes.ACCOUNT_NOT_FINALISED: "not_finalised",
    codes.ACCOUNT_BLOCKED: "blocked",
    codes.ACCOUNT_MANDATE_EXPIRED: "mandate_expired",
}
# States whose account cannot yet receive payment requests and may still change
# on Urssaf's side: the status cron watches them.
WATCHED_STATES = ("pending", "not_finalised")
# Countries of Odoo that INSEE counts as France (99100): metropolitan France and
# the overseas departments and collectivities whose communes have INSEE codes.
FRANCE_ISO_CODES = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
REMINDER_DELAY = timedelta(days=7)
# Tax identity of private persons: for those who invoice them, not every employee.
IDENTITY_GROUP = "account.group_account_invoice"
CRON_BATCH_SIZE = 50
# Urssaf links this customer to the provider already: an answer was lost.
LINK_EXISTS = "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE"
# What Urssaf keeps from the registration and has no call to update: payload
# keys by the part of the customer the user changes.
KEPT_BY_URSSAF = {
    "identity": (
        "civilite",
        "nomNaissance",
        "nomUsage",
        "prenoms",
        "dateNaissance",
        "lieuNaissance",
    ),
    "address": ("adressePostale",),
    "email": ("adresseMail",),
    "mobile": ("numeroTelephonePortable",),
}
# The fields they come from.
KEPT_FIELDS = (
    "l10n_fr_urssaf_civility",
    "l10n_fr_urssaf_birth_name",
    "l10n_fr_urssaf_usage_name",
    "l10n_fr_urssaf_first_names",
    "l10n_fr_urssaf_birth_date",
    "l10n_fr_urssaf_birth_country_id",
    "l10n_fr_urssaf_birth_commune_id",
    "l10n_fr_urssaf_street_number",
    "l10n_fr_urssaf_street_letter",
    "l10n_fr_urssaf_road_type",
    "l10n_fr_urssaf_road_name",
    "l10n_fr_urssaf_address_complement",
    "l10n_fr_urssaf_locality",
    "l10n_fr_urssaf_commune_id",
    "zip",
    "email",
    "mobile",
    "phone",
)
# Only a person has these.
PERSON_FIELDS = (
    "l10n_fr_urssaf_birth_name",
    "l10n_fr_urssaf_first_names",
    "l10n_fr_urssaf_birth_date",
)
# Urssaf debits the account given at the registration.
BANK_FIELDS = (
    "l10n_fr_urssaf_bank_account_id",
    "l10n_fr_urssaf_iban",
    "l10n_fr_urssaf_bank_id",
)
# Payload paths of the bank account.
BANK_IBAN = "coordonneeBancaire.iban"
BANK_BIC = "coordonneeBancaire.bic"
BANK_PATHS = (BANK_IBAN, BANK_BIC)
# Set from Urssaf's answers only (see guard.check_urssaf_owned).
URSSAF_OWNED_FIELDS = (
    "l10n_fr_urssaf_customer_id",
    "l10n_fr_urssaf_environment",
    "l10n_fr_urssaf_company_id",
    "l10n_fr_urssaf_registration_date",
    "l10n_fr_urssaf_state",
    "l10n_fr_urssaf_activation_date",
    "l10n_fr_urssaf_status_date",
    "l10n_fr_urssaf_reminded",
    "l10n_fr_urssaf_link_problem",
    "l10n_fr_urssaf_link_company_id",
)
# Link checks of more customers than this go to the background, 10 a commit.
LINK_CHECK_NOW = 50
LINK_BATCH = 10
# A link problem is gone once one of these is corrected.
RECHECK_FIELDS = {
    "l10n_fr_urssaf_link_to_check",
    "l10n_fr_urssaf_birth_name",
    "l10n_fr_urssaf_first_names",
}
# Urssaf unreachable, or refusing the credentials: the check waits.
LINK_RETRY = timedelta(minutes=15)
LATER = (UrssafTemporaryError, UrssafAuthError, UrssafOutcomeUnknownError)
CRON_CHECK_LINKS = "l10n_fr_urssaf_avance_immediate.ir_cron_check_links"
# To-do of a customer who completed the portal form: done once registered.
PORTAL_ACTIVITY = "l10n_fr_urssaf_avance_immediate.mail_activity_type_portal"


def _fold(name):
    """A name as compared with Urssaf's copy: no accents, case or spacing."""
    return " ".join(strip_accents(name or "").casefold().replace("-", " ").split())


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "l10n.fr.urssaf.exchange.mixin"]

    # Identity as known to the tax office.
    l10n_fr_urssaf_civility = fields.Selection(
        groups=IDENTITY_GROUP,
        selection=[(codes.CIVILITY_MALE, "Mr."), (codes.CIVILITY_FEMALE, "Mrs.")],
        string="Civility (Urssaf)",
    )
    l10n_fr_urssaf_birth_name = fields.Char(
        groups=IDENTITY_GROUP,
        string="Birth Name",
        help="Family name at birth, spelled as on the customer's tax notice.",
    )
    l10n_fr_urssaf_usage_name = fields.Char(
        groups=IDENTITY_GROUP,
        string="Usage Name",
        help="Married or usage name, when it differs.",
    )
    l10n_fr_urssaf_first_names = fields.Char(
        groups=IDENTITY_GROUP,
        string="First Names",
        help="All first names, in the order of the civil status, separated by "
        "spaces, as on the tax notice.",
    )
    l10n_fr_urssaf_birth_date = fields.Date(groups=IDENTITY_GROUP, string="Birth Date")
    l10n_fr_urssaf_birth_country_id = fields.Many2one(
        "res.country",
        groups=IDENTITY_GROUP,
        string="Birth Country",
        default=lambda self: self.env.ref("base.fr", raise_if_not_found=False),
    )
    l10n_fr_urssaf_birth_commune_id = fields.Many2one(
        "l10n.fr.urssaf.commune",
        groups=IDENTITY_GROUP,
        string="Birth Commune",
        help="For a birth in France: the commune as it was at the birth date "
        "(search by name, postal code or INSEE code).",
    )
    l10n_fr_urssaf_born_in_france = fields.Boolean(
        string="Born in France", compute="_compute_l10n_fr_urssaf_born_in_france"
    )

    # Postal address split as Urssaf wants it, filled from the Odoo address.
    l10n_fr_urssaf_street_number = fields.Char(
        string="Street Number",
        compute="_compute_l10n_fr_urssaf_address",
        store=True,
        readonly=False,
    )
    l10n_fr_urssaf_street_letter = fields.Selection(
        selection=list(codes.STREET_LETTERS.items()),
        string="Number Suffix",
        compute="_compute_l10n_fr_urssaf_address",
        store=True,
        readonly=False,
    )
    l10n_fr_urssaf_road_type = fields.Selection(
        selection=sorted(codes.ROAD_TYPES.items(), key=lambda item: item[1]),
        string="Road Type",
        compute="_compute_l10n_fr_urssaf_address",
        store=True,
        readonly=False,
    )
    l10n_fr_urssaf_road_name = fields.Char(
        string="Road Name",
        compute="_compute_l10n_fr_urssaf_address",
        store=True,
        readonly=False,
    )
    l10n_fr_urssaf_address_complement = fields.Char(
        string="Address Complement",
        compute="_compute_l10n_fr_urssaf_address",
        store=True,
        readonly=False,
    )
    l10n_fr_urssaf_locality = fields.Char(string="Lieu-dit")
    l10n_fr_urssaf_commune_id = fields.Many2one(
        "l10n.fr.urssaf.commune",
        string="INSEE Commune",
        compute="_compute_l10n_fr_urssaf_commune",
        store=True,
        readonly=False,
        help="Commune of the address, found from the postal code and the city.",
    )
    l10n_fr_urssaf_bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Bank Account (Urssaf)",
        compute="_compute_l10n_fr_urssaf_bank_account",
        store=True,
        readonly=False,
        domain="[('partner_id', '=', id)]",
        help="Account Urssaf debits for the customer's share.",
    )
    # Entered in the Avance immédiate tab, new contact included: the bank
    # account is made (or chosen among the contact's) at save.
    l10n_fr_urssaf_iban = fields.Char(
        string="IBAN",
        groups=IDENTITY_GROUP,
        compute="_compute_l10n_fr_urssaf_iban",
        inverse="_inverse_l10n_fr_urssaf_iban",
        help="Account Urssaf debits for the customer's share, from the "
        "customer's bank details (RIB).",
    )
    l10n_fr_urssaf_bank_id = fields.Many2one(
        "res.bank",
        string="Bank (Urssaf)",
        groups=IDENTITY_GROUP,
        compute="_compute_l10n_fr_urssaf_iban",
        inverse="_inverse_l10n_fr_urssaf_iban",
        help="Bank of that account, with its BIC (on the customer's RIB).",
    )
    l10n_fr_urssaf_invoice_count = fields.Integer(
        string="Urssaf Invoices",
        groups="account.group_account_invoice",
        compute="_compute_l10n_fr_urssaf_counts",
    )
    l10n_fr_urssaf_request_count = fields.Integer(
        string="Urssaf Payment Requests",
        groups="account.group_account_invoice",
        compute="_compute_l10n_fr_urssaf_counts",
    )

    # Registration with Urssaf.
    l10n_fr_urssaf_customer_id = fields.Char(
        string="Urssaf Customer ID",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    l10n_fr_urssaf_company_id = fields.Many2one(
        "res.company",
        string="Registered By",
        readonly=True,
        copy=False,
        help="Provider company the customer is registered with.",
    )
    l10n_fr_urssaf_registration_date = fields.Datetime(
        string="Urssaf Registration Date", readonly=True, copy=False
    )
    l10n_fr_urssaf_state = fields.Selection(
        selection=[
            ("not_registered", "Not registered"),
            ("pending", "Awaiting activation"),
            ("active", "Active"),
            ("not_finalised", "Not finalised"),
            ("blocked", "Blocked"),
            ("mandate_expired", "Mandate expired"),
        ],
        string="Urssaf Status",
        default="not_registered",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    l10n_fr_urssaf_environment = fields.Selection(
        selection=ENVIRONMENTS,
        string="Urssaf Environment",
        readonly=True,
        copy=False,
        help="Where the customer was registered: a link made in local simulation "
        "means nothing to the real Urssaf.",
    )
    l10n_fr_urssaf_elsewhere = fields.Boolean(
        string="Registered in Another Urssaf Environment",
        compute="_compute_l10n_fr_urssaf_simulation",
    )
    l10n_fr_urssaf_activation_date = fields.Datetime(
        string="Account Activated On",
        readonly=True,
        copy=False,
        help="Services performed before this moment cannot be sent to Urssaf.",
    )
    l10n_fr_urssaf_status_date = fields.Datetime(
        string="Status Checked On", readonly=True, copy=False
    )
    # Imported (base_import) or typed: checked with Urssaf before any link.
    l10n_fr_urssaf_link_to_check = fields.Char(
        string="Urssaf Customer ID to Link",
        copy=False,
        groups="account.group_account_invoice",
        help="The Urssaf customer ID of a customer registered elsewhere (your "
        "previous software, Urssaf's site), e.g. imported with your contacts: "
        "Check Urssaf links asks Urssaf whether it is this customer before "
        "linking it.",
    )
    l10n_fr_urssaf_link_problem = fields.Text(
        string="Urssaf Link Problem",
        readonly=True,
        copy=False,
        groups="account.group_account_invoice",
        help="Why the last check of the Urssaf customer ID to link failed.",
    )
    l10n_fr_urssaf_link_company_id = fields.Many2one(
        "res.company",
        string="Urssaf Link Checked By",
        readonly=True,
        copy=False,
        groups="account.group_account_invoice",
        help="The company whose Urssaf access checks the customer ID to link in "
        "the background.",
    )
    l10n_fr_urssaf_reminded = fields.Boolean(
        string="Activation Reminder Scheduled", readonly=True, copy=False
    )
    l10n_fr_urssaf_simulation = fields.Boolean(
        string="Urssaf Local Simulation", compute="_compute_l10n_fr_urssaf_simulation"
    )
    # The household raises the tax credit's yearly ceiling (art. 199 sexdecies
    # CGI): optional, for the warning before sending.
    l10n_fr_urssaf_dependents = fields.Integer(
        string="Dependent Children",
        groups=IDENTITY_GROUP,
        help="Each raises the household's ceiling by €1,500 (up to €15,000).",
    )
    l10n_fr_urssaf_seniors = fields.Integer(
        string="Household Members over 65",
        groups=IDENTITY_GROUP,
        help="Each raises the household's ceiling by €1,500 (up to €15,000).",
    )
    l10n_fr_urssaf_disabled = fields.Boolean(
        string="Disabled Household Member",
        groups=IDENTITY_GROUP,
        help="A member holds a disability card (carte d'invalidité, or the CMI "
        "marked invalidité), a 3rd-category invalidity pension, or a child gives "
        "right to the complément of the AEEH: the ceiling is €20,000.",
    )
    l10n_fr_urssaf_ceiling = fields.Monetary(
        string="Yearly Ceiling of Expenses",
        compute="_compute_l10n_fr_urssaf_ceiling",
        groups=IDENTITY_GROUP,
        help="The tax credit, and so the avance immédiate, is half of the "
        "household's expenses up to this ceiling, all providers together.",
    )
    l10n_fr_urssaf_year_total = fields.Monetary(
        string="Sent This Year",
        compute="_compute_l10n_fr_urssaf_year_total",
        groups=IDENTITY_GROUP,
        help="Invoices sent with the avance immédiate this calendar year (by date "
        "sent, Paris time), neither rejected, refused nor cancelled. Invoices "
        "paid to you directly and the customer's other providers are not in it.",
    )
    l10n_fr_urssaf_year_summary = fields.Text(
        string="This Year by Ceiling",
        compute="_compute_l10n_fr_urssaf_year_total",
        groups=IDENTITY_GROUP,
    )

    @api.depends("l10n_fr_urssaf_birth_country_id")
    def _compute_l10n_fr_urssaf_born_in_france(self):
        for partner in self:
            partner.l10n_fr_urssaf_born_in_france = (
                partner.l10n_fr_urssaf_birth_country_id.code in FRANCE_ISO_CODES
            )

    @api.model
    def _l10n_fr_urssaf_country_code(self, country):
        """INSEE code of a country (``99100`` for France), "" when unknown."""
        if country.code in FRANCE_ISO_CODES:
            return codes.FRANCE_COUNTRY_CODE
        return str(country.fr_cog or "")

    @api.depends("street", "street2")
    def _compute_l10n_fr_urssaf_address(self):
        for partner in self:
            address = Address.from_street(
                partner.street or "",
                street2=partner.street2,
                city=partner.city or "",
                city_code="",
                zip_code=partner.zip or "",
            )
            partner.l10n_fr_urssaf_street_number = address.street_number
            partner.l10n_fr_urssaf_street_letter = address.street_letter
            partner.l10n_fr_urssaf_road_type = address.road_type
            partner.l10n_fr_urssaf_road_name = address.road_name
            partner.l10n_fr_urssaf_address_complement = address.complement

    @api.depends("zip", "city")
    def _compute_l10n_fr_urssaf_commune(self):
        found = self.env["l10n.fr.urssaf.commune"]._find_for_addresses(
            {(partner.zip, partner.city) for partner in self}
        )
        for partner in self:
            partner.l10n_fr_urssaf_commune_id = found[(partner.zip, partner.city)]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (
                "is_company" not in vals
                and "company_type" not in vals
                and any(vals.get(name) for name in PERSON_FIELDS)
            ):
                # Someone with a birth name is a person, whatever the list's
                # default (Invoicing's Customers makes companies).
                vals["is_company"] = False
            # Defaults (not registered, empty) are no Urssaf data.
            given = {
                name: value
                for name, value in vals.items()
                if value and value != "not_registered"
            }
            check_urssaf_owned(self, given, URSSAF_OWNED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_urssaf_owned(self, vals, URSSAF_OWNED_FIELDS)
        registered = self.filtered("l10n_fr_urssaf_customer_id")
        if registered:
            # Urssaf debits the account given at registration.
            check_urssaf_owned(registered, vals, BANK_FIELDS)
        kept = {}
        if any(name in vals for name in KEPT_FIELDS):
            kept = {
                partner: partner._l10n_fr_urssaf_kept()
                for partner in registered.filtered(
                    lambda p: not p.l10n_fr_urssaf_elsewhere
                )
            }
        result = super().write(vals)
        for partner, before in kept.items():
            changed = partner._l10n_fr_urssaf_kept_changes(before)
            if changed:
                # Which parts only: identity data stays out of the chatter.
                partner._message_log(
                    body=partner._l10n_fr_urssaf_not_updated_message(changed)
                )
        if RECHECK_FIELDS.intersection(vals):
            # Corrected: the link is checked again.
            self.sudo().filtered("l10n_fr_urssaf_link_problem").write(
                {"l10n_fr_urssaf_link_problem": False}
            )
        return result

    def _l10n_fr_urssaf_kept(self):
        """What Urssaf keeps of this customer, as it would be sent now."""
        self.ensure_one()
        payload = build_customer_payload(self.sudo()._l10n_fr_urssaf_customer())
        return {
            part: [payload.get(key) for key in keys]
            for part, keys in KEPT_BY_URSSAF.items()
        }

    def _l10n_fr_urssaf_kept_changes(self, before):
        """The parts (see KEPT_BY_URSSAF) that differ from ``before``."""
        now = self._l10n_fr_urssaf_kept()
        return [part for part in KEPT_BY_URSSAF if now[part] != before[part]]

    def _l10n_fr_urssaf_not_updated_message(self, parts):
        _ = self.env._
        labels = {
            "identity": _("identity"),
            "address": _("postal address"),
            "email": _("e-mail address"),
            "mobile": _("mobile phone"),
        }
        return _(
            "Changed here only (%(parts)s): Urssaf has no call to update a "
            "registered customer and keeps what was sent at the registration. "
            "The customer changes the e-mail address or mobile phone in their "
            "particulier.urssaf.fr space; for the identity or the postal address, "
            "or if the customer cannot log in, contact Urssaf support.",
            parts=", ".join(labels[part] for part in parts),
        )

    @api.onchange(*KEPT_FIELDS)
    def _onchange_l10n_fr_urssaf_kept(self):
        origin = self._origin
        if not origin.l10n_fr_urssaf_customer_id or origin.l10n_fr_urssaf_elsewhere:
            return None
        changed = self._l10n_fr_urssaf_kept_changes(origin._l10n_fr_urssaf_kept())
        if not changed:
            return None
        return {
            "warning": {
                "title": self.env._("Urssaf will not be updated"),
                "message": self._l10n_fr_urssaf_not_updated_message(changed),
            }
        }

    @api.depends("bank_ids")
    def _compute_l10n_fr_urssaf_bank_account(self):
        for partner in self:
            if partner.l10n_fr_urssaf_bank_account_id not in partner.bank_ids:
                partner.l10n_fr_urssaf_bank_account_id = partner.bank_ids[:1]

    @api.depends(
        "l10n_fr_urssaf_bank_account_id.acc_number",
        "l10n_fr_urssaf_bank_account_id.bank_id",
    )
    def _compute_l10n_fr_urssaf_iban(self):
        for partner in self:
            account = partner.l10n_fr_urssaf_bank_account_id
            partner.l10n_fr_urssaf_iban = account.acc_number
            partner.l10n_fr_urssaf_bank_id = account.bank_id

    def _inverse_l10n_fr_urssaf_iban(self):
        for partner in self:
            number = sanitize_account_number(partner.l10n_fr_urssaf_iban)
            if not number:
                continue
            bank = partner.l10n_fr_urssaf_bank_id
            account = partner.bank_ids.filtered(
                lambda acc, number=number: acc.sanitized_acc_number == number
            )[:1]
            if not account:
                account = self.env["res.partner.bank"].create(
                    {
                        "partner_id": partner.id,
                        "acc_number": partner.l10n_fr_urssaf_iban,
                        "bank_id": bank.id,
                    }
                )
            elif bank and account.bank_id != bank:
                account.bank_id = bank
            if account != partner.l10n_fr_urssaf_bank_account_id:
                partner.l10n_fr_urssaf_bank_account_id = account

    def _compute_l10n_fr_urssaf_counts(self):
        invoice_counts = dict(
            self.env["account.move"]._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("move_type", "=", "out_invoice"),
                    ("l10n_fr_urssaf_state", "!=", False),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        request_counts = dict(
            self.env["l10n.fr.urssaf.payment.request"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.l10n_fr_urssaf_invoice_count = invoice_counts.get(
                partner._origin, 0
            )
            partner.l10n_fr_urssaf_request_count = request_counts.get(
                partner._origin, 0
            )

    @api.depends(
        "l10n_fr_urssaf_dependents", "l10n_fr_urssaf_seniors", "l10n_fr_urssaf_disabled"
    )
    def _compute_l10n_fr_urssaf_ceiling(self):
        for partner in self:
            partner.l10n_fr_urssaf_ceiling = float(partner._l10n_fr_urssaf_ceiling())

    def _l10n_fr_urssaf_ceiling(self):
        self.ensure_one()
        partner = self.sudo()
        return ceilings.household_ceiling(
            max(partner.l10n_fr_urssaf_dependents, 0),
            max(partner.l10n_fr_urssaf_seniors, 0),
            partner.l10n_fr_urssaf_disabled,
        )

    @api.depends(
        "l10n_fr_urssaf_dependents", "l10n_fr_urssaf_seniors", "l10n_fr_urssaf_disabled"
    )
    def _compute_l10n_fr_urssaf_year_total(self):
        year = urssaf_date(fields.Datetime.now()).year
        amounts = self._origin._l10n_fr_urssaf_year_amounts(year)
        sub_ceilings = {g: limit for g, (limit, _c) in ceilings.SUB_CEILINGS.items()}
        for partner in self:
            totals = ceilings.group_totals(amounts.get(partner._origin, {}))
            currency = partner.currency_id or self.env.company.currency_id
            limits = {None: partner._l10n_fr_urssaf_ceiling(), **sub_ceilings}
            partner.l10n_fr_urssaf_year_total = float(totals[None])
            partner.l10n_fr_urssaf_year_summary = "\n".join(
                self.env._(
                    "%(nature)s: %(total)s of %(limit)s",
                    nature=self._l10n_fr_urssaf_ceiling_label(group),
                    total=format_amount(self.env, float(totals[group]), currency),
                    limit=format_amount(self.env, float(limit), currency),
                )
                for group, limit in limits.items()
                if group in totals
            )

    @api.model
    def _l10n_fr_urssaf_ceiling_label(self, group):
        return {
            None: self.env._("All services"),
            "gardening": self.env._("Small gardening work"),
            "computer": self.env._("Computer assistance at home"),
            "diy": self.env._("Small DIY jobs"),
        }[group]

    def _l10n_fr_urssaf_year_amounts(self, year, exclude=None):
        """What these customers' invoices sent with the avance immédiate in
        the Paris calendar year ``year`` amount to, by service nature:
        ``{partner: {nature code: Decimal}}``. Refused, cancelled and rejected
        requests do not count, nor those of another Urssaf environment than
        their company's current one, nor the invoices ``exclude``."""
        Request = self.env["l10n.fr.urssaf.payment.request"]
        groups = Request._read_group(
            [
                ("partner_id", "in", self.ids),
                ("state", "not in", ("error", "refused", "cancelled")),
                ("sent_date", ">=", urssaf_midnight(date(year, 1, 1))),
                ("sent_date", "<", urssaf_midnight(date(year + 1, 1, 1))),
                ("move_id", "not in", exclude.ids if exclude else []),
            ],
            ["partner_id", "company_id", "environment"],
            ["move_id:array_agg"],
        )
        return self._l10n_fr_urssaf_nature_amounts(
            {
                move_id: partner
                for partner, company, environment, move_ids in groups
                if environment == company.sudo().l10n_fr_urssaf_environment
                for move_id in move_ids
            }
        )

    @api.model
    def _l10n_fr_urssaf_nature_amounts(self, partner_of):
        """``{move id: partner}`` -> ``{partner: {nature code: Decimal}}``,
        from the invoices' lines (taxes included, as sent to Urssaf)."""
        amounts = {}
        for move, code, total in self.env["account.move.line"]._read_group(
            [
                ("move_id", "in", list(partner_of)),
                ("display_type", "=", "product"),
                ("l10n_fr_urssaf_nature_code", "not in", [False, NATURE_NOT_ELIGIBLE]),
            ],
            ["move_id", "l10n_fr_urssaf_nature_code"],
            ["price_total:sum"],
        ):
            by_code = amounts.setdefault(partner_of[move.id], {})
            by_code[code] = by_code.get(code, Decimal(0)) + Decimal(
                str(round(total, 2))
            )
        return amounts

    @api.model
    def _l10n_fr_urssaf_ceiling_warnings(self, moves):
        """What sending ``moves`` now does to their customers' ceilings this
        year, in the user's words; a warning, never a block: Urssaf does not
        check the ceilings, and the customer may have other providers."""
        today = urssaf_date(fields.Datetime.now())
        adding = self._l10n_fr_urssaf_nature_amounts(
            {move.id: move.partner_id for move in moves}
        )
        partners = self.browse([partner.id for partner in adding])
        before = partners._l10n_fr_urssaf_year_amounts(today.year, exclude=moves)
        currencies = {
            partner: group.currency_id[:1]
            for partner, group in moves.grouped("partner_id").items()
        }
        warnings = []
        for partner in partners:
            currency = currencies[partner]
            for group, limit, total, after in ceilings.overruns(
                before.get(partner, {}),
                adding[partner],
                partner._l10n_fr_urssaf_ceiling(),
            ):
                warnings.append(
                    self.env._(
                        "%(customer)s, %(nature)s: %(after)s in %(year)s with these "
                        "invoices (%(before)s before), above the ceiling of "
                        "%(limit)s. The tax credit stops at the ceiling: check with "
                        "the customer, whose other providers count too.",
                        customer=partner.display_name,
                        after=format_amount(self.env, float(after), currency),
                        year=today.year,
                        before=format_amount(self.env, float(total), currency),
                        nature=self._l10n_fr_urssaf_ceiling_label(group),
                        limit=format_amount(self.env, float(limit), currency),
                    )
                )
        return warnings

    def action_l10n_fr_urssaf_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("partner_id", "=", self.id),
            ("move_type", "=", "out_invoice"),
            ("l10n_fr_urssaf_state", "!=", False),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def action_l10n_fr_urssaf_payment_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_urssaf_avance_immediate.action_payment_request"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.depends(
        "l10n_fr_urssaf_customer_id",
        "l10n_fr_urssaf_environment",
        "l10n_fr_urssaf_company_id.l10n_fr_urssaf_environment",
        "company_id.l10n_fr_urssaf_environment",
    )
    @api.depends_context("company")
    def _compute_l10n_fr_urssaf_simulation(self):
        for partner in self:
            # Another company's settings: read one selection, nothing more.
            environment = partner.sudo()._l10n_fr_urssaf_provider()[
                "l10n_fr_urssaf_environment"
            ]
            partner.l10n_fr_urssaf_elsewhere = bool(
                partner.l10n_fr_urssaf_customer_id
                and partner.l10n_fr_urssaf_environment != environment
            )
            partner.l10n_fr_urssaf_simulation = environment == "simulation"

    # ------------------------------------------------------------------ payload

    def _l10n_fr_urssaf_provider(self):
        """The provider company for this customer's Urssaf exchanges."""
        self.ensure_one()
        return self.l10n_fr_urssaf_company_id or self.company_id or self.env.company

    def _l10n_fr_urssaf_customer(self):
        """The customer as ``lib`` expects it, from the Odoo fields."""
        self.ensure_one()
        commune = self.l10n_fr_urssaf_birth_commune_id
        if not self.l10n_fr_urssaf_born_in_france:
            commune = commune.browse()
        bank = self.l10n_fr_urssaf_bank_account_id
        return Customer(
            civility=self.l10n_fr_urssaf_civility or "",
            birth_name=self.l10n_fr_urssaf_birth_name or "",
            usage_name=self.l10n_fr_urssaf_usage_name,
            first_names=self.l10n_fr_urssaf_first_names or "",
            birth_date=self.l10n_fr_urssaf_birth_date or None,
            birth_place=BirthPlace(
                country_code=self._l10n_fr_urssaf_country_code(
                    self.l10n_fr_urssaf_birth_country_id
                ),
                commune_code=commune.code or None,
                commune_label=commune.name or None,
            ),
            mobile_phone=self.mobile or self.phone or "",
            email=self.email or "",
            address=Address(
                city=self.city or "",
                city_code=self.l10n_fr_urssaf_commune_id.code or "",
                zip_code=self.zip or "",
                country_code=self._l10n_fr_urssaf_country_code(self.country_id),
                street_number=self.l10n_fr_urssaf_street_number,
                street_letter=self.l10n_fr_urssaf_street_letter,
                road_type=self.l10n_fr_urssaf_road_type,
                road_name=self.l10n_fr_urssaf_road_name,
                complement=self.l10n_fr_urssaf_address_complement,
                locality=self.l10n_fr_urssaf_locality,
            ),
            bank_account=BankAccount(
                iban=bank.sanitized_acc_number or "",
                bic=bank.bank_bic or "",
                holder=bank.acc_holder_name or self.name or "",
            ),
        )

    def _l10n_fr_urssaf_registration_problems(self):
        """Every reason why Urssaf would refuse this customer, in the user's
        language, before anything is sent."""
        self.ensure_one()
        problems = []
        if self.is_company:
            problems.append(
                self.env._(
                    "This contact is a company: tick Individual at the top of the "
                    "form (the avance immédiate is for private individuals)."
                )
            )
        if (
            self.l10n_fr_urssaf_born_in_france
            and not self.l10n_fr_urssaf_birth_commune_id
        ):
            problems.append(
                self.env._(
                    "Birth commune: required for a customer born in France; choose "
                    "it by name in the Avance immédiate tab."
                )
            )
        problem = self._l10n_fr_urssaf_birth_commune_problem()
        if problem:
            problems.append(problem)
        found = validate_customer_payload(
            build_customer_payload(self._l10n_fr_urssaf_customer())
        )
        bank_problems = self._l10n_fr_urssaf_bank_problems(
            {problem.path for problem in found}
        )
        # Told once, with where to fix them, by the bank problems.
        replaced = (BANK_BIC,) if self.l10n_fr_urssaf_bank_account_id else BANK_PATHS
        problems += [
            self._l10n_fr_urssaf_problem_text(problem)
            for problem in found
            if problem.path not in replaced
        ]
        return problems + bank_problems

    def _l10n_fr_urssaf_problem_text(self, problem):
        """A validator's problem in the user's language."""
        french = (self.env.lang or "").startswith("fr")
        return problem.message_fr if french else problem.message_en

    def _l10n_fr_urssaf_birth_commune_problem(self):
        """Why INSEE would not know the birth commune at the birth date."""
        commune = self.l10n_fr_urssaf_birth_commune_id
        if not self.l10n_fr_urssaf_born_in_france or not commune:
            return None
        try:
            insee.check_birth_commune(commune.code, self.l10n_fr_urssaf_birth_date)
        except insee.UnknownCommuneError:
            return self.env._(
                "Birth commune: %(commune)s is not a commune INSEE knows; "
                "choose it again by name.",
                commune=commune.display_name,
            )
        except insee.CommuneDateError as exc:
            suggestion = commune.search(
                [("code", "=", exc.suggestion.code if exc.suggestion else False)],
                limit=1,
            )
            return self.env._(
                "Birth commune: %(commune)s did not exist on %(date)s; choose "
                "%(suggestion)s, the commune at that date.",
                commune=commune.display_name,
                date=format_date(self.env, self.l10n_fr_urssaf_birth_date),
                suggestion=suggestion.display_name
                or self.env._("the commune of that time"),
            )
        return None

    def _l10n_fr_urssaf_bank_problems(self, paths):
        """The bank account's problems the validator cannot word (where to
        enter what), given the payload ``paths`` it found problems at."""
        _ = self.env._
        account = self.l10n_fr_urssaf_bank_account_id
        if not account:
            return [
                _(
                    "Bank account: enter the customer's IBAN and bank in the Avance "
                    "immédiate tab; Urssaf debits the customer's share from it."
                )
            ]
        problems = []
        if BANK_IBAN not in paths and account.acc_type != "iban":
            problems.append(
                _(
                    "IBAN: %(account)s is not a valid IBAN (its length or format "
                    "does not match its country); copy the IBAN from the "
                    "customer's bank details (RIB).",
                    account=account.acc_number,
                )
            )
        if BANK_BIC in paths:
            if not account.bank_id:
                problems.append(
                    _(
                        "BIC: choose the customer's bank in the Bank field of the "
                        "Avance immédiate tab (create it there with the BIC from "
                        "the customer's RIB if it is not in the list)."
                    )
                )
            else:
                problems.append(
                    _(
                        "BIC: the bank %(bank)s has no valid BIC (8 or 11 "
                        "characters): open it from the Bank field of the Avance "
                        "immédiate tab and enter the BIC from the customer's RIB.",
                        bank=account.bank_id.name,
                    )
                )
        return problems

    # ------------------------------------------------------------ registration

    def action_l10n_fr_urssaf_register(self):
        """Register the selected customers with Urssaf.

        One customer: any problem is raised with its fix. Several customers:
        each is tried, problems go to its chatter and a summary is shown.
        """
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        for partner in self:
            # Before anything is sent: a rollback would forget customers that
            # Urssaf registered.
            partner._l10n_fr_urssaf_provider()._l10n_fr_urssaf_check_credentials()
        single = len(self) == 1
        ready, failed = self.browse(), {}
        for partner in self:
            company = partner._l10n_fr_urssaf_provider()
            if company not in self.env.companies:
                failed[partner] = partner._l10n_fr_urssaf_other_company_message()
                continue
            if (
                partner.l10n_fr_urssaf_customer_id
                and not partner.l10n_fr_urssaf_elsewhere
            ):
                failed[partner] = self.env._("already registered with Urssaf")
                continue
            problems = partner._l10n_fr_urssaf_registration_problems()
            if problems:
                if partner.email and not partner.is_company:
                    problems.append(
                        self.env._(
                            "Or let the customer enter these details: button Send "
                            "registration link."
                        )
                    )
                failed[partner] = "\n".join(problems)
            else:
                ready |= partner
        done = self.browse()
        # One client, so one token, per provider company.
        for company, partners in ready.grouped(
            lambda partner: partner._l10n_fr_urssaf_provider()
        ).items():
            with company._l10n_fr_urssaf_client(partners) as client:
                for partner in partners:
                    error = partner._l10n_fr_urssaf_send_registration(client, company)
                    # A success is committed below; a failure may be undone.
                    client.on_exchange.flush(durable=bool(error))
                    if error:
                        failed[partner] = error
                    else:
                        done |= partner
                        # Urssaf registered them: nothing later may undo it.
                        if self.env["account.move"]._l10n_fr_urssaf_can_commit():
                            self.env.cr.commit()  # pylint: disable=invalid-commit
        if single and failed:
            ((partner, message),) = failed.items()
            raise UserError(
                self.env._(
                    "%(customer)s cannot be registered with Urssaf:\n%(problems)s",
                    customer=partner.display_name,
                    problems=message,
                )
            )
        for partner in failed:
            # The reasons may quote identity data: they stay out of the chatter.
            partner._message_log(
                body=self.env._(
                    "Urssaf registration not done: open the Avance immédiate tab and "
                    "click Register with Urssaf to see what to fix."
                )
            )
        return self._l10n_fr_urssaf_summary(done, failed)

    def _l10n_fr_urssaf_send_registration(self, client, company):
        """Register one customer through ``client`` (of ``company``); return an
        error text or None."""
        payload = build_customer_payload(self._l10n_fr_urssaf_customer())
        try:
            customer_id = client.register_customer(payload)
        except UrssafError as exc:
            _logger.info("Urssaf registration of partner %s: %s", self.id, exc.code)
            lost = isinstance(exc, UrssafOutcomeUnknownError)
            if lost or exc.code == LINK_EXISTS:
                # An earlier answer was lost: Urssaf may hold the link.
                return self._l10n_fr_urssaf_recover_registration(
                    client, company, payload["adresseMail"], exc
                )
            return self.env["res.company"]._l10n_fr_urssaf_explain(exc)
        self._l10n_fr_urssaf_record_link(customer_id, company)
        self._l10n_fr_urssaf_log(
            body=self.env._(
                "Registered with Urssaf (customer ID %(customer_id)s). Urssaf e-mails "
                "the customer a link to activate the online account; payment requests "
                "can be sent once it is active.",
                customer_id=customer_id,
            )
        )
        return None

    def _l10n_fr_urssaf_record_link(self, customer_id, company):
        # Urssaf's answer, recorded whoever may edit contacts.
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "l10n_fr_urssaf_customer_id": customer_id,
                "l10n_fr_urssaf_company_id": company.id,
                "l10n_fr_urssaf_environment": company.l10n_fr_urssaf_environment,
                "l10n_fr_urssaf_registration_date": now,
                "l10n_fr_urssaf_state": "pending",
                "l10n_fr_urssaf_status_date": now,
                "l10n_fr_urssaf_activation_date": False,
                "l10n_fr_urssaf_reminded": False,
            }
        )
        self.sudo().activity_feedback([PORTAL_ACTIVITY])

    def _l10n_fr_urssaf_recover_registration(self, client, company, email, exc):
        """After a lost answer or "already linked", find the link by the
        customer's e-mail; return an error text, or None once recovered."""
        _ = self.env._
        try:
            status = client.get_customer_status(email=email)
        except UrssafBusinessError as search_exc:
            if search_exc.code != "ERR_RECHERCHE_PARTICULIER":
                return self.env["res.company"]._l10n_fr_urssaf_explain(search_exc)
            if isinstance(exc, UrssafOutcomeUnknownError):
                return _(
                    "Urssaf's answer was lost, and Urssaf has no link with this "
                    "customer: the registration did not reach it. Register again."
                )
            explained = self.env["res.company"]._l10n_fr_urssaf_explain(exc)
            return f"{explained}\n{self._l10n_fr_urssaf_link_help()}"
        except UrssafError:
            return _(
                "Urssaf's answer was lost and Urssaf cannot be asked right now: it "
                "may have registered the customer. Register again later: the link "
                "is then found instead of registered twice."
            )
        problem = self._l10n_fr_urssaf_adopt(status, company)
        return problem and f"{problem}\n{self._l10n_fr_urssaf_link_help()}"

    def _l10n_fr_urssaf_other_company_message(self):
        return self.env._(
            "%(customer)s is registered by %(company)s: switch to that company to "
            "exchange with Urssaf in its name.",
            customer=self.display_name,
            company=self.sudo()._l10n_fr_urssaf_provider().display_name,
        )

    def _l10n_fr_urssaf_link_help(self):
        return self.env._(
            "Urssaf already links this customer to you, under another e-mail "
            "address: enter the Urssaf customer ID (in the customer's "
            "particulier.urssaf.fr space, or from Urssaf) with Link an Urssaf "
            "account."
        )

    def action_l10n_fr_urssaf_link(self):
        """Dialog to enter the Urssaf customer ID of an existing link."""
        self.ensure_one()
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link an Urssaf account"),
            "res_model": "l10n.fr.urssaf.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    @api.model
    def get_import_templates(self):
        return [
            *super().get_import_templates(),
            {
                "label": self.env._("Import Template for Avance Immédiate Customers"),
                "template": "/l10n_fr_urssaf_avance_immediate/static/import/"
                "urssaf_customers.csv",
            },
        ]

    def action_l10n_fr_urssaf_check_links(self):
        """Check the Urssaf customer IDs to link of the selected customers
        with the current company's Urssaf access: now for a few (with a
        summary), in the background for more."""
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        partners = self.filtered(
            lambda partner: (partner.l10n_fr_urssaf_link_to_check or "").strip()
        )
        if not partners:
            raise UserError(
                self.env._(
                    "None of these customers has an Urssaf customer ID to link: "
                    "fill in the column Urssaf Customer ID to Link (import) or the "
                    "field of the Avance immédiate tab."
                )
            )
        company = self.env.company
        if len(partners) > LINK_CHECK_NOW:
            partners.sudo().write(
                {
                    "l10n_fr_urssaf_link_problem": False,
                    "l10n_fr_urssaf_link_company_id": company.id,
                }
            )
            self.env.ref(CRON_CHECK_LINKS)._trigger()
            return notification(
                self.env,
                self.env._("Urssaf links"),
                self.env._(
                    "%(count)s customers are checked with Urssaf in the background. "
                    "Those that fail are listed by the filter Urssaf link to fix, "
                    "with the reason.",
                    count=len(partners),
                ),
                "info",
            )
        done, failed = partners._l10n_fr_urssaf_check_links(company)
        return self._l10n_fr_urssaf_summary(done, failed, linked=True)

    @api.model
    def _cron_l10n_fr_urssaf_check_links(self):
        """The customer IDs queued for a check, by the company that asked, in
        its language."""
        queued = self.search(
            [
                ("l10n_fr_urssaf_link_company_id", "!=", False),
                ("l10n_fr_urssaf_link_to_check", "!=", False),
                ("l10n_fr_urssaf_link_problem", "=", False),
            ],
            order="id",
        )
        cron = self.env["ir.cron"]
        done = 0
        for company, partners in queued.grouped(
            "l10n_fr_urssaf_link_company_id"
        ).items():
            partners.with_company(company).with_context(
                lang=company.partner_id.lang
            )._l10n_fr_urssaf_check_links(company)
            done += len(partners)
            cron._notify_progress(done=done, remaining=len(queued) - done)

    def _l10n_fr_urssaf_check_links(self, company):
        """Link each customer whose Urssaf ID to link ``company``'s Urssaf
        confirms; keep why not on the others (a customer of another company
        included). Returns (linked, {partner: reason}); customers left when
        Urssaf cannot be reached are checked again later."""
        done, failed = self.browse(), {}
        mine = self.filtered(lambda p: p._l10n_fr_urssaf_provider() == company)
        for partner in self - mine:
            failed[partner] = partner._l10n_fr_urssaf_other_company_message()
        later = self.browse()
        try:
            # One client, one token, for all of them.
            with company._l10n_fr_urssaf_client(*mine) as client:
                for batch in split_every(LINK_BATCH, mine.ids, self.browse):
                    if later:
                        later |= batch
                        continue
                    linked, later = batch._l10n_fr_urssaf_check_link_batch(
                        client, failed
                    )
                    done |= linked
                    client.on_exchange.flush(durable=False)
                    # Each batch stands on its own: a later failure keeps it.
                    if self.env["account.move"]._l10n_fr_urssaf_can_commit():
                        self.env.cr.commit()  # pylint: disable=invalid-commit
        except (UserError, RedirectWarning) as exc:
            # No access to Urssaf (credentials missing): said on each one.
            for partner in mine - done:
                failed[partner] = str(exc.args[0])
        for partner, reason in failed.items():
            if partner not in later:
                partner.sudo().l10n_fr_urssaf_link_problem = reason
        if later:
            self.env.ref(CRON_CHECK_LINKS)._trigger(fields.Datetime.now() + LINK_RETRY)
            later.sudo().l10n_fr_urssaf_link_company_id = company
        return done, failed

    def _l10n_fr_urssaf_check_link_batch(self, client, failed):
        """Check these customers' IDs; returns (linked, left for later): when
        Urssaf cannot answer, this customer and the next wait."""
        linked = self.browse()
        for partner in self:
            try:
                with self.env.cr.savepoint():
                    partner._l10n_fr_urssaf_link_existing(
                        partner.l10n_fr_urssaf_link_to_check.strip(),
                        client,
                        quote=False,
                    )
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception as exc:  # pylint: disable=broad-except
                if isinstance(exc.__cause__, LATER):
                    failed[partner] = str(exc.args[0]) if exc.args else ""
                    return linked, self[self.ids.index(partner.id) :]
                if isinstance(exc, UserError) and exc.args:
                    _logger.info("Urssaf link of partner %s refused", partner.id)
                    failed[partner] = str(exc.args[0])
                else:
                    # Not Urssaf's answer: the trace is for whoever supports Odoo.
                    _logger.exception(
                        "Urssaf link of partner %s not checked", partner.id
                    )
                    failed[partner] = self.env._(
                        "unexpected error (details in the server log): check the "
                        "link again later, or ask whoever supports your Odoo"
                    )
            else:
                linked |= partner
        linked.sudo().write(
            {
                "l10n_fr_urssaf_link_to_check": False,
                "l10n_fr_urssaf_link_problem": False,
                "l10n_fr_urssaf_link_company_id": False,
            }
        )
        return linked, self.browse()

    def _l10n_fr_urssaf_link_existing(self, customer_id, client=None, quote=True):
        """Record the link Urssaf holds under ``customer_id``, once Urssaf's
        status call confirms it is this customer's (through ``client``, an
        open client of the customer's provider, or a new one); ``quote``
        quotes Urssaf's identity when it differs."""
        self.ensure_one()
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        if self.l10n_fr_urssaf_customer_id and not self.l10n_fr_urssaf_elsewhere:
            if self.l10n_fr_urssaf_customer_id == customer_id:
                return  # imported again: linked already
            raise UserError(self.env._("This customer is already linked to Urssaf."))
        company = self._l10n_fr_urssaf_provider()
        if company not in self.env.companies:
            raise UserError(self._l10n_fr_urssaf_other_company_message())
        if client is None:
            with company._l10n_fr_urssaf_client(self) as client:
                return self._l10n_fr_urssaf_link_existing(customer_id, client, quote)
        client.on_exchange.know(self, customer_id=customer_id)
        try:
            status = client.get_customer_status(customer_id=customer_id)
        except UrssafError as exc:
            raise UserError(
                self.env["res.company"]._l10n_fr_urssaf_explain(exc)
            ) from exc
        problem = self._l10n_fr_urssaf_adopt(status, company, quote)
        if problem:
            raise UserError(problem)

    def _l10n_fr_urssaf_adopt(self, status, company, quote=True):
        """Record the link Urssaf reports (:class:`lib.client.CustomerStatus`)
        when it is this very person; return a problem text, or None."""
        answer = status.raw
        theirs = (answer.get("nomNaissance"), answer.get("prenoms"))
        identity = self.sudo()
        mine = (identity.l10n_fr_urssaf_birth_name, identity.l10n_fr_urssaf_first_names)
        twin = self.sudo().search(
            [
                ("l10n_fr_urssaf_customer_id", "=", status.customer_id),
                ("l10n_fr_urssaf_company_id", "=", company.id),
                (
                    "l10n_fr_urssaf_environment",
                    "=",
                    company.l10n_fr_urssaf_environment,
                ),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if twin:
            return self.env._(
                "The Urssaf customer %(customer_id)s is already linked to "
                "%(other)s: merge the two contacts instead.",
                customer_id=status.customer_id,
                other=twin.display_name,
            )
        _ = self.env._
        labels = (
            (_("birth name"), _("different birth name")),
            (_("first names"), _("different first names")),
        )
        # Quoted to the user asking; not kept on the customer (another
        # person's identity, when the ID is wrong).
        differences = [
            _(
                "%(what)s %(theirs)s at Urssaf, %(mine)s here",
                what=label,
                theirs=their or "-",
                mine=my or "-",
            )
            if quote
            else different
            for (label, different), their, my in zip(labels, theirs, mine, strict=True)
            if _fold(their) != _fold(my)
        ]
        if differences:
            return self.env._(
                "The Urssaf customer %(customer_id)s is not %(customer)s "
                "(%(differences)s): check the ID, or correct the identity on the "
                "form if it is theirs.",
                customer_id=status.customer_id,
                customer=self.display_name,
                differences="; ".join(differences),
            )
        self._l10n_fr_urssaf_record_link(status.customer_id, company)
        self._l10n_fr_urssaf_apply_status(status)
        self._l10n_fr_urssaf_log(
            body=self.env._(
                "Link with Urssaf found (customer ID %(customer_id)s): %(status)s.",
                customer_id=status.customer_id,
                status=status.label,
            )
        )
        return None

    def _l10n_fr_urssaf_summary(self, done, failed, linked=False):
        """What registering (or linking) ``done`` and not ``failed`` gave: a
        notification for one customer, a summary dialog for several."""
        _ = self.env._
        count = len(done)
        if linked:
            lines = [
                _("No customer linked.")
                if not count
                else _("1 customer linked.")
                if count == 1
                else _("%(count)s customers linked.", count=count)
            ]
            not_done = (
                _("1 customer not linked.")
                if len(failed) == 1
                else _("%(count)s customers not linked.", count=len(failed))
            )
        else:
            lines = [
                _("No customer registered.")
                if not count
                else _("1 customer registered.")
                if count == 1
                else _("%(count)s customers registered.", count=count)
            ]
            not_done = (
                _("1 customer not registered.")
                if len(failed) == 1
                else _("%(count)s customers not registered.", count=len(failed))
            )
        if len(done) + len(failed) > 1:
            # Several customers: each one's result, to act on the failures.
            summary = self.env["l10n.fr.urssaf.registration.summary"].create(
                {
                    "message": " ".join([*lines, not_done] if failed else lines),
                    "linked": linked,
                    "line_ids": [
                        fields.Command.create(
                            {
                                "partner_id": partner.id,
                                "registered": True,
                                "result": _(
                                    "Linked: %(status)s.",
                                    status=dict(
                                        partner._fields[
                                            "l10n_fr_urssaf_state"
                                        ]._description_selection(self.env)
                                    )[partner.l10n_fr_urssaf_state],
                                )
                                if linked
                                else _(
                                    "Registered: Urssaf e-mails %(email)s to "
                                    "activate the account.",
                                    email=partner.email,
                                ),
                            }
                        )
                        for partner in done
                    ]
                    + [
                        fields.Command.create(
                            {
                                "partner_id": partner.id,
                                "registered": False,
                                "result": message,
                            }
                        )
                        for partner, message in failed.items()
                    ],
                }
            )
            return {
                "type": "ir.actions.act_window",
                "name": _("Urssaf links") if linked else _("Urssaf registration"),
                "res_model": summary._name,
                "res_id": summary.id,
                "view_mode": "form",
                "target": "new",
            }
        lines += [
            f"{partner.display_name}: {message.splitlines()[0]}"
            for partner, message in failed.items()
        ]
        return notification(
            self.env,
            self.env._("Urssaf registration"),
            "\n".join(lines),
            "warning" if failed else "success",
            simulation=any(p.l10n_fr_urssaf_environment == "simulation" for p in done),
            next_action={"type": "ir.actions.act_window_close"},
        )

    # ------------------------------------------------------------------ status

    def action_l10n_fr_urssaf_refresh_status(self):
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        other = self.l10n_fr_urssaf_company_id - self.env.companies
        if other:
            raise UserError(
                self.env._(
                    "These customers are registered by %(companies)s: switch to that "
                    "company to exchange with Urssaf in its name.",
                    companies=", ".join(other.sudo().mapped("display_name")),
                )
            )
        errors = self.filtered("l10n_fr_urssaf_customer_id")._l10n_fr_urssaf_refresh()
        if errors and len(self) == 1:
            raise UserError(next(iter(errors.values())))
        return True

    def _l10n_fr_urssaf_refresh(self):
        """Ask Urssaf for the account status of these customers, one client per
        provider company and a savepoint per customer: one failure stays one.

        :return: ``{partner: error text}`` for those not refreshed
        """
        errors = {}
        explain = self.env["res.company"]._l10n_fr_urssaf_explain
        elsewhere = self.filtered("l10n_fr_urssaf_elsewhere")
        for partner in elsewhere:
            errors[partner] = partner._l10n_fr_urssaf_elsewhere_message()
        registered = self.filtered("l10n_fr_urssaf_company_id") - elsewhere
        by_company = registered.grouped("l10n_fr_urssaf_company_id")
        for company, partners in by_company.items():
            try:
                with company._l10n_fr_urssaf_client(partners) as client:
                    for partner in partners:
                        try:
                            with self.env.cr.savepoint():
                                partner._l10n_fr_urssaf_apply_status(
                                    client.get_customer_status(
                                        partner.l10n_fr_urssaf_customer_id
                                    )
                                )
                        except UrssafError as exc:
                            errors[partner] = explain(exc)
            except UrssafError as exc:  # token refused or Urssaf down
                message = explain(exc)
                errors.update(dict.fromkeys(partners, message))
            except RedirectWarning as exc:  # credentials missing
                errors.update(dict.fromkeys(partners, exc.args[0]))
        return errors

    def _l10n_fr_urssaf_elsewhere_message(self):
        envs = dict(
            self._fields["l10n_fr_urssaf_environment"]._description_selection(self.env)
        )
        company = self.sudo()._l10n_fr_urssaf_provider()
        return self.env._(
            "%(customer)s was registered in %(then)s, and %(company)s now works "
            "with %(now)s: register the customer again (Register with Urssaf).",
            customer=self.display_name,
            then=envs.get(self.l10n_fr_urssaf_environment),
            company=company.display_name,
            now=envs.get(company.l10n_fr_urssaf_environment),
        )

    def _l10n_fr_urssaf_log(self, body):
        self._message_log(
            body=self.env["res.company"]._l10n_fr_urssaf_note(
                body, self.l10n_fr_urssaf_environment
            )
        )

    def _l10n_fr_urssaf_apply_status(self, status):
        """Record an account status (:class:`lib.client.CustomerStatus`)."""
        self.ensure_one()
        state = ACCOUNT_STATES.get(status.status)
        values = {"l10n_fr_urssaf_status_date": fields.Datetime.now()}
        if state and state != self.l10n_fr_urssaf_state:
            values["l10n_fr_urssaf_state"] = state
            self._l10n_fr_urssaf_log(
                body=self.env._(
                    "Urssaf account status: %(status)s.", status=status.label
                )
            )
        if status.activated_at:
            values["l10n_fr_urssaf_activation_date"] = status.activated_at
        if not state:
            _logger.warning(
                "Unknown Urssaf account status %r, partner %s", status.status, self.id
            )
        self.sudo().write(values)

    @api.model
    def _cron_l10n_fr_urssaf_refresh_status(self):
        """Poll the customers whose account is not usable yet, in batches, each
        committed on its own, and remind salespeople of stalled activations."""
        domain = [
            ("l10n_fr_urssaf_customer_id", "!=", False),
            ("l10n_fr_urssaf_company_id", "!=", False),
            ("l10n_fr_urssaf_state", "in", WATCHED_STATES),
        ]
        partners = self.search(
            domain, order="l10n_fr_urssaf_status_date asc, id"
        ).filtered(lambda partner: not partner.l10n_fr_urssaf_elsewhere)
        cron = self.env["ir.cron"]
        for start in range(0, len(partners), CRON_BATCH_SIZE):
            batch = partners[start : start + CRON_BATCH_SIZE]
            run_guarded(
                batch,
                lambda records: records._l10n_fr_urssaf_poll(),
                lambda partner, exc: partner._l10n_fr_urssaf_fault(exc),
            )
            remaining = len(partners) - start - len(batch)
            cron._notify_progress(done=start + len(batch), remaining=remaining)
            # Each batch stands on its own: a later failure must not undo it.
            if self.env["account.move"]._l10n_fr_urssaf_can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _l10n_fr_urssaf_poll(self):
        for partner, error in self._l10n_fr_urssaf_refresh().items():
            _logger.warning("Urssaf status of partner %s: %s", partner.id, error)
        # After 7 days Urssaf marks the link expired (not finalised): both
        # states mean the customer still has to act.
        self.filtered(
            lambda p: p.l10n_fr_urssaf_state in WATCHED_STATES
        )._l10n_fr_urssaf_remind_stalled_activation()

    def _l10n_fr_urssaf_fault(self, exc):
        """An unexpected error on this customer: checked again after the
        others, and given to a person."""
        self.sudo().l10n_fr_urssaf_status_date = fields.Datetime.now()
        summary = self.env._("Avance immédiate: status not checked")
        if self.activity_ids.filtered(lambda activity: activity.summary == summary):
            return
        company = self.sudo()._l10n_fr_urssaf_provider()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=self.env._(
                "The Urssaf account status of %(customer)s could not be recorded: "
                "%(error)s. It is tried again at the next check; fix the cause if "
                "it persists.",
                customer=self.display_name,
                error=exc.args[0] if exc.args else self.env._("unexpected error"),
            ),
            user_id=company._l10n_fr_urssaf_responsible(self.user_id).id,
        )

    def _l10n_fr_urssaf_remind_stalled_activation(self):
        """After a week without activation, ask the salesperson to follow up."""
        limit = fields.Datetime.now() - REMINDER_DELAY
        for partner in self:
            if partner.l10n_fr_urssaf_reminded or (
                partner.l10n_fr_urssaf_registration_date > limit
            ):
                continue
            company = partner.l10n_fr_urssaf_company_id or self.env.company
            user = company.sudo()._l10n_fr_urssaf_responsible(partner.user_id)
            partner.activity_schedule(
                "l10n_fr_urssaf_avance_immediate.mail_activity_type_activation",
                user_id=user.id,
                note=self.env["ir.qweb"]
                .with_context(lang=user.lang)
                ._render(
                    "l10n_fr_urssaf_avance_immediate.activation_reminder_note",
                    {"partner": partner},
                ),
            )
            partner.sudo().l10n_fr_urssaf_reminded = True

    def action_l10n_fr_urssaf_send_activation_reminder(self):
        """Open the mail composer with the ready-made reminder for the customer."""
        self.ensure_one()
        template = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.mail_template_activation_reminder"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
            },
        }

    # --------------------------------------------------------------- simulator

    def action_l10n_fr_urssaf_simulate_activation(self):
        """Local simulation only: play the customer who activates the account,
        at the moment the trainer chooses."""
        self.ensure_one()
        self._l10n_fr_urssaf_check_simulation()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate: customer activates the account"),
            "res_model": "l10n.fr.urssaf.simulate.activation",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def _l10n_fr_urssaf_check_simulation(self):
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        for partner in self.filtered("l10n_fr_urssaf_customer_id"):
            company = partner.l10n_fr_urssaf_company_id
            if company.l10n_fr_urssaf_environment != "simulation":
                raise UserError(
                    self.env._("Only a company in Local simulation can do this.")
                )

    def _l10n_fr_urssaf_simulate_activation(self, at=None):
        """The simulated customer activates the account ``at`` (default now)."""
        self._l10n_fr_urssaf_check_simulation()
        for partner in self.filtered("l10n_fr_urssaf_customer_id"):
            company = partner.l10n_fr_urssaf_company_id
            company._l10n_fr_urssaf_simulator().activate(
                partner.l10n_fr_urssaf_customer_id, at=at
            )
            errors = partner._l10n_fr_urssaf_refresh()
            if errors:
                raise UserError(errors[partner])
