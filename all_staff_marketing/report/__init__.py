from . import asm_statement_xlsx
