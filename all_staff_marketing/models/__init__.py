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

# --- attribution, grades, points, customer owners and tiers (branch attr) ---
from . import asm_lead_grade
from . import asm_stage_grade
from . import asm_point_event_type
from . import asm_point_line
from . import asm_customer_owner
from . import asm_customer_tier_log
from . import hr_employee
from . import product_pricelist
from . import res_company
from . import res_partner

# --- commission engine (branch comm) ---
from . import account_move_commission
from . import account_move_line_commission
from . import account_partial_reconcile
from . import asm_award
from . import asm_commission_engine
from . import asm_commission_multiplier
from . import asm_commission_rule
from . import asm_commission_rule_tier
from . import asm_event_reward
from . import asm_late_bracket
from . import hr_department_quota
from . import res_company_commission
from . import sale_order_commission
