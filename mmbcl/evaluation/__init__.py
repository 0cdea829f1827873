from .dump_lt_results import DumpLTResults, load_lt_results
from .shot_accuracy import ShotAccuracy, shot_groups
from .simplex_geometry import SimplexGeometry, simplex_report

__all__ = [
    'DumpLTResults', 'load_lt_results', 'ShotAccuracy', 'shot_groups',
    'SimplexGeometry', 'simplex_report'
]
