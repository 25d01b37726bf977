"""pytest-odoo glue for Odoo 18 (see README, "Tests")."""

import pytest

import odoo.modules.module


@pytest.fixture(autouse=True)
def _odoo_current_test(request):
    """Set odoo.modules.module.current_test like Odoo's runner does.

    pytest-odoo 2.3 only sets it on Odoo 19+; core code (mail, for one) checks it to
    stay off real SMTP and other side effects during tests.
    """
    # Odoo's runner sets the test case itself (test cursors of HttpCase call it)
    instance = getattr(request, "instance", None)
    odoo.modules.module.current_test = (
        instance if hasattr(instance, "check_test_cursor") else request.node
    )
    yield
    odoo.modules.module.current_test = None
