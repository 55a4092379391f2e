# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer links and payment requests made before 18.0.1.1.0 belong to the
environment their company worked with then: the current one. Filled before
the ORM makes the requests' column NOT NULL."""


def migrate(cr, version):
    cr.execute(
        """
        ALTER TABLE l10n_fr_urssaf_payment_request
            ADD COLUMN IF NOT EXISTS environment varchar;
        UPDATE l10n_fr_urssaf_payment_request request
           SET environment = company.l10n_fr_urssaf_environment
          FROM res_company company
         WHERE company.id = request.company_id AND request.environment IS NULL;
        ALTER TABLE res_partner
            ADD COLUMN IF NOT EXISTS l10n_fr_urssaf_environment varchar;
        UPDATE res_partner partner
           SET l10n_fr_urssaf_environment = company.l10n_fr_urssaf_environment
          FROM res_company company
         WHERE company.id = partner.l10n_fr_urssaf_company_id
           AND partner.l10n_fr_urssaf_customer_id IS NOT NULL
           AND partner.l10n_fr_urssaf_environment IS NULL;
        """
    )
