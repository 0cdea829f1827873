from .bcl_views import BCLViews, sim_view

__all__ = ['BCLViews', 'sim_view']
