from . import asm_statement_export_wizard
from . import asm_point_event_wizard
from . import asm_statement_generate
from . import asm_commission_backapply_wizard
from . import asm_attribution_correction
from . import asm_ranking_challenge_wizard
