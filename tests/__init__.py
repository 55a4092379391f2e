from . import test_settings
from . import test_tour_settings
