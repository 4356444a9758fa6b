"""The project model: what each name refers to and what each function does, built once per tree.

Rules, the clone engine, leftovers and the review ask it instead of matching names by their
spelling. The query API (``ProjectModel``; ``rel`` is a path relative to the root, ``stack``
the ``def``/``class`` nodes around ``node``, outermost first):

- ``resolve(rel, node, stack)`` -> the qualified name a name or dotted expression refers to
  (``requests.get``, ``pkg.db.Pool.connect``, ``builtins.open``), None when the code does not say;
  ``type_of(rel, node, stack)`` -> the type of the instance it holds (``logging.Logger``);
- ``effects(function, depth=3)`` -> ``Effect``s (file I/O, network, subprocess, sleep, stdin,
  log, raise) each with its evidence call, place and ``chain`` of project functions;
- ``callees(function)`` / ``callers(function)`` -> ``CallSite``s; ``function_at(rel, def_node)``
  names a ``def``; ``dependents(modules)`` / ``dependencies(module)`` follow imports.

``ModelBuilder().build(workspace, disk)`` makes the model of a tree and keeps it current
(re-summarising changed files, forgetting answers only in edited modules and their importers);
``model.build.model_for(source, tree, project)`` gives the model to ask about one file's text
(the project's, a draft laid over it, or the file alone). Inside a rule, ``Context.resolve``,
``Context.type_of`` and ``Context.model`` do this for the file being checked.
"""

from pattern_warden.model.build import ModelBuilder
from pattern_warden.model.project import CallSite, Effect, ProjectModel, module_name
from pattern_warden.model.summary import summarise

__all__ = ["CallSite", "Effect", "ModelBuilder", "ProjectModel", "module_name", "summarise"]
