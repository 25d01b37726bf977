from . import asm_statement
from . import hr_payslip
from . import hr_employee
