from tests.submissions.conftest import open_wsce

__all__ = ["open_wsce"]
