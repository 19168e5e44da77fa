"""API packages, discovered by convention: each subfolder with a manifest.py is one API.

The path is extended so that folders of the same name elsewhere on sys.path
(other distributions, plugin folders) contribute APIs too.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
