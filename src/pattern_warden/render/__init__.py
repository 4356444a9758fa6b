"""What reaches the agent: one text rendering per result model, lean structured content, budgets.

Engines return complete, typed models. This package is the one place where a model becomes
what a client sees: ``text`` holds the renderers (the CLI prints the same text), ``answer``
turns a model into an MCP tool answer within the output budget, ``paging`` cuts a page to that
budget without losing an item, and ``schema`` keeps the published schemas lean.
"""

from pattern_warden.render.answer import Budget, answer, lean
from pattern_warden.render.text import render_text

__all__ = ["Budget", "answer", "lean", "render_text"]
