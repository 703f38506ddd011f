""""About me" pages for employers and colleges through secret links, and photo consent for them.

May import: every package below it (up to feedback), never reviews, portability or homes.
"""
