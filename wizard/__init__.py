from . import stock_lot_register
