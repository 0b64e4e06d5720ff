from . import portal_statement
from . import portal
