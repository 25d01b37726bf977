from . import (
    asm_attribution_mixin,
    asm_commission_line,
    asm_statement,
    res_config_settings,
)
