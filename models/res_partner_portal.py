# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's own registration form in the portal, reached by a signed
link the provider e-mails."""

import binascii
import json
import logging
import secrets
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.tools import format_date, hash_sign, verify_hash_signed

from ..lib import codes, insee
from ..lib.formats import urssaf_date
from ..lib.payload import build_customer_payload, normalize_bank_code
from ..lib.validators import BIC_RE, validate_customer_payload
from .guard import check_urssaf_owned
from .res_partner import (
    CRON_BATCH_SIZE,
    FRANCE_ISO_CODES,
    IDENTITY_GROUP,
    PORTAL_ACTIVITY,
)
from .ui import notification

_logger = logging.getLogger(__name__)

TOKEN_SCOPE = "l10n_fr_urssaf_registration"
# As the mail template says.
LINK_DAYS = 30
# Bump when the consent text changes: each consent keeps the version it saw.
CONSENT_VERSION = "2026-12"
COMMUNE_CHOICES = 30
PORTAL_TEMPLATE = "l10n_fr_urssaf_avance_immediate.mail_template_portal_registration"
# Form inputs, in the order they are shown: the partner field each one fills.
FORM_FIELDS = {
    "civility": "l10n_fr_urssaf_civility",
    "birth_name": "l10n_fr_urssaf_birth_name",
    "usage_name": "l10n_fr_urssaf_usage_name",
    "first_names": "l10n_fr_urssaf_first_names",
    "birth_date": "l10n_fr_urssaf_birth_date",
    "birth_country_id": "l10n_fr_urssaf_birth_country_id",
    "birth_commune": "l10n_fr_urssaf_birth_commune_id",
    "street_number": "l10n_fr_urssaf_street_number",
    "street_letter": "l10n_fr_urssaf_street_letter",
    "road_type": "l10n_fr_urssaf_road_type",
    "road_name": "l10n_fr_urssaf_road_name",
    "address_complement": "l10n_fr_urssaf_address_complement",
    "locality": "l10n_fr_urssaf_locality",
    "zip": "zip",
    "city": "city",
    "mobile": "mobile",
    "email": "email",
    "iban": "l10n_fr_urssaf_iban",
    "bic": "l10n_fr_urssaf_bank_id",
}
SPLIT_FIELDS = (
    "street_number",
    "street_letter",
    "road_type",
    "road_name",
    "address_complement",
)
# The form input where a problem at a payload path is shown (the longest
# matching path wins; the rest goes above the form).
PATH_INPUTS = {
    "civilite": "civility",
    "nomNaissance": "birth_name",
    "nomUsage": "usage_name",
    "prenoms": "first_names",
    "dateNaissance": "birth_date",
    "lieuNaissance": "birth_commune",
    "lieuNaissance.codePaysNaissance": "birth_country_id",
    "numeroTelephonePortable": "mobile",
    "adresseMail": "email",
    "adressePostale": "road_name",
    "adressePostale.numeroVoie": "street_number",
    "adressePostale.lettreVoie": "street_letter",
    "adressePostale.codeTypeVoie": "road_type",
    "adressePostale.complement": "address_complement",
    "adressePostale.lieuDit": "locality",
    "adressePostale.libelleCommune": "city",
    "adressePostale.codeCommune": "city",
    "adressePostale.codePostal": "zip",
    "adressePostale.codePays": "city",
    "coordonneeBancaire": "iban",
    "coordonneeBancaire.bic": "bic",
}


PORTAL_OWNED_FIELDS = ("l10n_fr_urssaf_consent_id", "l10n_fr_urssaf_portal_register")
CRON_PORTAL = "l10n_fr_urssaf_avance_immediate.ir_cron_portal_register"
# Set by Send registration link only: the template makes no link otherwise.
LINK_CONTEXT = "l10n_fr_urssaf_portal_link"
# Set by the portal form: its e-mail change keeps the link valid.
FORM_CONTEXT = "l10n_fr_urssaf_portal_form"


class _Refused(Exception):
    """The form has problems: its changes are rolled back."""


class ResPartner(models.Model):
    _inherit = "res.partner"

    l10n_fr_urssaf_consent_ids = fields.One2many(
        "l10n.fr.urssaf.consent",
        "partner_id",
        string="Avance Immédiate Consents",
        readonly=True,
        groups=IDENTITY_GROUP,
    )
    l10n_fr_urssaf_consent_id = fields.Many2one(
        "l10n.fr.urssaf.consent",
        string="Avance Immédiate Consent",
        compute="_compute_l10n_fr_urssaf_consent",
        store=True,
        groups=IDENTITY_GROUP,
        help="The last one the customer gave with the registration form of the "
        "portal.",
    )
    # The current link's: sending a new link revokes the earlier ones.
    l10n_fr_urssaf_portal_nonce = fields.Char(
        string="Registration Link Key", copy=False, groups="base.group_system"
    )
    l10n_fr_urssaf_portal_register = fields.Boolean(
        string="Portal Form to Register",
        readonly=True,
        copy=False,
        help="Completed in the portal, to register in the background (setting "
        "Register customers who fill in the form automatically).",
    )

    @api.depends("l10n_fr_urssaf_consent_ids")
    def _compute_l10n_fr_urssaf_consent(self):
        for partner in self:
            partner.l10n_fr_urssaf_consent_id = partner.l10n_fr_urssaf_consent_ids[:1]

    def _l10n_fr_urssaf_check_portal_owned(self, vals):
        check_urssaf_owned(
            self,
            vals,
            PORTAL_OWNED_FIELDS,
            self.env._("%(fields)s: set by the customer's form in the portal only."),
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._l10n_fr_urssaf_check_portal_owned(
                {name: value for name, value in vals.items() if value}
            )
        return super().create(vals_list)

    def write(self, vals):
        self._l10n_fr_urssaf_check_portal_owned(vals)
        revoked = self.browse()
        if "email" in vals and not self.env.context.get(FORM_CONTEXT):
            # The link may have gone to the wrong address.
            revoked = self.sudo().filtered(
                lambda p: p.l10n_fr_urssaf_portal_nonce and p.email != vals["email"]
            )
        result = super().write(vals)
        revoked.l10n_fr_urssaf_portal_nonce = False
        return result

    # -------------------------------------------------------------- the link

    def action_l10n_fr_urssaf_send_portal_link(self):
        """E-mail each customer a new registration link (the earlier ones stop
        working). Sent with the template, never posted in the chatter: whoever
        reads the contact must not hold the link."""
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        self.check_access("write")
        _ = self.env._
        skipped = {}
        for partner in self:
            if partner.is_company:
                skipped[partner] = _("a company")
            elif partner.l10n_fr_urssaf_customer_id and not (
                partner.l10n_fr_urssaf_elsewhere
            ):
                skipped[partner] = _("already registered with Urssaf")
            elif partner._l10n_fr_urssaf_provider() not in self.env.companies:
                skipped[partner] = _("a customer of another company")
            elif not partner._l10n_fr_urssaf_portal_fit():
                skipped[partner] = _("a user of this database, or archived")
            elif not partner.email:
                skipped[partner] = _("no e-mail address")
        not_sent = "; ".join(
            f"{partner.name} ({reason})" for partner, reason in skipped.items()
        )
        to_send = self - self.browse([partner.id for partner in skipped])
        if not to_send:
            raise UserError(
                _("No registration link sent: %(customers)s.", customers=not_sent)
            )
        template = self.env.ref(PORTAL_TEMPLATE).with_context(**{LINK_CONTEXT: True})
        for partner in to_send:
            partner.sudo().l10n_fr_urssaf_portal_nonce = secrets.token_urlsafe(12)
            template.send_mail(
                partner.id,
                # Off the contact's messages: readable by the administrators only.
                email_values={"model": False, "res_id": False},
            )
            partner._message_log(
                body=_(
                    "Urssaf registration link e-mailed to %(email)s, valid for "
                    "%(days)s days; earlier links no longer work.",
                    email=partner.email,
                    days=LINK_DAYS,
                )
            )
        if len(to_send) == 1:
            message = _(
                "Registration link e-mailed to %(customer)s.", customer=to_send.name
            )
        else:
            message = _("%(count)s registration links e-mailed.", count=len(to_send))
        if skipped:
            message = _(
                "%(message)s Not sent: %(customers)s.",
                message=message,
                customers=not_sent,
            )
        kind = "warning" if skipped else "success"
        return notification(self.env, _("Registration links"), message, kind)

    def _l10n_fr_urssaf_portal_fit(self):
        """Whether a registration link may be made for this contact: a person,
        active, not a user of the back office (whose e-mail the form could
        change)."""
        self.ensure_one()
        return (
            self.active
            and not self.is_company
            and not self._l10n_fr_urssaf_users().filtered(lambda user: not user.share)
        )

    def _l10n_fr_urssaf_users(self):
        """The contact's users, archived ones too (they may come back)."""
        return self.sudo().with_context(active_test=False).user_ids

    def _l10n_fr_urssaf_portal_url(self):
        """The customer's registration link, signed for this customer, the
        provider company, the sender and the last link sent, valid LINK_DAYS
        days."""
        self.ensure_one()
        self.env["res.company"]._l10n_fr_urssaf_check_user()
        self.check_access("write")
        if not self.env.context.get(LINK_CONTEXT):
            # Chosen in a composer, the link would be posted in the chatter.
            raise UserError(
                self.env._(
                    "Send the registration link with the button Send registration "
                    "link of the customer, not from a message."
                )
            )
        partner = self.sudo()
        if not partner.l10n_fr_urssaf_portal_nonce:
            partner.l10n_fr_urssaf_portal_nonce = secrets.token_urlsafe(12)
        payload = [
            self.id,
            self._l10n_fr_urssaf_provider().id,
            self.env.uid,
            partner.l10n_fr_urssaf_portal_nonce,
        ]
        token = hash_sign(
            partner.env, TOKEN_SCOPE, payload, expiration=timedelta(days=LINK_DAYS)
        )
        return f"{self.get_base_url()}/urssaf/registration/{token}"

    @api.model
    def _l10n_fr_urssaf_from_portal_token(self, token):
        """``(partner, company, sender)`` of a valid link (as superuser), or
        None when the link is unknown, altered, expired or replaced, or its
        customer no longer fits."""
        try:
            payload = verify_hash_signed(self.sudo().env, TOKEN_SCOPE, token)
            partner_id, company_id, user_id, nonce = payload
        except (
            ValueError,
            TypeError,
            binascii.Error,
            UnicodeDecodeError,
            json.JSONDecodeError,
        ):
            return None
        partner = self.sudo().browse(partner_id).exists()
        company = self.env["res.company"].sudo().browse(company_id).exists()
        if (
            not partner
            or not company
            or not partner._l10n_fr_urssaf_portal_fit()
            or partner.l10n_fr_urssaf_portal_nonce != nonce
            # Now another company's customer.
            or (partner.l10n_fr_urssaf_company_id or partner.company_id or company)
            != company
        ):
            return None
        return partner, company, self.env["res.users"].sudo().browse(user_id).exists()

    def _l10n_fr_urssaf_portal_done(self):
        """Whether the customer sent the form through the current link: it
        then shows the status only, until a new link is sent."""
        consent = self.l10n_fr_urssaf_consent_id
        return bool(consent) and consent.link_nonce == self.l10n_fr_urssaf_portal_nonce

    # ------------------------------------------------------------- the form

    def _l10n_fr_urssaf_portal_form(self):
        """The form's inputs filled with what the provider knows."""
        self.ensure_one()
        values = {key: self[name] for key, name in FORM_FIELDS.items()}
        values.update(
            birth_date=values["birth_date"] and values["birth_date"].isoformat(),
            birth_country_id=values["birth_country_id"].id,
            birth_commune=values["birth_commune"]._l10n_fr_urssaf_portal_label(),
            mobile=self.mobile or self.phone,
            bic=values["bic"].bic,
            # Shown masked: who holds the link sees no full IBAN.
            iban="",
            birth_commune_other="",
            consent="",
        )
        return {key: value or "" for key, value in values.items()}

    def _l10n_fr_urssaf_masked_iban(self):
        number = self.l10n_fr_urssaf_bank_account_id.sanitized_acc_number or ""
        return number and f"{number[:4]} •••• {number[-4:]}"

    @api.model
    def _l10n_fr_urssaf_portal_communes(self, text, limit=COMMUNE_CHOICES):
        """Birth communes for what the customer typed: a name, a postal code
        (never taken for an INSEE code, which looks the same), or a label of
        the list."""
        Commune = self.env["l10n.fr.urssaf.commune"].sudo()
        text = " ".join((text or "").split())
        if not text:
            return Commune
        if text.isdecimal() and text.isascii():
            rows = insee.communes_for_postcode(text)
            # Born in Paris, Lyon or Marseille: in an arrondissement.
            kinds = {row.kind for row in rows} & {"arrondissement"} or {"current"}
            return Commune.search(
                [
                    ("code", "in", [row.code for row in rows if row.kind in kinds]),
                    ("kind", "in", list(kinds)),
                ],
                limit=limit,
            )
        exact = Commune._l10n_fr_urssaf_exact(text, [], 1)
        found = exact or Commune.name_search(text, limit=limit)
        communes = Commune.browse([commune_id for commune_id, _name in found])
        return communes._l10n_fr_urssaf_with_arrondissements()[:limit]

    def _l10n_fr_urssaf_portal_commune(self, text):
        """The birth commune typed, or none and the labels to choose from."""
        found = self._l10n_fr_urssaf_portal_communes(text)
        if len(found) <= 1:
            return found, []
        return found.browse(), [
            commune._l10n_fr_urssaf_portal_label() for commune in found
        ]

    def _l10n_fr_urssaf_portal_birth_place(self, form, errors, choices):
        """Birth country and commune of the submitted ``form``."""
        _ = self.env._
        country = (
            self.env["res.country"]
            .browse(
                int(form["birth_country_id"])
                if (form.get("birth_country_id") or "").isascii()
                and form["birth_country_id"].isdecimal()
                else 0
            )
            .exists()
        )
        commune = self.env["l10n.fr.urssaf.commune"]
        if not country:
            errors["birth_country_id"] = _("Birth country: choose it.")
        elif country.code in FRANCE_ISO_CODES:
            # "Not in the list": typed again under the choices.
            typed = form.get("birth_commune_other") or form.get("birth_commune")
            commune, found = self._l10n_fr_urssaf_portal_commune(typed)
            if commune:
                # Shown again as found, should another input be refused.
                form["birth_commune"] = commune._l10n_fr_urssaf_portal_label()
                form["birth_commune_other"] = ""
            if not (typed or "").strip():
                errors["birth_commune"] = _(
                    "Birth commune: enter it (its name or postal code) for a birth "
                    "in France."
                )
            elif found:
                choices.extend(found)
                errors["birth_commune"] = _(
                    "Several communes match: choose yours in the list."
                )
            elif not commune:
                errors["birth_commune"] = _(
                    "Birth commune: no commune found; type its name as on your "
                    "birth certificate, or its postal code."
                )
        return country, commune

    @api.model
    def _l10n_fr_urssaf_street_of(
        self, number, letter, road_type, road_name, complement
    ):
        """Odoo's street lines from the address split as Urssaf wants it."""
        street = " ".join(
            part
            for part in (
                number,
                letter and codes.STREET_LETTERS[letter].lower(),
                road_type and codes.ROAD_TYPES[road_type],
                road_name,
            )
            if part
        )
        if not street:
            return {"street": complement, "street2": False}
        return {"street": street, "street2": complement}

    def _l10n_fr_urssaf_portal_values(self, form, errors, choices):
        """Partner values of the submitted ``form``; what cannot be read
        goes to ``errors`` (input: message) and ``choices`` (communes)."""
        _ = self.env._
        vals = {
            FORM_FIELDS[key]: (form.get(key) or "").strip() or False
            for key in (
                "civility",
                "birth_name",
                "usage_name",
                "first_names",
                "locality",
                "zip",
                "city",
                "mobile",
                "email",
                *SPLIT_FIELDS,
            )
        }
        if vals["l10n_fr_urssaf_first_names"]:
            # "Anne, Marie" as on some documents: Urssaf wants spaces.
            vals["l10n_fr_urssaf_first_names"] = " ".join(
                vals["l10n_fr_urssaf_first_names"].replace(",", " ").split()
            )
        for key in ("civility", "street_letter", "road_type"):
            name = FORM_FIELDS[key]
            if vals[name] not in dict(self._fields[name].selection):
                vals[name] = False
        vals["l10n_fr_urssaf_birth_date"] = False
        if form.get("birth_date"):
            try:
                vals["l10n_fr_urssaf_birth_date"] = fields.Date.to_date(
                    form["birth_date"]
                )
            except ValueError:
                errors["birth_date"] = _(
                    "Birth date: enter it as on your identity card, e.g. 31/12/1970."
                )
        country, commune = self._l10n_fr_urssaf_portal_birth_place(
            form, errors, choices
        )
        vals["l10n_fr_urssaf_birth_country_id"] = country.id
        vals["l10n_fr_urssaf_birth_commune_id"] = commune.id
        if self._l10n_fr_urssaf_users():
            # A user's e-mail: changed from the user's account only.
            del vals["email"]
        if not self.country_id:
            vals["country_id"] = self.env.ref("base.fr").id
        elif self.country_id.code not in FRANCE_ISO_CODES:
            errors["city"] = _(
                "Urssaf takes an address in France only: ask %(provider)s.",
                provider=self._l10n_fr_urssaf_provider().name,
            )
        split = [vals[FORM_FIELDS[key]] for key in SPLIT_FIELDS]
        if split != [self[FORM_FIELDS[key]] or False for key in SPLIT_FIELDS]:
            # Odoo's address follows the corrected split (invoices print it).
            vals.update(self._l10n_fr_urssaf_street_of(*split))
        iban = (form.get("iban") or "").strip()
        if iban:
            vals["l10n_fr_urssaf_iban"] = iban
        bic = normalize_bank_code(form.get("bic") or "")
        if bic and BIC_RE.fullmatch(bic):
            vals["l10n_fr_urssaf_bank_id"] = bic
        elif bic or iban or not self.l10n_fr_urssaf_bank_id:
            errors["bic"] = _(
                "BIC: copy it from your bank details (RIB), 8 or 11 characters."
            )
        return vals

    def _l10n_fr_urssaf_bank_for(self, bic):
        Bank = self.env["res.bank"].sudo()
        return Bank.search([("bic", "=", bic)], limit=1) or Bank.create(
            {"name": bic, "bic": bic}
        )

    def _l10n_fr_urssaf_portal_problems(self):
        """Urssaf's rules on the saved customer, by form input."""
        problems = {}
        if self.zip and self.city and not self.l10n_fr_urssaf_commune_id:
            problems["city"] = self.env._(
                "City: no commune %(city)s has the postal code %(zip)s; check both, "
                "as on your mail.",
                city=self.city,
                zip=self.zip,
            )
        found = validate_customer_payload(
            build_customer_payload(self._l10n_fr_urssaf_customer())
        )
        for problem in found:
            path = problem.path
            while path and path not in PATH_INPUTS:
                path = path.rpartition(".")[0]
            problems.setdefault(
                PATH_INPUTS.get(path, "form"),
                self._l10n_fr_urssaf_problem_text(problem),
            )
        commune = self._l10n_fr_urssaf_birth_commune_problem()
        if commune:
            problems.setdefault("birth_commune", commune)
        return problems

    def _l10n_fr_urssaf_consent_text(self, company):
        return self.env._(
            "I ask %(provider)s to register me with Urssaf for the avance immédiate "
            "de crédit d'impôt and to send Urssaf a payment request for each of its "
            "invoices of services à la personne. I validate or contest each request "
            "in my particulier.urssaf.fr space within 48 hours (without an answer it "
            "is validated); Urssaf then pays %(provider)s and debits only my share "
            "from the bank account above. My details are given to Urssaf for this "
            "purpose only.",
            provider=company.name,
        )

    def _l10n_fr_urssaf_portal_submit(self, form, company, sender, ip_address):
        """Save the customer's form (as superuser) once Urssaf's rules hold,
        record the consent and hand the registration to the provider.

        :return: ``(errors, choices)``: messages by input, birth communes to
            choose from; both empty when saved.
        """
        self.ensure_one()
        errors, choices = {}, []
        vals = self._l10n_fr_urssaf_portal_values(form, errors, choices)
        if not form.get("consent"):
            errors["consent"] = self.env._(
                "Tick the box to give your consent: without it, %(provider)s cannot "
                "register you.",
                provider=company.name,
            )
        try:
            with self.env.cr.savepoint():
                bic = vals.pop("l10n_fr_urssaf_bank_id", None)
                if bic:
                    # In the savepoint: a refused form leaves no bank behind.
                    vals["l10n_fr_urssaf_bank_id"] = self._l10n_fr_urssaf_bank_for(
                        bic
                    ).id
                # The consent note says what happened, not field by field.
                self.with_context(mail_notrack=True, **{FORM_CONTEXT: True}).write(vals)
                errors = {**self._l10n_fr_urssaf_portal_problems(), **errors}
                if errors:
                    raise _Refused
        except _Refused:
            return errors, choices
        except (UserError, psycopg2.IntegrityError) as exc:
            _logger.info("Portal registration form of partner %s refused", self.id)
            if isinstance(exc, UserError):
                reason = exc.args[0]
            else:
                reason = self.env._("they conflict with another record.")
            return {
                "form": self.env._(
                    "Your details could not be saved: %(reason)s Check them, or ask "
                    "%(provider)s.",
                    reason=reason,
                    provider=company.name,
                )
            }, choices
        self.env["l10n.fr.urssaf.consent"].create(
            {
                "partner_id": self.id,
                "company_id": company.id,
                "consent_date": fields.Datetime.now(),
                "ip_address": ip_address,
                "text_version": CONSENT_VERSION,
                "text": self._l10n_fr_urssaf_consent_text(company),
                "lang": self.env.lang,
                "link_nonce": self.l10n_fr_urssaf_portal_nonce,
            }
        )
        _logger.info(
            "Urssaf registration form saved in the portal: partner %s", self.id
        )
        self._l10n_fr_urssaf_portal_follow_up(company, sender)
        return {}, []

    def _l10n_fr_urssaf_portal_follow_up(self, company, sender):
        """Queue the registration (company setting), else ask a person."""
        self._message_log(
            author_id=self.id,
            body=self.env._(
                "Registration form completed in the portal, consent given (text "
                "%(version)s).",
                version=CONSENT_VERSION,
            ),
        )
        if company.l10n_fr_urssaf_portal_auto_register:
            # Urssaf is called in the background, not by the customer's page.
            self.l10n_fr_urssaf_portal_register = True
            self.env.ref(CRON_PORTAL)._trigger()
        else:
            self._l10n_fr_urssaf_portal_todo(company, sender)

    def _l10n_fr_urssaf_portal_note(self, responsible, reason=None):
        """The to-do's note, in the language of whom it is for."""
        _ = self.with_context(lang=responsible.lang).env._
        note = _(
            "%(customer)s completed the avance immédiate registration form in the "
            "portal and gave consent: check the details in the Avance immédiate "
            "tab, then click Register with Urssaf.",
            customer=self.display_name,
        )
        if reason:
            note = _(
                "%(note)s The automatic registration failed: %(reason)s",
                note=note,
                reason=reason,
            )
        return note

    def _l10n_fr_urssaf_portal_todo(self, company, sender=None):
        """Ask a person to register the customer (done once registered)."""
        responsible = company._l10n_fr_urssaf_responsible(sender)
        # Scheduled in the responsible's name: no "Public user assigned you".
        return (
            self.with_user(responsible)
            .sudo()
            .activity_schedule(
                PORTAL_ACTIVITY,
                user_id=responsible.id,
                note=self._l10n_fr_urssaf_portal_note(responsible),
            )
        )

    @api.model
    def _cron_l10n_fr_urssaf_portal_register(self):
        """Register the customers who completed the portal form, for the
        companies that register them automatically."""
        partners = self.sudo().search(
            [("l10n_fr_urssaf_portal_register", "=", True)], limit=CRON_BATCH_SIZE
        )
        can_commit = self.env["account.move"]._l10n_fr_urssaf_can_commit()
        for partner in partners:
            company = (
                partner.l10n_fr_urssaf_consent_id.company_id
                or partner._l10n_fr_urssaf_provider()
            )
            # The to-do first, with the flag: whatever happens next, even a
            # killed worker, a person follows up; registering marks it done.
            partner.l10n_fr_urssaf_portal_register = False
            todo = partner._l10n_fr_urssaf_portal_todo(company)
            if can_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            # Registration commits as soon as Urssaf answers, so no savepoint:
            # a failure rolls back this customer only.
            try:
                partner.with_user(todo.user_id).with_company(company).with_context(
                    lang=todo.user_id.lang
                ).action_l10n_fr_urssaf_register()
                reason = None
            except (UserError, RedirectWarning) as exc:
                reason = exc.args[0]
            except Exception:  # pylint: disable=broad-except
                _logger.exception(
                    "Urssaf registration of partner %s failed", partner.id
                )
                if can_commit:
                    self.env.cr.rollback()  # pylint: disable=invalid-commit
                reason = partner.with_context(lang=todo.user_id.lang).env._(
                    "an unexpected error; the server log has details."
                )
            if reason:
                todo.note = partner._l10n_fr_urssaf_portal_note(todo.user_id, reason)
            if can_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if len(partners) == CRON_BATCH_SIZE:
            self.env.ref(CRON_PORTAL)._trigger()

    def _l10n_fr_urssaf_portal_recap(self):
        """(label, value) of what was recorded, for the customer to check
        (the IBAN masked)."""
        _ = self.env._
        birth = self.l10n_fr_urssaf_birth_commune_id.display_name or (
            self.l10n_fr_urssaf_birth_country_id.name
        )
        civility = dict(
            self._fields["l10n_fr_urssaf_civility"]._description_selection(self.env)
        ).get(self.l10n_fr_urssaf_civility, "")
        names = [self.l10n_fr_urssaf_birth_name, self.l10n_fr_urssaf_usage_name]
        return [
            (
                _("Identity"),
                " ".join(
                    part
                    for part in (
                        civility,
                        self.l10n_fr_urssaf_first_names,
                        " / ".join(name for name in names if name),
                    )
                    if part
                ),
            ),
            (
                _("Born"),
                _(
                    "on %(date)s, %(place)s",
                    date=format_date(self.env, self.l10n_fr_urssaf_birth_date),
                    place=birth,
                ),
            ),
            (
                _("Address"),
                ", ".join(
                    line.strip()
                    for line in self._display_address(without_company=True).splitlines()
                    if line.strip()
                ),
            ),
            (_("Mobile phone"), self.mobile or self.phone or ""),
            (_("E-mail"), self.email or ""),
            (_("IBAN"), self._l10n_fr_urssaf_masked_iban()),
        ]

    def _l10n_fr_urssaf_portal_status(self):
        """What the customer's page says of the registration: (level, text)."""
        self.ensure_one()
        _ = self.env._
        registered = (
            self.l10n_fr_urssaf_customer_id and not self.l10n_fr_urssaf_elsewhere
        )
        company = self.l10n_fr_urssaf_company_id
        state = self.l10n_fr_urssaf_state if registered else "not_registered"
        if state == "pending":
            return "info", _(
                "Your registration with Urssaf was made on %(date)s. Check your "
                "e-mail from Urssaf (sent to %(email)s, look in your spam folder "
                "too) and follow its link to activate your account on "
                "particulier.urssaf.fr: the link is valid for 7 days.",
                date=format_date(
                    self.env, urssaf_date(self.l10n_fr_urssaf_registration_date)
                ),
                email=self.email,
            )
        if state == "active":
            return "success", _(
                "Your Urssaf account is active. For each invoice of %(provider)s, "
                "Urssaf asks you to validate the request in your "
                "particulier.urssaf.fr space within 48 hours; you pay only your "
                "share.",
                provider=company.name,
            )
        if state == "not_finalised":
            return "warning", _(
                "Your Urssaf account is not finalised: log in to "
                "particulier.urssaf.fr and finish it."
            )
        if state in ("blocked", "mandate_expired"):
            return "danger", _(
                "Your Urssaf account cannot receive requests from %(provider)s: "
                "contact %(provider)s.",
                provider=company.name,
            )
        if self._l10n_fr_urssaf_portal_done():
            return "info", _(
                "Thank you: your details were received on %(date)s. %(provider)s "
                "will register you with Urssaf; Urssaf will then e-mail you a link "
                "to activate your account. To correct your details, ask "
                "%(provider)s for a new link.",
                date=format_date(
                    self.env, urssaf_date(self.l10n_fr_urssaf_consent_id.consent_date)
                ),
                provider=self._l10n_fr_urssaf_provider().name,
            )
        return None, None
