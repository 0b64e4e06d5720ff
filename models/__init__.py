from . import aftersales_dealer_level
from . import product_template
from . import res_partner
from . import stock_lot
from . import stock_picking
from . import stock_warehouse
