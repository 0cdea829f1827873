from .bcl_classifier import BCLClassifier

__all__ = ['BCLClassifier']
