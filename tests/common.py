# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
from datetime import date, datetime, timedelta
from unittest.mock import patch

from werkzeug.urls import url_parse

from odoo import Command, fields
from odoo.tests.common import _super_send

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..lib.simulator import Simulator
from ..lib.wsgi_adapter import LOCAL_SIMULATION_URL
from ..models import res_company

SIMULATOR_HOST = url_parse(LOCAL_SIMULATION_URL).host

# Other people the simulated tax office knows, for tests with several customers.
PAUL = {
    "name": "Paul Petit",
    "l10n_fr_urssaf_civility": "1",
    "l10n_fr_urssaf_birth_name": "Petit",
    "l10n_fr_urssaf_usage_name": False,
    "l10n_fr_urssaf_first_names": "Paul",
    "email": "paul@example.com",
    "mobile": "0698765432",
}
LUCIE = {
    "name": "Lucie Morel",
    "l10n_fr_urssaf_birth_name": "Morel",
    "l10n_fr_urssaf_usage_name": False,
    "l10n_fr_urssaf_first_names": "Lucie",
    "email": "lucie@example.com",
    "mobile": "0611223344",
}


def activated_long_ago():
    """Before the first day of last month, whatever today is: the longest gap
    to it is 61 days (31 August back to 1 July)."""
    return datetime.now() - timedelta(days=62)


def last_month(record):
    """First and last day of the month before the record's today."""
    last_day = fields.Date.context_today(record).replace(day=1) - timedelta(days=1)
    return last_day.replace(day=1), last_day


def contact_values(env, **values):
    """A customer as first entered: name, e-mail and address only."""
    return {
        "name": "Jeanne Martin",
        "email": "jeanne.martin@example.com",
        "street": "8 rue du Soleil",
        "zip": "35000",
        "city": "Rennes",
        "country_id": env.ref("base.fr").id,
        **values,
    }


def customer_values(env, **values):
    """A private customer with everything Urssaf asks for, as create values."""
    rennes = env["l10n.fr.urssaf.commune"].search(
        [("code", "=", "35238"), ("kind", "=", "current")], limit=1
    )
    bank = env["res.bank"].create({"name": "BNP", "bic": "BNPAFRPP"})
    iban = "FR76 3000 4000 0312 3456 7890 143"
    return {
        "name": "Jeanne Martin",
        "l10n_fr_urssaf_civility": "2",
        "l10n_fr_urssaf_birth_name": "Durand",
        "l10n_fr_urssaf_usage_name": "Martin",
        "l10n_fr_urssaf_first_names": "Jeanne Marie",
        "l10n_fr_urssaf_birth_date": date(1980, 3, 29),
        "l10n_fr_urssaf_birth_commune_id": rennes.id,
        "mobile": "06 12 34 56 78",
        "email": "jeanne.martin@example.com",
        "street": "8 rue du Soleil",
        "zip": "35000",
        "city": "Rennes",
        "country_id": env.ref("base.fr").id,
        "bank_ids": [Command.create({"acc_number": iban, "bank_id": bank.id})],
        **values,
    }


def service_product(env, company):
    """Cleaning by the hour, nature 60, with 10 % VAT of ``company``."""
    hour = env.ref("uom.product_uom_hour")
    tax = env["account.tax"].create(
        {
            "name": "TVA 10 % SAP",
            "amount": 10,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "company_id": company.id,
        }
    )
    return env["product.product"].create(
        {
            "name": "Ménage",
            "type": "service",
            "uom_id": hour.id,
            "uom_po_id": hour.id,
            "list_price": 30.0,
            "taxes_id": [Command.set(tax.ids)],
            "l10n_fr_urssaf_nature_code": "60",
        }
    )


class SimulatorMixin:
    """A fresh in-memory Urssaf simulator for each test, reached in-process."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # The in-process simulator is not the internet: let it through.
        if url_parse(r.url).host == SIMULATOR_HOST:
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.simulator = Simulator()
        self.addCleanup(self.simulator.close)
        self.continue_ids()
        self.patch(
            type(self.env["res.company"]),
            "_l10n_fr_urssaf_simulator",
            lambda company: self.simulator,
        )

    def continue_ids(self):
        """Urssaf never gives an id twice: the simulator's go on after the
        requests the database holds (the demo's, made by its own simulator)."""
        self.env.cr.execute(
            "SELECT MAX(urssaf_id::bigint) FROM l10n_fr_urssaf_payment_request"
            " WHERE urssaf_id ~ '^[0-9]{1,18}$'"
        )
        last = self.env.cr.fetchone()[0]
        if last:
            with self.simulator.store.transaction():
                self.simulator.store.meta_set("payment_request_id", last)

    def reset_simulator(self):
        self.simulator.reset()
        self.continue_ids()


class UrssafCommon(SimulatorMixin, AccountTestInvoicingCommon):
    """A French company with its chart of accounts, as our users have."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company.l10n_fr_urssaf_sap_number = "SAP123456789"
        # Production access granted: tests may switch to production.
        cls.company.l10n_fr_urssaf_habilitation_date = date(2024, 1, 15)
        cls.company.l10n_fr_urssaf_journal_id = cls.company_data["default_journal_bank"]

    @classmethod
    def make_customer(cls, **values):
        """A private customer with everything Urssaf asks for."""
        return cls.env["res.partner"].create(customer_values(cls.env, **values))

    def active_customer(self, activated_at=None, **values):
        """A customer registered with the simulator and active since
        ``activated_at`` (default: two months ago)."""
        partner = self.make_customer(**values)
        partner.action_l10n_fr_urssaf_register()
        self.simulator.activate(
            partner.l10n_fr_urssaf_customer_id,
            at=activated_at or activated_long_ago(),
        )
        partner.action_l10n_fr_urssaf_refresh_status()
        return partner

    @classmethod
    def setup_independent_company(cls, **kwargs):
        # Loading the French chart costs about a minute per test class: reuse
        # the French demo company when the database has demo data.
        company = cls.env.ref("base.demo_company_fr", raise_if_not_found=False)
        if not kwargs and company and company.chart_template == "fr":
            cls.env.user.company_ids += company
            return company
        return super().setup_independent_company(**kwargs)

    @contextlib.contextmanager
    def urssaf_over_http(self, company, environment="sandbox"):
        """Point an environment of ``company`` at the simulator served on
        127.0.0.1, as the real Urssaf would be reached."""
        with self.simulator.serve() as base_url:
            urls = dict(res_company.ENVIRONMENT_URLS, **{environment: base_url})
            with patch.object(res_company, "ENVIRONMENT_URLS", urls):
                company.write(
                    {
                        "l10n_fr_urssaf_environment": environment,
                        "l10n_fr_urssaf_client_id": "provider-test",
                        "l10n_fr_urssaf_client_secret": "secret-test",
                    }
                )
                yield base_url
