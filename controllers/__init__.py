from . import portal_statement
from . import portal
# Service campaigns on the dealer portal
from . import portal_campaign
# Dealer service audits on the dealer portal
from . import portal_audit
