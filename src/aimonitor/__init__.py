"""aimonitor: observability, security and compliance for AI applications."""

__version__ = "0.1.0"
