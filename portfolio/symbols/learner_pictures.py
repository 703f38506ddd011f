"""The pictures a learner chooses as their own: on their login card, in the picture check and on
their pages. Kept apart from the library so the vocabulary can name them without importing it."""
from __future__ import annotations

# Pictures a learner can choose as their own, and that appear in the picture check.
PICTURE_SYMBOLS: tuple[str, ...] = (
    "dog", "cat", "rocket", "guitar", "football", "sunflower", "sun", "tree", "bus", "heart",
    "apple", "fish", "bird", "rainbow", "star", "car", "train", "horse", "butterfly", "pizza",
)

PICTURE_EMOJI: dict[str, str] = {
    "dog": "🐶", "cat": "🐱", "rocket": "🚀", "guitar": "🎸", "football": "⚽",
    "sunflower": "🌻", "sun": "☀️", "tree": "🌳", "bus": "🚌", "heart": "❤️",
    "apple": "🍎", "fish": "🐟", "bird": "🐦", "rainbow": "🌈", "star": "⭐",
    "car": "🚗", "train": "🚆", "horse": "🐴", "butterfly": "🦋", "pizza": "🍕",
}


def picture_label(name: str) -> str:
    """Words for a picture, read aloud in the picture check ("sunflower")."""
    return name.replace("-", " ")
