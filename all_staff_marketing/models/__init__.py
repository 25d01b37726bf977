from . import asm_attribution_mixin
from . import account_move
from . import asm_commission_line
from . import asm_statement
from . import crm_lead
from . import res_config_settings
from . import sale_order

# Approval by tiers, payroll hand-off, XLSX export
from . import asm_approval_mixin
from . import asm_statement_tier
from . import tier_definition
