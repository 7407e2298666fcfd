"""The catalogue core: the :class:`Catalogue` façade and the modules it is made of
(see :mod:`.cache` for which does what).

Everything outside this package (the window, the CLI, the import, the export, the map)
uses the names exported here or the public names of its modules, never their insides
nor the connection.
"""
from .bulk import OperationCancelled
from .cache import Catalogue
from .columns import (ACTOR_FIELDS, CONTACT_FIELDS, USABLE_CONTACT_SQL, actor_to_dict, contact_to_dict,
                      json_list)
from .derived import facet_value_rows

__all__ = ["ACTOR_FIELDS", "CONTACT_FIELDS", "USABLE_CONTACT_SQL", "Catalogue", "OperationCancelled",
           "actor_to_dict", "contact_to_dict", "facet_value_rows", "json_list"]
