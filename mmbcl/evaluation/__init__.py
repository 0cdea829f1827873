from .dump_lt_results import DumpLTResults
from .neural_collapse import NeuralCollapse, neural_collapse
from .results_file import ResultsFileError, load_lt_results, save_lt_results
from .shot_accuracy import ShotAccuracy
from .shot_groups import ShotGroupMetric, shot_groups
from .simplex_geometry import SimplexGeometry, simplex_report

__all__ = [
    'DumpLTResults', 'ResultsFileError', 'load_lt_results', 'save_lt_results',
    'NeuralCollapse', 'neural_collapse', 'ShotAccuracy', 'ShotGroupMetric',
    'shot_groups', 'SimplexGeometry', 'simplex_report'
]
