from . import asm_statement_generate
