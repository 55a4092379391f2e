from . import l10n_fr_urssaf_commune
from . import res_company
from . import res_config_settings
from . import res_partner
