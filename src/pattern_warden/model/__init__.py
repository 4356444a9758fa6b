"""The project model: what each name refers to and what each function does, built once per tree.

Rules, the clone engine, leftovers and the review ask it instead of matching names by their
spelling. ``ModelBuilder.build`` makes (and keeps current) the ``ProjectModel`` of a tree;
``ProjectModel.resolve`` / ``type_of`` / ``effects`` / ``callees`` / ``callers`` answer.
"""

from pattern_warden.model.build import ModelBuilder
from pattern_warden.model.project import CallSite, Effect, ProjectModel, module_name
from pattern_warden.model.summary import summarise

__all__ = ["CallSite", "Effect", "ModelBuilder", "ProjectModel", "module_name", "summarise"]
