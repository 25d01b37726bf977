from . import asm_attribution_mixin
from . import account_move
from . import asm_commission_line
from . import asm_statement
from . import crm_lead
from . import res_config_settings
from . import sale_order
