"""The loopback SMTP server fixture for the mail tests."""
from tests.mail.smtp_server import smtp_server  # noqa: F401
