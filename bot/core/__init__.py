"""The companion's core: one turn, split into rooms. Read in this order:

- ``companion``    ``Companion.handle``: transaction, dedupe, context, dispatch by event kind
- ``context``      ``TurnContext`` (what every piece receives) and ``Features`` (what is installed)
- ``safety_step``  every text assessed first; the support flow steps in when it must
- ``fallback``     the crisis card a failed turn still gives (``TurnFailed``), plain text
- ``cards``        which support card answers an assessment (one per situation)
- ``deliveries``   the outbox as adapters see it (replies kept with their turn until sent)
- ``budget``       the sending budget every process shares (slots for messages)
- ``consent``      the consent and age gate, as one decision
- ``sessions``     begin, apply a step's result, pause, finish, resume, view
- ``effects``      what a step asks beyond its state: journal, profile, actions
- ``commands/``    the registry, and the core's commands by room
- ``install``      the core's commands, actions and fields, put into ``Features``
"""

from .budget import Rate, SendBudget
from .companion import Companion
from .context import CoreSettings, Features, TurnContext
from .deliveries import Deliveries, Waiting
from .fallback import LAST_RESORT_SORRY, TurnFailed, describe_failure
from .install import install

__all__ = ["LAST_RESORT_SORRY", "Companion", "Rate", "SendBudget", "CoreSettings", "Deliveries", "Waiting", "Features", "TurnContext", "TurnFailed", "describe_failure", "install"]
