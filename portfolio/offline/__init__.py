"""Working with no Wi-Fi: the installable app shell, the service worker, and entries made on the
tablet while offline that are sent, once and in order, when the network comes back.

May import: every package below it (up to feedback), never sharing, reviews, portability or homes.
"""
