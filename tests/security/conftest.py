from tests.judging.conftest import judged
from tests.submissions.conftest import open_wsce

__all__ = ["judged", "open_wsce"]
