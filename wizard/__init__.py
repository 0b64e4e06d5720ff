from . import stock_lot_register
from . import aftersales_stock_aging_overview
