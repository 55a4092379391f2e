# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class UrssafCommon(AccountTestInvoicingCommon):
    """A French company with its chart of accounts, as our users have."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()

    @classmethod
    def setup_independent_company(cls, **kwargs):
        # Loading the French chart costs about a minute per test class: reuse
        # the French demo company when the database has demo data.
        company = cls.env.ref("base.demo_company_fr", raise_if_not_found=False)
        if not kwargs and company and company.chart_template == "fr":
            cls.env.user.company_ids += company
            return company
        return super().setup_independent_company(**kwargs)
