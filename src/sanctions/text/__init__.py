"""Text normalization for matching: latinization, skeletons, name tokens."""

from .latinize import latinize, script_of
from .names import NameForm, Token, TokenKind, analyze_name
from .phonetic import skeleton

__all__ = ["NameForm", "Token", "TokenKind", "analyze_name", "latinize", "script_of", "skeleton"]
