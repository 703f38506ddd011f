"""The portfolio with everything in it, shared by the service tests of each part of the format."""
from tests.portability.test_service import rich  # noqa: F401  (a fixture, found by pytest by its name here)
