from . import l10n_fr_urssaf_send
from . import l10n_fr_urssaf_cancel
from . import l10n_fr_urssaf_link
from . import account_payment_register
from . import l10n_fr_urssaf_simulate_activation
from . import l10n_fr_urssaf_test_book
from . import l10n_fr_urssaf_tax_statement_generate
from . import l10n_fr_urssaf_registration_summary
