"""The loopback SMTP server fixture, for the invitation and password reset tests."""
from tests.mail.smtp_server import smtp_server  # noqa: F401
