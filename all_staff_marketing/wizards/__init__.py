from . import asm_statement_export_wizard
