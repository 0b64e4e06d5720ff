from . import portal_statement
from . import portal
# Service campaigns on the dealer portal
from . import portal_campaign
# Dealer training and certification on the portal
from . import portal_training
# Department documents and knowledge base on the dealer portal
from . import portal_knowledge
# Dealer service audits on the dealer portal
from . import portal_audit
