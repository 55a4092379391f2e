from . import test_partner
from . import test_settings
from . import test_tour_customer
from . import test_tour_settings
from . import test_payment_request
from . import test_tour_payment_request
from . import test_cancellation
from . import test_tour_cancellation
