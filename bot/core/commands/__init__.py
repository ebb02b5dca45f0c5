"""The core's commands, one module per room: ``navigation`` (start, menu, pause, resume, help),
``support`` (sos, ground), ``journal``, ``privacy`` (mydata, export, delete, stats). Each
module lists its ``COMMANDS``; ``core.install`` registers them in the ``registry``."""
