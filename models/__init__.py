from . import l10n_fr_urssaf_commune
from . import l10n_fr_urssaf_payment_request
from . import product_template
from . import account_move_line
from . import account_move
from . import res_company
from . import res_config_settings
from . import res_partner
