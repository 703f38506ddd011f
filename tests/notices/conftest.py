"""The loopback SMTP server the mail tests use, for the notice emails too."""
from tests.mail.smtp_server import smtp_server  # noqa: F401
