from . import test_access
from . import test_fee_schedule
from . import test_partner_archive
from . import test_parts_quote
from . import test_pricing
from . import test_product_archive
from . import test_ui
