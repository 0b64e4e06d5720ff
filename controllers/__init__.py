from . import portal_statement
