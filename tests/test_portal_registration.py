# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import timedelta
from html import unescape

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from ..models.l10n_fr_urssaf_consent import FORM_LIMIT
from ..models.res_partner_portal import CONSENT_VERSION, LINK_CONTEXT
from .common import SimulatorMixin, contact_values, customer_values

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GOOD_IBAN = "FR76 3000 4000 0312 3456 7890 143"


class PortalRegistrationCommon(SimulatorMixin, HttpCase):
    """A customer the provider knows by name and e-mail only, and the link it
    e-mails them."""

    def setUp(self):
        super().setUp()
        self.admin = self.env.ref("base.user_admin")
        self.company = self.admin.company_id
        self.customer = self.env["res.partner"].create(contact_values(self.env))
        self.url = self.link(self.customer)

    def link(self, partner):
        url = (
            partner.with_user(self.admin)
            .with_context(**{LINK_CONTEXT: True})
            ._l10n_fr_urssaf_portal_url()
        )
        return url.removeprefix(partner.get_base_url())

    def form(self, **values):
        """What Jeanne types, everything right unless ``values`` says."""
        return {
            "civility": "2",
            "birth_name": "Durand",
            "usage_name": "Martin",
            "first_names": "Jeanne Marie",
            "birth_date": "1980-03-29",
            "birth_country_id": str(self.env.ref("base.fr").id),
            "birth_commune": "Rennes",
            "street_number": "8",
            "street_letter": "",
            "road_type": "R",
            "road_name": "du Soleil",
            "address_complement": "",
            "locality": "",
            "zip": "35000",
            "city": "Rennes",
            "mobile": "06 12 34 56 78",
            "email": "jeanne.martin@example.com",
            "iban": GOOD_IBAN,
            "bic": "BNPAFRPP",
            "consent": "1",
            **values,
        }

    def post(self, url=None, csrf=True, **values):
        """Send the form as the customer's browser does (``csrf``: the page's
        token, a given one, or none)."""
        url = url or self.url
        data = self.form(**values)
        if csrf is True:
            csrf = CSRF.search(self.url_open(url).text)[1]
        if csrf:
            data["csrf_token"] = csrf
        return self.url_open(url, data=data, allow_redirects=False)

    def feedback(self, page):
        """Each input's message in red, by input name."""
        found = re.findall(r'data-field="(\w+)">([^<]*)<', page.text)
        return {name: unescape(" ".join(text.split())) for name, text in found}


@tagged("post_install", "-at_install")
class TestPortalLink(PortalRegistrationCommon):
    def test_link_e_mailed_never_in_the_chatter(self):
        done = self.customer.with_user(
            self.admin
        ).action_l10n_fr_urssaf_send_portal_link()
        self.assertEqual(
            done["params"]["message"], "Registration link e-mailed to Jeanne Martin."
        )
        mail = self.env["mail.mail"].search([("recipient_ids", "=", self.customer.id)])
        self.assertEqual(mail.recipient_ids, self.customer)
        link = re.search(r'href="[^"]*(/urssaf/registration/[^"]+)"', mail.body_html)
        page = self.url_open(link[1])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Avance immédiate de crédit d'impôt", page.text)
        # Whoever reads the contact does not hold the link.
        for message in self.customer.message_ids:
            self.assertNotIn("/urssaf/registration/", message.body)
        self.assertIn(
            "e-mailed to jeanne.martin@example.com", self.customer.message_ids[0].body
        )
        # The new link revokes the earlier one.
        self.assertEqual(self.url_open(self.url).status_code, 403)
        # Chosen in a message, the template makes no link for the chatter.
        action = self.customer.with_user(
            self.admin
        ).action_l10n_fr_urssaf_send_activation_reminder()
        composer = Form(
            self.env[action["res_model"]]
            .with_user(self.admin)
            .with_context(**action["context"])
        )
        with self.assertRaisesRegex(UserError, "button Send registration link"):
            composer.template_id = self.env.ref(
                "l10n_fr_urssaf_avance_immediate.mail_template_portal_registration"
            )
            composer.save()

    def test_e_mail_corrected_revokes_the_link(self):
        self.customer.email = "jeanne.durand@example.com"
        self.assertEqual(self.url_open(self.url).status_code, 403)

    def test_link_for_many_and_refused_for_some(self):
        paul = self.customer.copy({"name": "Paul Petit", "email": "paul@example.com"})
        done = (self.customer | paul).action_l10n_fr_urssaf_send_portal_link()
        self.assertEqual(done["params"]["message"], "2 registration links e-mailed.")
        paul.email = False
        firm = self.env["res.partner"].create(
            {"name": "Firm", "is_company": True, "email": "f@example.com"}
        )
        # A user of the back office: the form would change the login's e-mail.
        admin = self.admin.partner_id
        done = (
            self.customer | paul | firm | admin
        ).action_l10n_fr_urssaf_send_portal_link()
        self.assertEqual(done["params"]["type"], "warning")
        self.assertEqual(
            done["params"]["message"],
            "Registration link e-mailed to Jeanne Martin. Not sent: Paul Petit (no "
            "e-mail address); Firm (a company); Mitchell Admin (a user of this "
            "database, or archived).",
        )
        with self.assertRaisesRegex(UserError, "No registration link sent: Firm"):
            firm.action_l10n_fr_urssaf_send_portal_link()
        # An archived user may come back: its e-mail is not the form's.
        user = self.env["res.users"].create(
            {"login": "former", "partner_id": paul.id, "email": "paul@example.com"}
        )
        user.action_archive()
        with self.assertRaisesRegex(UserError, "a user of this database"):
            paul.action_l10n_fr_urssaf_send_portal_link()
        # A shared contact registered by another company is left to it.
        other = self.env["res.company"].create({"name": "Other"})
        self.admin.company_ids += other
        self.customer.sudo().l10n_fr_urssaf_company_id = other
        customer = self.customer.with_user(self.admin).with_context(
            allowed_company_ids=self.company.ids
        )
        with self.assertRaisesRegex(UserError, "a customer of another company"):
            customer.action_l10n_fr_urssaf_send_portal_link()

    def test_only_invoicing_users_make_links(self):
        clerk = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "clerk",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("base.group_partner_manager").id,
                        ]
                    )
                ],
            }
        )
        customer = self.customer.with_user(clerk)
        with self.assertRaises(AccessError):
            customer.action_l10n_fr_urssaf_send_portal_link()
        with self.assertRaises(AccessError):
            customer._l10n_fr_urssaf_portal_url()

    def test_form_filled_with_what_the_provider_knows(self):
        self.customer.write(
            {
                "l10n_fr_urssaf_birth_name": "Durand",
                "l10n_fr_urssaf_iban": GOOD_IBAN,
            }
        )
        page = self.url_open(self.url)
        self.assertIn('id="o_l10n_fr_urssaf_consent" class', page.text)  # unticked
        # No suffix, no road type chosen for the customer by the browser.
        for name in ("street_letter", "road_type"):
            self.assertRegex(page.text, rf'name="{name}">\s*<option value=""></option>')
        self.assertIn('value="Durand"', page.text)
        self.assertIn('value="du Soleil"', page.text)
        # Who holds the link sees no full IBAN.
        self.assertNotIn("3456", page.text)
        self.assertIn("FR76 •••• 0143", page.text)

    def test_expired_altered_or_another_customers_link_refused(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=31)):
            expired = self.link(self.customer)
        paul = self.env["res.partner"].create(
            customer_values(self.env, name="Paul Petit", email="paul@example.com")
        )
        # Jeanne's link with Paul's id put in: the signature no longer holds.
        token = self.url.rsplit("/", 1)[1]
        raw = base64.urlsafe_b64decode(token + "===")
        forged = raw.replace(f"[{self.customer.id},".encode(), f"[{paul.id},".encode())
        forged_url = "/urssaf/registration/" + base64.urlsafe_b64encode(
            forged
        ).decode().rstrip("=")
        for url in (expired, forged_url, "/urssaf/registration/nonsense"):
            with self.subTest(url=url[:40]):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 403)
                self.assertIn("This link is no longer valid", page.text)
                self.assertNotIn("Petit", page.text)
        # Jeanne's own link shows and changes Jeanne only, whatever is posted.
        response = self.post(partner_id=str(paul.id), birth_name="Autre")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(paul.l10n_fr_urssaf_birth_name, "Durand")  # unchanged
        self.assertEqual(self.customer.l10n_fr_urssaf_birth_name, "Autre")
        self.assertFalse(paul.l10n_fr_urssaf_consent_id)
        self.assertTrue(self.customer.l10n_fr_urssaf_consent_id)

    def test_link_of_a_customer_now_elsewhere_refused(self):
        other = self.env["res.company"].create({"name": "Other Provider"})
        self.customer.company_id = other
        self.assertEqual(self.url_open(self.url).status_code, 403)
        self.customer.company_id = False
        self.customer.action_archive()
        self.assertEqual(self.url_open(self.url).status_code, 403)

    def test_csrf_token_required(self):
        response = self.post(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.customer.l10n_fr_urssaf_birth_name)
        self.assertFalse(self.customer.l10n_fr_urssaf_consent_id)

    def test_rate_limited(self):
        Attempt = self.env["l10n.fr.urssaf.portal.attempt"]
        for _i in range(FORM_LIMIT):
            self.assertEqual(self.post(first_names="").status_code, 400)
        response = self.post()
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many attempts", response.text)
        self.assertFalse(self.customer.l10n_fr_urssaf_consent_id)
        # An hour later the customer may try again; stale attempts are dropped.
        with freeze_time(fields.Datetime.now() + timedelta(minutes=61)):
            Attempt._gc_attempts()
        self.assertFalse(Attempt.search([("partner_id", "=", self.customer.id)]))
        self.assertEqual(self.post().status_code, 303)
        # Guessing links from one address is cut short too.
        for _i in range(30):
            self.url_open("/urssaf/registration/guess")
        self.assertEqual(self.url_open(self.url).status_code, 429)


@tagged("post_install", "-at_install")
class TestPortalForm(PortalRegistrationCommon):
    def other_customer(self):
        return self.env["res.partner"].create(
            contact_values(self.env, name="Paul Petit", email="paul@example.com")
        )

    def test_birth_country_never_chosen_by_the_browser(self):
        self.customer.l10n_fr_urssaf_birth_country_id = False
        page = self.url_open(self.url).text
        self.assertRegex(page, r'name="birth_country_id">\s*<option value=""></option>')
        response = self.post(birth_country_id="²")  # a digit Python reads, not int()
        self.assertEqual(
            self.feedback(response)["birth_country_id"], "Birth country: choose it."
        )

    def test_same_rules_and_messages_as_the_back_office(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        response = self.post(
            first_names="",
            email="jeanne+soin@example.com",
            iban="FR76 3000 4000 0312 3456 7890 144",
            bic="ZZZZFRPP",
            birth_commune="Nulle Part",
            road_type="",
            consent="",
        )
        self.assertEqual(response.status_code, 400)
        messages = self.feedback(response)
        self.assertEqual(
            messages["first_names"], "Prénoms : information obligatoire, à renseigner."
        )
        self.assertIn("Adresse e-mail :", messages["email"])
        self.assertIn("+", messages["email"])
        self.assertIn("IBAN : la clé de contrôle ne correspond pas", messages["iban"])
        self.assertIn("birth_commune", messages)
        self.assertIn("Type de voie", messages["road_type"])
        self.assertIn("consent", messages)
        # Typed values are given back, nothing is saved, no bank left behind.
        self.assertIn('value="jeanne+soin@example.com"', response.text)
        self.assertFalse(self.customer.l10n_fr_urssaf_birth_name)
        self.assertFalse(self.customer.bank_ids)
        self.assertEqual(self.customer.email, "jeanne.martin@example.com")
        self.assertFalse(self.env["res.bank"].search([("bic", "=", "ZZZZFRPP")]))
        messages = self.feedback(self.post(bic="%"))
        self.assertIn("BIC", messages["bic"])

    def renew_link(self):
        self.customer.with_user(self.admin).action_l10n_fr_urssaf_send_portal_link()
        self.url = self.link(self.customer)

    def test_birth_commune_by_name_or_postal_code(self):
        # A postal code, never taken for the INSEE code it looks like (Aix).
        self.assertEqual(self.post(birth_commune="13001").status_code, 303)
        self.assertEqual(self.customer.l10n_fr_urssaf_birth_commune_id.code, "13201")
        # Born in Paris: in one of its arrondissements.
        self.renew_link()
        response = self.post(birth_commune="Paris")
        shown = [
            unescape(v) for v in re.findall(r'<option value="([^"]+)"', response.text)
        ]
        self.assertIn("Paris 15e Arrondissement", shown)
        self.assertNotIn("Paris", shown)
        self.post(birth_commune="Paris 15e Arrondissement")
        self.assertEqual(self.customer.l10n_fr_urssaf_birth_commune_id.code, "75115")
        self.renew_link()
        # Found, then kept in the form while another input is refused.
        response = self.post(birth_commune="", birth_commune_other="Rennes", bic="X")
        self.assertIn('value="Rennes 35000"', response.text)
        self.assertIn(
            "enter it", self.feedback(self.post(birth_commune=""))["birth_commune"]
        )
        response = self.post(birth_commune="35590", consent="1")  # four communes
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            'id="o_l10n_fr_urssaf_birth_commune" name="birth_commune">', response.text
        )
        self.assertIn("Several communes match", response.text)
        # None chosen for the customer; the consent stays ticked.
        self.assertIn('<option value="">', response.text)
        self.assertIn('id="o_l10n_fr_urssaf_consent" checked', response.text)
        shown = re.findall(r'<option value="([^"]*Hermitage[^"]*)"', response.text)
        self.assertEqual(unescape(shown[0]), "L'Hermitage 35590")
        # Not in the list: typed again under it.
        response = self.post(birth_commune="", birth_commune_other="Nulle Part")
        self.assertIn("no commune found", self.feedback(response)["birth_commune"])
        self.assertEqual(self.post(birth_commune=unescape(shown[0])).status_code, 303)
        self.assertEqual(
            self.customer.l10n_fr_urssaf_birth_commune_id.name, "L'Hermitage"
        )
        communes = self.make_jsonrpc_request(self.url + "/communes", {"term": "Renne"})
        self.assertEqual(communes[0], "Rennes 35000")
        self.assertFalse(
            self.make_jsonrpc_request(self.url + "/communes", {"term": "R" * 65})
        )

    def test_saved_with_the_consent_and_handed_to_the_provider(self):
        self.company.l10n_fr_urssaf_responsible_id = self.admin
        response = self.post(
            street_letter="B", road_name="du Grand Soleil", first_names="Jeanne, Marie"
        )
        self.assertEqual(response.status_code, 303)
        customer = self.customer
        self.assertEqual(customer.l10n_fr_urssaf_birth_name, "Durand")
        self.assertEqual(customer.l10n_fr_urssaf_first_names, "Jeanne Marie")
        self.assertEqual(customer.l10n_fr_urssaf_birth_commune_id.code, "35238")
        # Odoo's address follows the corrected split.
        self.assertEqual(customer.street, "8 bis Rue du Grand Soleil")
        self.assertEqual(customer.l10n_fr_urssaf_street_letter, "B")
        self.assertEqual(customer.l10n_fr_urssaf_bank_id.bic, "BNPAFRPP")
        self.assertEqual(customer.l10n_fr_urssaf_iban, GOOD_IBAN)
        consent = customer.l10n_fr_urssaf_consent_id
        self.assertEqual(consent.ip_address, "127.0.0.1")
        self.assertEqual(consent.text_version, CONSENT_VERSION)
        self.assertEqual(consent.company_id, self.company)
        self.assertIn(self.company.name, consent.text)
        self.assertFalse(customer._l10n_fr_urssaf_registration_problems())
        activity = customer.activity_ids
        self.assertEqual(activity.user_id, self.admin)
        self.assertIn("click Register with Urssaf", activity.note)
        self.assertEqual(customer.message_ids[0].author_id, customer)
        # Sent through this link: the status only, the form is closed, and
        # what was recorded for the customer to check.
        page = self.url_open(self.url)
        self.assertIn("your details were received", page.text)
        recap = unescape(page.text.split("o_l10n_fr_urssaf_recap")[1])
        self.assertIn("Mrs. Jeanne Marie Durand / Martin", recap)
        self.assertIn("on 03/29/1980, Rennes (35) 35238", recap)
        self.assertIn("8 bis Rue du Grand Soleil, 35000 Rennes", recap)
        self.assertIn("FR76 •••• 0143", recap)
        self.assertNotIn("3456", recap)
        csrf = CSRF.search(self.url_open(self.link(self.other_customer())).text)[1]
        self.assertNotIn("<form", page.text.split("o_l10n_fr_urssaf_status")[1])
        self.post(csrf=csrf, birth_name="Autre")
        self.assertEqual(customer.l10n_fr_urssaf_birth_name, "Durand")
        self.assertEqual(len(customer.l10n_fr_urssaf_consent_ids), 1)
        # Kept as given; set by the portal only.
        with self.assertRaises(AccessError):
            consent.with_user(self.admin).write({"ip_address": "10.0.0.1"})
        with self.assertRaises(AccessError):
            consent.unlink()
        other = self.env["res.partner"].create({"name": "Other"})
        for forge in (
            lambda: other.with_user(self.admin).write(
                {"l10n_fr_urssaf_consent_id": consent.id}
            ),
            lambda: other.with_user(self.admin).create(
                {"name": "Forged", "l10n_fr_urssaf_consent_id": consent.id}
            ),
        ):
            with self.assertRaises(AccessError):
                forge()

        # The provider registers in one click: the to-do is done.
        customer.with_user(self.admin).action_l10n_fr_urssaf_register()
        self.assertEqual(customer.l10n_fr_urssaf_state, "pending")
        self.assertFalse(customer.activity_ids)
        page = self.url_open(self.url)
        self.assertIn("Check your e-mail from Urssaf", page.text)

    def test_a_new_link_opens_the_form_again(self):
        self.assertEqual(self.post().status_code, 303)
        self.customer.with_user(self.admin).action_l10n_fr_urssaf_send_portal_link()
        url = self.link(self.customer)
        self.assertIn("<form", self.url_open(url).text)
        self.assertEqual(self.post(url, first_names="Jeanne").status_code, 303)
        self.assertEqual(self.customer.l10n_fr_urssaf_first_names, "Jeanne")
        self.assertEqual(len(self.customer.l10n_fr_urssaf_consent_ids), 2)

    def test_a_users_e_mail_is_not_changed(self):
        self.env["res.users"].create(
            {
                "login": "jeanne",
                "partner_id": self.customer.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.assertRegex(
            self.url_open(self.url).text, r'name="email" value="[^"]*"[^>]* readonly'
        )
        self.assertEqual(self.post(email="other@example.com").status_code, 303)
        self.assertEqual(self.customer.email, "jeanne.martin@example.com")

    def test_registered_in_the_background_when_the_company_says_so(self):
        self.company.l10n_fr_urssaf_portal_auto_register = True
        self.assertEqual(self.post().status_code, 303)
        self.assertTrue(self.customer.l10n_fr_urssaf_portal_register)
        self.assertFalse(self.customer.activity_ids)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_fr_urssaf_avance_immediate"], ["fr_FR"]
        )
        self.admin.lang = "fr_FR"
        self.company.l10n_fr_urssaf_responsible_id = self.admin
        self.env["res.partner"]._cron_l10n_fr_urssaf_portal_register()
        self.assertEqual(self.customer.l10n_fr_urssaf_state, "pending")
        # In the responsible's language, not the cron's English.
        self.assertIn("Inscrit auprès de l'Urssaf", self.customer.message_ids[0].body)
        self.assertFalse(self.customer.l10n_fr_urssaf_portal_register)
        self.assertIn("Check your e-mail from Urssaf", self.url_open(self.url).text)

    def test_automatic_registration_refused_goes_to_a_person(self):
        self.company.l10n_fr_urssaf_portal_auto_register = True
        self.patch(
            type(self.customer),
            "_l10n_fr_urssaf_send_registration",
            lambda partner, client, company: "Urssaf is closed for the test.",
        )
        paul = self.env["res.partner"].create(
            {"name": "Paul Petit", "email": "paul@example.com"}
        )
        self.assertEqual(self.post().status_code, 303)
        self.assertEqual(
            self.post(self.link(paul), email="paul@example.com").status_code, 303
        )
        # No credentials for the sandbox: Odoo's RedirectWarning, not a crash.
        self.company.l10n_fr_urssaf_environment = "sandbox"
        self.env["res.partner"]._cron_l10n_fr_urssaf_portal_register()
        self.assertIn("client secret", paul.activity_ids.note)
        self.company.l10n_fr_urssaf_environment = "simulation"
        self.customer.activity_ids.unlink()
        self.customer.sudo().l10n_fr_urssaf_portal_register = True
        self.env["res.partner"]._cron_l10n_fr_urssaf_portal_register()
        self.assertFalse(self.customer.l10n_fr_urssaf_customer_id)
        note = self.customer.activity_ids.note
        self.assertIn("automatic registration failed", note)
        self.assertIn("Urssaf is closed for the test.", note)
        self.assertTrue(self.customer.l10n_fr_urssaf_consent_id)
