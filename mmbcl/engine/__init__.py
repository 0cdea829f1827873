from .hooks import ClassCountsHook

__all__ = ['ClassCountsHook']
