from . import aftersales_report_nojit_mixin
from . import aftersales_failure_rate_report
from . import aftersales_satisfaction_report
from . import aftersales_cost_report
from . import aftersales_price_check
from . import aftersales_stock_aging_report
from . import aftersales_purchase_exception_report
from . import report_parts_quote
