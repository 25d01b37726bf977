"""pytest-odoo glue for Odoo 18 (see README, "Tests")."""

import pytest

import odoo.modules.module


@pytest.fixture(autouse=True)
def _odoo_current_test(request):
    """Set odoo.modules.module.current_test like Odoo's runner does.

    pytest-odoo 2.3 only sets it on Odoo 19+; core code (mail, for one) checks it to
    stay off real SMTP and other side effects during tests.
    """
    # the TestCase itself, as Odoo's runner does (HttpCase's test cursors check it)
    odoo.modules.module.current_test = request.instance or request.node
    yield
    odoo.modules.module.current_test = None
