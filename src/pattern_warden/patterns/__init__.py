"""The pattern library: documents loaded from folders, and fuzzy search over them."""

from pattern_warden.patterns.library import PatternDoc, PatternLibrary, PatternMeta

__all__ = ["PatternDoc", "PatternLibrary", "PatternMeta"]
