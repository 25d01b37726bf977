from . import asm_point_event_wizard
