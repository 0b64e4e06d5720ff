from . import stock_lot_register
from . import aftersales_claim_reject
from . import aftersales_claim_send_back
from . import aftersales_claim_partial_approve
from . import aftersales_cost_report_print
from . import aftersales_statement_generate
from . import aftersales_stock_aging_overview
