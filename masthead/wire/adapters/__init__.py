"""Wire formats, one module each, found through the registry in `base`."""

from masthead.wire.adapters.base import Adapter, adapter_names, detect, get_adapter

__all__ = ["Adapter", "adapter_names", "detect", "get_adapter"]
