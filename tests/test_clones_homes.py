"""Homes that climb too far (issue 24, round 8): nltk's Tk apps in ``nltk/app`` were sent to
``nltk/util.py``, the top-level package's helpers that all of nltk imports, and ARLSTem's methods
copied into ARLSTem2 to ``stem/api.py``, the module of the ``StemmerI`` interface every stemmer
derives from. A helpers module one package up is still a home for copies below a sub-package
(``sites/utils.py`` for its site plugins). Real files in tmp trees, run through the public
clones API."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.test_clones import LOADER, run, write

#: A Tk view's set-up both parser apps hold (nltk's rdparser/srparser ``_init_feedback``).
FEEDBACK = '''
def _init_feedback(self, parent):
    self._feedbackframe = feedbackframe = Frame(parent)
    feedbackframe.pack(fill="x", side="bottom", padx=3, pady=3)
    self._lastoper_label = Label(feedbackframe, text="Last Operation:", font=self._font)
    self._lastoper_label.pack(side="left")
    lastoperframe = Frame(feedbackframe, relief="sunken", border=1)
    lastoperframe.pack(fill="x", side="right", expand=1, padx=5)
    self._lastoper1 = Label(lastoperframe, foreground="#007070", background="#f0f0f0", font=self._font)
    self._lastoper2 = Label(lastoperframe, anchor="w", width=30, foreground="#004040", background="#f0f0f0")
    self._lastoper1.pack(side="left")
    self._lastoper2.pack(side="left", fill="x", expand=1)
'''


def _app(name: str) -> str:
    return ("from tkinter import Frame, Label\n\nfrom nltk.util import in_idle\n\n\n"
            f"class {name}:\n" + textwrap.indent(textwrap.dedent(FEEDBACK), "    ")
            + f"\n    def run(self):\n        return in_idle() or '{name}'\n")


def test_copies_in_a_sub_package_never_go_to_the_top_level_helpers(project: Path) -> None:
    write(project, "nltk/__init__.py", "from nltk.util import in_idle\n")
    write(project, "nltk/util.py", "def in_idle():\n    return False\n\n\ndef flatten(items):\n    return list(items)\n")
    write(project, "nltk/app/__init__.py", "")
    write(project, "nltk/app/rdparser_app.py", _app("RecursiveDescentApp"))
    write(project, "nltk/app/srparser_app.py", _app("ShiftReduceApp"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate", advice.reason
    assert advice.home in ("nltk/app/rdparser_app.py", "nltk/app/srparser_app.py"), advice.reason


def test_the_helpers_of_the_package_just_above_a_sub_package_are_still_a_home(project: Path) -> None:
    write(project, "flex/__init__.py", "")
    write(project, "flex/sites/__init__.py", "")
    write(project, "flex/sites/utils.py", "def normalize(name):\n    return name.lower()\n")
    write(project, "flex/sites/sites/__init__.py", "")
    write(project, "flex/sites/sites/alpha.py", LOADER, "NAME = 'alpha'\nURL = 'https://alpha.example'\n")
    write(project, "flex/sites/sites/beta.py", "TIMEOUT = 30", LOADER.replace("load_totals", "load_sizes"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate" and advice.home == "flex/sites/utils.py", advice.reason


#: A suffix rule both Arabic stemmers hold (nltk's ARLSTem.suff and ARLSTem2.suff).
SUFF = '''
    def suff(self, token):
        if token.endswith("\u0643") and len(token) > 3:
            return token[:-1]
        if len(token) > 4:
            for s2 in self.su2:
                if token.endswith(s2):
                    return token[:-2]
        if len(token) > 5:
            for s3 in self.su3:
                if token.endswith(s3):
                    return token[:-3]
        return token
'''


def test_an_interface_few_of_whose_subclasses_share_the_code_is_no_home(project: Path) -> None:
    write(project, "stem/__init__.py", "")
    write(project, "stem/api.py", "class StemmerI:\n    def stem(self, token):\n        raise NotImplementedError()\n")
    write(project, "stem/util.py", "def suffix_replace(original, old, new):\n    return original[: -len(old)] + new\n")
    for n, name in enumerate(("porter", "lancaster", "snowball", "isri", "rslp", "cistem")):
        write(project, f"stem/{name}.py", "from stem.api import StemmerI",
              f"class {name.title()}(StemmerI):\n    def stem(self, token):\n        return token[: -{n + 1}]\n")
    write(project, "stem/arlstem.py", "from stem.api import StemmerI",
          "class ARLSTem(StemmerI):\n    def __init__(self):\n        self.su2 = ('ka', 'na')\n"
          "        self.su3 = ('kum', 'hum')\n" + SUFF + "\n    def stem(self, token):\n        return self.suff(token)\n")
    write(project, "stem/arlstem2.py", "from stem.api import StemmerI",
          "class ARLSTem2(StemmerI):\n    def __init__(self, verbs):\n        self.verbs = verbs\n"
          "        self.su2, self.su3 = verbs.suffixes()\n" + SUFF
          + "\n    def stem(self, token):\n        if token in self.verbs:\n            return token\n"
          "        return self.suff(token)\n")
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate", advice.reason
    assert advice.home in ("stem/arlstem.py", "stem/arlstem2.py"), advice.reason
